/**
 * What the simulator keeps between restarts, in files beside its SQLite
 * database: where its clock was moved to, and the key that signs its
 * sessions. Real deployments set SESSION_SECRET and run on real time.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "./config.js";
import { OffsetClock, systemClock, type Clock } from "./time.js";

/** The folder of the SQLite file, or data/ when the database is MySQL. */
export function localStateDir(config: Config): string {
  const file = config.databaseUrl.replace(/^sqlite:/, "");
  const dir =
    config.databaseUrl.startsWith("sqlite:") && file !== ":memory:"
      ? dirname(file)
      : "data";
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The simulator's clock, where it was last moved to. */
export function simulatorClock(dir: string): OffsetClock {
  const file = join(dir, "sim-clock.json");
  let offset = 0;
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as {
      offsetMs?: unknown;
    };
    offset = typeof saved.offsetMs === "number" ? saved.offsetMs : 0;
  }
  return new OffsetClock(offset, (offsetMs) =>
    writeFileSync(file, JSON.stringify({ offsetMs }) + "\n"),
  );
}

/** A session key kept on disk, so a restart does not sign everyone out. */
export function simulatorSessionSecret(dir: string): string {
  const file = join(dir, ".session-secret");
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString("hex") + "\n", {
      mode: 0o600,
    });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The clock of a command-line tool (export, job): in simulator mode the
 * simulator's, so that what the tool records sits in the simulated time
 * and does not block moving it; otherwise the real one.
 */
export function toolClock(config: Config): Clock {
  return config.simulator ? simulatorClock(localStateDir(config)) : systemClock;
}
