/**
 * Where the platform benchmarks run: a SQLite file in a temporary
 * directory, and MySQL/MariaDB too when MYSQL_URL is set (a fresh bench_*
 * database, dropped afterwards).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../db/index.js";
import {
  admin,
  dropDatabase,
  freshName,
  withDatabase,
} from "../test/helpers/db.js";

export async function onEachEngine(
  run: (name: "sqlite" | "mysql", store: Store) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    console.log("sqlite (file):");
    const store = await openStore(`sqlite:${join(dir, "bench.db")}`);
    await run("sqlite", store);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.MYSQL_URL;
  if (!url) {
    return;
  }
  const database = freshName("bench");
  try {
    console.log("mysql:");
    await admin(url, (c) =>
      c.query(
        `CREATE DATABASE \`${database}\` ` +
          "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
      ),
    );
    const store = await openStore(withDatabase(url, database));
    await run("mysql", store);
    await store.close();
  } finally {
    await dropDatabase(url, database);
  }
}

/** The value below which a share `p` of the sorted values lie. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
