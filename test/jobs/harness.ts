/**
 * Bots for the job tests and the scenario, booted from a DATABASE_URL the
 * way `npm run job` boots them, so that child processes can open the same
 * database: SQLite (in memory, or a file when processes share it) and,
 * when MYSQL_URL is set, a fresh MySQL database of our own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, like } from "drizzle-orm";
import pino from "pino";
import type { Dialect } from "../../db/index.js";
import { boot, type Bot } from "../../src/boot.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger, type Logger } from "../../src/logger.js";
import type { ManualClock } from "../../src/time.js";
import { admin, dropDatabase, freshName, withDatabase } from "../helpers/db.js";

export interface BotEngine {
  readonly name: Dialect;
  /** A booted bot on an empty database, and that database's URL. */
  open(clock: ManualClock, options?: OpenOptions): Promise<OpenBot>;
  /** Closes the bots and removes their databases. */
  release(): Promise<void>;
}

export interface OpenOptions {
  /** A SQLite file rather than memory, for other processes to open. */
  shared?: boolean;
  log?: Logger;
}

export interface OpenBot {
  bot: Bot;
  url: string;
}

/** The environment a bot (or a child process) is configured from. */
export function botEnv(url: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    SIMULATOR: "on",
    JOBS: "false",
    LOG_LEVEL: "warn",
    LOG_PRETTY: "false",
  };
}

export function botEngines(): BotEngine[] {
  const list: BotEngine[] = [sqliteEngine()];
  if (process.env.MYSQL_URL) {
    list.push(mysqlEngine(process.env.MYSQL_URL));
  }
  return list;
}

async function bootAt(
  url: string,
  clock: ManualClock,
  log: Logger = silentLogger,
): Promise<Bot> {
  const config = loadConfig(botEnv(url));
  return boot(config, { clock, log });
}

function sqliteEngine(): BotEngine & { name: "sqlite" } {
  const bots: Bot[] = [];
  const dirs: string[] = [];
  return {
    name: "sqlite",
    async open(clock, options = {}) {
      let url = "sqlite::memory:";
      if (options.shared) {
        const dir = mkdtempSync(join(tmpdir(), "jobs-"));
        dirs.push(dir);
        url = `sqlite:${join(dir, "bot.db")}`;
      }
      const bot = await bootAt(url, clock, options.log);
      bots.push(bot);
      return { bot, url };
    },
    async release() {
      for (const bot of bots.splice(0)) {
        await bot.close();
      }
      for (const dir of dirs.splice(0)) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function mysqlEngine(serverUrl: string): BotEngine & { name: "mysql" } {
  const opened: { bot: Bot; database: string }[] = [];
  return {
    name: "mysql",
    async open(clock, options = {}) {
      const database = freshName("t");
      await admin(serverUrl, (c) =>
        c.query(
          `CREATE DATABASE \`${database}\` ` +
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ),
      );
      const url = withDatabase(serverUrl, database);
      const bot = await bootAt(url, clock, options.log);
      opened.push({ bot, database });
      return { bot, url };
    },
    async release() {
      for (const { bot, database } of opened.splice(0)) {
        await bot.close();
        await dropDatabase(serverUrl, database);
      }
    },
  };
}

export { demo as person, sourceCase, unitId } from "../helpers/bot.js";

export interface QueuedMessage {
  dedupeKey: string;
  targetType: string;
  targetId: number;
  notBefore: number;
  text: string;
}

/** Outbox rows whose dedupe key starts with `prefix`, oldest first. */
export async function queued(
  bot: Bot,
  prefix: string,
): Promise<QueuedMessage[]> {
  const { outbox } = bot.ctx.store.t;
  const rows = await bot.ctx.store.db
    .select()
    .from(outbox)
    .where(like(outbox.dedupeKey, `${prefix}%`))
    .orderBy(outbox.id);
  return rows.map((r) => ({
    dedupeKey: r.dedupeKey,
    targetType: r.targetType,
    targetId: r.targetId,
    notBefore: r.nextAttemptAt,
    text: textOf(r.payload),
  }));
}

export async function outboxSize(bot: Bot): Promise<number> {
  const rows = await bot.ctx.store.db.select().from(bot.ctx.store.t.outbox);
  return rows.length;
}

/** What the simulator shows in an inbox ("person:3", "group:1"). */
export async function simInbox(bot: Bot, inbox: string) {
  const { simMessages } = bot.ctx.store.t;
  const rows = await bot.ctx.store.db
    .select()
    .from(simMessages)
    .where(eq(simMessages.inbox, inbox))
    .orderBy(simMessages.id);
  return rows.map((r) => ({ createdAt: r.createdAt, text: textOf(r.payload) }));
}

/** The readable text of a neutral message, cards included. */
export function textOf(payload: string): string {
  const body = JSON.parse(payload) as {
    type: string;
    text?: string;
    card?: {
      title: string;
      fields: { label: string; value: string }[];
      status?: { text: string };
      note?: string;
    };
  };
  if (body.card) {
    const { title, fields, status, note } = body.card;
    const lines = fields.map((f) => `${f.label}：${f.value}`);
    return [title, ...lines, status?.text, note].filter(Boolean).join("\n");
  }
  return body.text ?? "";
}

/** A logger that keeps its JSON lines for a test to read. */
export function captureLog(): {
  log: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: "info" },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { log, lines };
}
