/**
 * `npm run export` as an administrator runs it: a child process on the
 * bot's own SQLite file, which `fill` has put data in, in a temporary
 * folder that the outputs go to as well.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { openStore } from "../../db/index.js";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { openBot } from "../helpers/bot.js";
import type { TestEngine } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface ExportCommand {
  /** The temporary folder: the database, and where outputs may go. */
  readonly dir: string;
  run(
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Call inside a `describe`: it prepares the database before its tests. */
export function exportCommand(
  prefix: string,
  start: string,
  fill: (bot: Bot, clock: ManualClock) => Promise<unknown>,
): ExportCommand {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const url = `sqlite:${join(dir, "bot.db")}`;
    // The bot's own database, as `npm start` leaves it.
    const file: TestEngine = {
      name: "sqlite",
      open: () => openStore(url),
      release: async () => undefined,
    };
    const clock = clockAt(start);
    const bot = await openBot(file, clock);
    await fill(bot, clock);
    await bot.close();
    env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  return {
    get dir() {
      return dir;
    },
    run: (...args) =>
      new Promise((resolve) => {
        execFile(
          "npx",
          ["tsx", "src/exports/cli.ts", ...args],
          { cwd: ROOT, env },
          (error, stdout, stderr) => {
            const code = error ? Number(error.code ?? -1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
  };
}
