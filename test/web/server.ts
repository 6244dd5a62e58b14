/**
 * The web app on a real server at 127.0.0.1 and a random port, over a
 * private SQLite database (or a test engine's), with the bot's clock
 * standing on a working day inside office hours so that messages are
 * delivered at once.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { boot, type Bot } from "../../src/boot.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger, type Logger } from "../../src/logger.js";
import { ManualClock, parseInstant } from "../../src/time.js";
import { createWebApp } from "../../src/web/app.js";
import { SESSION_COOKIE, Sessions } from "../../src/web/session.js";

export const TEST_SECRET = "test-secret-test-secret-test-secret!";

/** Friday 2026-10-09, 10:00 in Shanghai: a working day, in office hours. */
export const WORKDAY_MORNING = "2026-10-09T10:00";

export interface Running {
  bot: Bot;
  clock: ManualClock;
  base: string;
  close(): Promise<void>;
  /** The Cookie header of a session for a person id (real or not). */
  cookieFor(personId: number): string;
  /** A demo person's id and session cookie, by name. */
  signIn(name: string): Promise<{ id: number; cookie: string }>;
  call(
    method: string,
    path: string,
    options?: { cookie?: string; json?: unknown; body?: string; type?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  count(table: keyof Bot["ctx"]["store"]["t"]): Promise<number>;
}

/**
 * `store`: a database of the caller's (a test engine's, say), which the
 * caller closes; without one, a private in-memory SQLite.
 */
export async function startWeb(
  env: Record<string, string> = {},
  log: Logger = silentLogger,
  store?: Store,
): Promise<Running> {
  const clock = new ManualClock(parseInstant(WORKDAY_MORNING));
  const config = loadConfig({
    DATABASE_URL: "sqlite::memory:",
    SIMULATOR: "on",
    JOBS: "false",
    SESSION_SECRET: TEST_SECRET,
    ...env,
  });
  const bot = await boot(config, { clock, log, store });
  const server = createWebApp(bot).listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const sessions = new Sessions(TEST_SECRET);

  const cookieFor = (personId: number) =>
    `${SESSION_COOKIE}=${sessions.issue(personId, Date.now())}`;

  return {
    bot,
    clock,
    base,
    cookieFor,
    async close() {
      server.closeAllConnections();
      server.close();
      if (!store) {
        await bot.close();
      }
    },
    async signIn(name) {
      const people = await bot.ctx.directory.demoPeople();
      const person = people.find((p) => p.name === name);
      if (!person) {
        throw new Error(`no demo person ${name}`);
      }
      return { id: person.id, cookie: cookieFor(person.id) };
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.cookie) {
        headers.cookie = options.cookie;
      }
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers["content-type"] = "application/json";
      }
      if (options.type) {
        headers["content-type"] = options.type;
      }
      const res = await fetch(base + path, {
        method,
        headers,
        body,
        redirect: "manual",
      });
      const text = await res.text();
      const isJson = res.headers.get("content-type")?.includes("json");
      return {
        status: res.status,
        body: isJson && text ? JSON.parse(text) : text,
        headers: res.headers,
      };
    },
    async count(table) {
      const t = bot.ctx.store.t[table] as typeof bot.ctx.store.t.referrals;
      const [row] = await bot.ctx.store.db
        .select({ n: sql<number>`count(*)` })
        .from(t);
      return Number(row.n);
    },
  };
}

/** A valid referral from HRSS to the city housing bureau. */
export async function referralBody(
  bot: Bot,
  overrides: Record<string, unknown> = {},
) {
  const housing = await bot.ctx.directory.unitByCode("city.housing");
  return {
    kind: "source",
    receivingUnitId: housing!.id,
    caseName: "遂宁某小区项目欠薪案",
    cause: "拖欠工程款导致欠薪",
    complainantName: "李四",
    companyName: "遂宁某建筑工程有限公司",
    headCount: "12",
    amount: "35000.50",
    foundDate: "2026-10-08",
    referralDate: "2026-10-09",
    contactName: "王建国",
    contactPhone: "13800000001",
    fileVolumes: "1",
    filePages: "30",
    exhibits: "",
    ...overrides,
  };
}
