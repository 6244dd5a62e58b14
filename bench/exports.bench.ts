/**
 * How long the feedback tables (attachments 3 and 4) take to export for a
 * year of referrals, and how much memory the process needs meanwhile. Not
 * a test: it only prints figures.
 *
 *   npx tsx bench/exports.bench.ts [sizes]
 *   npx tsx bench/exports.bench.ts 10000,50000
 *
 * Each size gets a fresh SQLite file in a temporary directory; MySQL or
 * MariaDB too when MYSQL_URL is set (a fresh bench_* database, dropped
 * afterwards). Referrals are spread over 2026, 85% source cases and 15%
 * crimes, three in four with feedback; the export is the whole year, both
 * tables, as HRSS would ask for it. Peak RSS and heap are sampled every
 * 10 ms during the export; "before" is the process just before it.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import BetterSqlite from "better-sqlite3";
import type { Connection } from "mysql2/promise";
import { openStore, type Store } from "../db/index.js";
import { systemActor } from "../src/audit.js";
import { loadConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { exportTable } from "../src/exports/export.js";
import { silentLogger } from "../src/logger.js";
import { addDays, ManualClock, parseInstant } from "../src/time.js";
import { loadUnits } from "../src/units/seed.js";
import {
  admin,
  dropDatabase,
  freshName,
  withDatabase,
} from "../test/helpers/db.js";

const SIZES = (process.argv[2] ?? "10000,50000").split(",").map(Number);
const SEED_FILE = "db/seed/suining.json";
const NOW = parseInstant("2027-01-05T09:00");
const MB = 2 ** 20;

type Row = Record<string, string | number | null>;

interface Result {
  engine: string;
  n: number;
  seedS: number;
  exportS: number;
  rows: number;
  fileMb: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
}

/** A small seeded generator, so every run makes the same referrals. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Referral i and its feedback (or null), as rows of column values. */
async function rowMaker(store: Store) {
  const units = await store.db.select().from(store.t.units);
  const ids = (kinds: string[]) =>
    units.filter((u) => kinds.includes(u.kind)).map((u) => u.id);
  const hrss = units.find((u) => u.code === "city.hrss")!.id;
  const police = ids(["police"]);
  const industry = ids(["housing", "transport", "natres", "water", "agri"]);
  const rand = random(7);
  const pick = (list: number[]) => list[Math.floor(rand() * list.length)];

  return (i: number): { referral: Row; feedback: Row | null } => {
    const crime = rand() < 0.15;
    const date = addDays("2026-01-01", Math.floor(rand() * 365));
    const unit = crime ? pick(police) : pick(industry);
    const heads = 1 + Math.floor(rand() * 60);
    const fen = Math.floor(rand() * 50_000_000);
    const referral: Row = {
      number: `遂人社移〔2026〕${i + 1}号`,
      year: 2026,
      seq: i + 1,
      kind: crime ? "crime" : "source",
      status: "closed",
      referring_unit_id: hrss,
      handling_unit_id: unit,
      supervising_unit_id: null,
      case_name: `第${i + 1}号项目欠薪案`,
      cause: "拖欠工程款",
      complainant_name: "张三",
      company_name: "遂宁某建筑劳务有限公司",
      head_count: heads,
      amount_fen: fen,
      found_date: date,
      referral_date: date,
      contact_name: "王建国",
      contact_phone: "13800000031",
      file_volumes: 1,
      file_pages: 35,
      exhibits: "考勤表复印件",
      referral_late_days: 0,
      created_by: 1,
      created_at: NOW,
      updated_at: NOW,
      closed_at: NOW,
      version: 1,
    };
    if (rand() >= 0.75) {
      return { referral, feedback: null };
    }
    const data = crime
      ? {
          handlerContact: "周强",
          handlerPhone: "13800000008",
          caseOpened: true,
          arrestApproved: rand() < 0.3,
          prosecuted: false,
          recoveredWorkers: heads,
          recoveredAmount: fen,
          closedDate: addDays(date, 20),
        }
      : {
          handlerContact: "张伟",
          handlerPhone: "0825-2345678",
          penalty: "责令限期支付",
          summary: "已督促总包单位代发工资，农民工工资已全部结清",
          remarks: "",
          recoveredWorkers: heads,
          recoveredAmount: fen,
        };
    const feedback: Row = {
      referral_id: i + 1,
      unit_id: unit,
      data: JSON.stringify(data),
      recovered_workers: heads,
      recovered_fen: fen,
      submitted_by: 1,
      submitted_at: NOW,
      status: "accepted",
    };
    return { referral, feedback };
  };
}

type Maker = Awaited<ReturnType<typeof rowMaker>>;

/** One prepared insert per table, its values named after the columns. */
function seedSqlite(file: string, n: number, make: Maker) {
  const raw = new BetterSqlite(file);
  const statements = new Map<string, BetterSqlite.Statement>();
  const insert = (table: string, row: Row) => {
    let statement = statements.get(table);
    if (!statement) {
      const columns = Object.keys(row);
      statement = raw.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) ` +
          `VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
      );
      statements.set(table, statement);
    }
    statement.run(row);
  };
  raw.transaction(() => {
    for (let i = 0; i < n; i++) {
      const row = make(i);
      insert("referrals", row.referral);
      if (row.feedback) {
        insert("feedbacks", row.feedback);
      }
    }
  })();
  raw.close();
}

/** Multi-row inserts of 2000 referrals and their feedback. */
async function seedMysql(c: Connection, n: number, make: Maker) {
  const chunk = 2000;
  const insert = (table: string, rows: Row[]) =>
    rows.length === 0
      ? undefined
      : c.query(
          `INSERT INTO ${table} (${Object.keys(rows[0]).join(", ")}) VALUES ?`,
          [rows.map((r) => Object.values(r))],
        );
  for (let from = 0; from < n; from += chunk) {
    const made = Array.from({ length: Math.min(chunk, n - from) }, (_, k) =>
      make(from + k),
    );
    await insert(
      "referrals",
      made.map((m) => m.referral),
    );
    await insert(
      "feedbacks",
      made.flatMap((m) => (m.feedback ? [m.feedback] : [])),
    );
  }
}

/** Exports the year to a file, sampling memory while it runs. */
async function measure(
  engine: string,
  url: string,
  store: Store,
  n: number,
  seed: (make: Maker) => Promise<void>,
  dir: string,
): Promise<Result> {
  await loadUnits(store, SEED_FILE);
  const t0 = performance.now();
  await seed(await rowMaker(store));
  const seedS = (performance.now() - t0) / 1000;

  const config = loadConfig({ DATABASE_URL: url, SIMULATOR: "on" });
  const clock = new ManualClock(NOW);
  const ctx = createContext({ config, store, log: silentLogger, clock });
  const file = join(dir, `${engine}-${n}.xlsx`);

  global.gc?.();
  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  const sampler = setInterval(() => {
    const mem = process.memoryUsage();
    rssPeak = Math.max(rssPeak, mem.rss);
    heapPeak = Math.max(heapPeak, mem.heapUsed);
  }, 10);

  const t1 = performance.now();
  const out = createWriteStream(file);
  const result = await exportTable(
    ctx,
    systemActor("cli"),
    { table: "feedback", period: "2026" },
    out,
  );
  await finished(out);
  const exportS = (performance.now() - t1) / 1000;
  clearInterval(sampler);

  return {
    engine,
    n,
    seedS,
    exportS,
    rows: result.rows,
    fileMb: statSync(file).size / MB,
    rssBeforeMb: before.rss / MB,
    rssPeakMb: rssPeak / MB,
    heapPeakMb: heapPeak / MB,
  };
}

async function onSqlite(n: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "exports-bench-"));
  const url = `sqlite:${join(dir, "bench.db")}`;
  const store = await openStore(url);
  try {
    return await measure(
      "sqlite",
      url,
      store,
      n,
      async (make) => seedSqlite(join(dir, "bench.db"), n, make),
      dir,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onMysql(serverUrl: string, n: number): Promise<Result> {
  const database = freshName("bench");
  const url = withDatabase(serverUrl, database);
  await admin(serverUrl, (c) =>
    c.query(
      `CREATE DATABASE \`${database}\` ` +
        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), "exports-bench-"));
  const store = await openStore(url);
  try {
    return await admin(url, (c) =>
      measure("mysql", url, store, n, (make) => seedMysql(c, n, make), dir),
    );
  } finally {
    await store.close();
    await dropDatabase(serverUrl, database);
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(results: Result[]) {
  const header =
    "engine        N  seed s  export s  rows/s   file MB" +
    "  RSS before MB  RSS peak MB  heap peak MB";
  console.log(`\n${header}\n${"-".repeat(header.length)}`);
  for (const r of results) {
    console.log(
      [
        r.engine.padEnd(6),
        String(r.n).padStart(9),
        r.seedS.toFixed(1).padStart(7),
        r.exportS.toFixed(2).padStart(9),
        String(Math.round(r.rows / r.exportS)).padStart(7),
        r.fileMb.toFixed(1).padStart(9),
        r.rssBeforeMb.toFixed(0).padStart(14),
        r.rssPeakMb.toFixed(0).padStart(12),
        r.heapPeakMb.toFixed(0).padStart(13),
      ].join(" "),
    );
  }
}

async function main() {
  console.log(
    "exports bench: feedback tables (attachments 3 and 4) for the year " +
      "2026, every unit's, to a file",
  );
  const results: Result[] = [];
  for (const n of SIZES) {
    results.push(await onSqlite(n));
  }
  const mysqlUrl = process.env.MYSQL_URL;
  if (mysqlUrl) {
    for (const n of SIZES) {
      results.push(await onMysql(mysqlUrl, n));
    }
  } else {
    console.log("\nMYSQL_URL not set: SQLite only.");
  }
  printTable(results);
}

await main();
