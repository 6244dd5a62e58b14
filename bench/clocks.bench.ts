/**
 * How the clock engine's two scheduled queries grow with the number of
 * open clocks: findDue (the morning reminder's horizon) and findOverdue
 * (5 working days late: escalate). Not a test: it only prints figures.
 *
 *   npx tsx bench/clocks.bench.ts [sizes] [runs]
 *   npx tsx bench/clocks.bench.ts 10000,100000,1000000 30
 *
 * SQLite runs on a file in a temporary directory; MySQL/MariaDB too when
 * MYSQL_URL is set (in a fresh bench_* database, dropped afterwards).
 * RSS and heap are this process's, after each size: they include what
 * earlier sizes left behind, and never the MySQL server's memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite from "better-sqlite3";
import { and, asc, eq, lte } from "drizzle-orm";
import type { Connection } from "mysql2/promise";
import { openStore, type Store } from "../db/index.js";
import type { Calendar } from "../src/calendar/calendar.js";
import { loadCalendar } from "../src/calendar/store.js";
import { ClockEngine } from "../src/clocks/engine.js";
import {
  CLOCK_RULES,
  ESCALATION_WORKDAYS,
  REMIND_WITHIN_WORKDAYS,
  type RuleName,
} from "../src/clocks/rules.js";
import { silentLogger } from "../src/logger.js";
import { addDays, endOfDate, parseInstant, type IsoDate } from "../src/time.js";
import {
  admin,
  dropDatabase,
  freshName,
  withDatabase,
} from "../test/helpers/db.js";

const SIZES = (process.argv[2] ?? "10000,100000,1000000")
  .split(",")
  .map(Number);
const RUNS = Number(process.argv[3] ?? 30);
const WARMUP = 2;

/**
 * "Today" for the queries. Deadlines are spread over the two years from
 * eight days before it: about 0.4% are 5 working days overdue, about 2%
 * fall inside the reminder horizon, the rest lie ahead.
 */
const TODAY = "2026-11-20";
const FIRST_DUE = "2026-11-12";
const LAST_DUE = addDays(FIRST_DUE, 730);
const NOW = parseInstant(`${TODAY}T08:30`);

const COLUMNS = [
  "subject_type", "subject_id", "rule", "unit_id", "status",
  "start_date", "workdays", "extension_days", "original_due_date",
  "due_date", "due_at", "provisional", "escalation_level", "stopped_at",
  "late_days", "created_at",
];
type Row = (string | number | null)[];

interface Result {
  engine: string;
  n: number;
  seedS: number;
  due: Timing;
  overdue: Timing;
  rssMb: number;
  heapMb: number;
}

interface Timing {
  median: number;
  p95: number;
  rows: number;
}

/** A small seeded generator, so every run seeds the same clocks. */
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

/**
 * Builds rows consistent with the engine: each start date is the one whose
 * count ends on the chosen deadline (computed once per date and rule).
 */
function rowMaker(cal: Calendar): (i: number) => Row {
  const dueDates: IsoDate[] = [];
  for (let d = FIRST_DUE; d <= LAST_DUE; d = addDays(d, 1)) {
    if (cal.isWorkday(d)) {
      dueDates.push(d);
    }
  }
  const startOf = new Map<string, IsoDate>();
  const rand = random(42);

  return (i) => {
    const rule: RuleName =
      rand() < 0.3 ? "referral.refer" : "referral.feedback";
    const workdays = CLOCK_RULES[rule].workdays;
    const due = dueDates[Math.floor(rand() * dueDates.length)];
    const key = `${rule}|${due}`;
    let start = startOf.get(key);
    if (!start) {
      // Counting back `workdays` working days from the deadline.
      start = cal.dueDateOverdueBy(due, workdays);
      startOf.set(key, start);
    }
    return [
      "referral", i + 1, rule, 1 + Math.floor(rand() * 200), "open",
      start, workdays, 0, due, due, endOfDate(due), due >= "2027" ? 1 : 0,
      0, null, null, NOW,
    ];
  };
}

/** SQLite: one prepared statement, one transaction, a raw connection. */
function seedSqlite(file: string, n: number, make: (i: number) => Row) {
  const raw = new BetterSqlite(file);
  const insert = raw.prepare(
    `INSERT INTO clocks (${COLUMNS.join(", ")}) ` +
      `VALUES (${COLUMNS.map(() => "?").join(", ")})`,
  );
  raw.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(make(i));
    }
  })();
  raw.close();
}

/** MySQL: multi-row inserts of 5000 rows. */
async function seedMysql(c: Connection, n: number, make: (i: number) => Row) {
  const chunk = 5000;
  for (let from = 0; from < n; from += chunk) {
    const rows: Row[] = [];
    for (let i = from; i < Math.min(n, from + chunk); i++) {
      rows.push(make(i));
    }
    await c.query(`INSERT INTO clocks (${COLUMNS.join(", ")}) VALUES ?`, [
      rows,
    ]);
  }
}

/** Median and 95th percentile of `RUNS` timed calls, after a warm-up. */
async function time(fn: () => Promise<unknown[]>): Promise<Timing> {
  let rows = 0;
  for (let i = 0; i < WARMUP; i++) {
    rows = (await fn()).length;
  }
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  // Nearest-rank percentiles.
  const pick = (q: number) => ms[Math.max(0, Math.ceil(q * ms.length) - 1)];
  return { median: pick(0.5), p95: pick(0.95), rows };
}

/** The due query exactly as findDue builds it, for EXPLAIN. */
function dueQuery(store: Store, horizon: number) {
  const { clocks } = store.t;
  return store.db
    .select()
    .from(clocks)
    .where(and(eq(clocks.status, "open"), lte(clocks.dueAt, horizon)))
    .orderBy(asc(clocks.dueAt), asc(clocks.id))
    .limit(1000)
    .toSQL();
}

async function measure(
  engine: string,
  store: Store,
  n: number,
  seed: (make: (i: number) => Row) => Promise<void>,
  explain: (sql: string, params: unknown[]) => Promise<string[]>,
): Promise<Result> {
  const cal = await loadCalendar(store);
  const engineUnderTest = new ClockEngine(store, silentLogger);

  const t0 = performance.now();
  await seed(rowMaker(cal));
  const seedS = (performance.now() - t0) / 1000;

  // What the reminder job asks: due by the end of 2 working days ahead.
  const horizon = endOfDate(
    cal.addWorkdays(TODAY, REMIND_WITHIN_WORKDAYS).due,
  );
  const due = await time(() => engineUnderTest.findDue({ horizon }));
  const overdue = await time(() =>
    engineUnderTest.findOverdue(cal, TODAY, ESCALATION_WORKDAYS),
  );

  const { sql, params } = dueQuery(store, horizon);
  console.log(`\n${engine}, N=${n}: plan of the due query`);
  for (const line of await explain(sql, params)) {
    console.log(`  ${line}`);
  }

  const mem = process.memoryUsage();
  return {
    engine,
    n,
    seedS,
    due,
    overdue,
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
  };
}

async function onSqlite(n: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "clocks-bench-"));
  const file = join(dir, "bench.db");
  const store = await openStore(`sqlite:${file}`);
  try {
    return await measure(
      "sqlite",
      store,
      n,
      async (make) => seedSqlite(file, n, make),
      async (sql, params) => {
        const raw = new BetterSqlite(file, { readonly: true });
        const plan = raw
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...(params as never[])) as { detail: string }[];
        raw.close();
        return plan.map((p) => p.detail);
      },
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
  const store = await openStore(url);
  try {
    return await admin(url, (c) =>
      measure(
        "mysql",
        store,
        n,
        async (make) => {
          await seedMysql(c, n, make);
          // Fresh statistics, as a long-lived table would have.
          await c.query("ANALYZE TABLE clocks");
        },
        async (sql, params) => {
          const [rows] = await c.query(`EXPLAIN ${sql}`, params);
          return (rows as Record<string, unknown>[]).map(
            (r) =>
              `type=${r.type} key=${r.key} rows=${r.rows} extra=${r.Extra}`,
          );
        },
      ),
    );
  } finally {
    await store.close();
    await dropDatabase(serverUrl, database);
  }
}

function printTable(results: Result[]) {
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 1);
  const header =
    "engine        N  seed s   findDue med/p95 ms (rows)" +
    "   findOverdue med/p95 ms (rows)   RSS MB  heap MB";
  console.log(`\n${header}\n${"-".repeat(header.length)}`);
  for (const r of results) {
    console.log(
      [
        r.engine.padEnd(6),
        String(r.n).padStart(9),
        r.seedS.toFixed(1).padStart(7),
        `${f(r.due.median)} / ${f(r.due.p95)} (${r.due.rows})`.padStart(29),
        `${f(r.overdue.median)} / ${f(r.overdue.p95)} (${r.overdue.rows})`
          .padStart(33),
        r.rssMb.toFixed(0).padStart(8),
        r.heapMb.toFixed(0).padStart(8),
      ].join(" "),
    );
  }
}

async function main() {
  console.log(
    `clocks bench: today ${TODAY}, deadlines ${FIRST_DUE}..${LAST_DUE}, ` +
      `${RUNS} timed runs after ${WARMUP} warm-up`,
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
