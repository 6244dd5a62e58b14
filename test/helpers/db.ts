/**
 * Fresh databases for tests, on every engine the machine offers: SQLite
 * always (a private in-memory store per open), MySQL/MariaDB too when
 * MYSQL_URL is set (a new database per open, dropped afterwards).
 *
 * Usage, so that one suite runs on both engines:
 *
 *   describe.each(engines())("on $name", (engine) => {
 *     let store: Store;
 *     beforeEach(async () => { store = await engine.open(); });
 *     afterEach(() => engine.release());
 *     ...
 *   });
 *
 * `release()` closes every store the engine opened since the last release
 * and drops their MySQL databases, so each test starts empty.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { openStore, type Dialect, type Store } from "../../db/index.js";

export interface TestEngine {
  readonly name: Dialect;
  /** A migrated, empty store of its own. */
  open(): Promise<Store>;
  /** Closes what `open` gave out; drops the MySQL databases it made. */
  release(): Promise<void>;
}

/** The engines to run on: SQLite, plus MySQL when MYSQL_URL is set. */
export function engines(): TestEngine[] {
  const list: TestEngine[] = [sqliteEngine()];
  const url = process.env.MYSQL_URL;
  if (url) {
    list.push(mysqlEngine(url));
  }
  return list;
}

function sqliteEngine(): TestEngine {
  const opened: Store[] = [];
  return {
    name: "sqlite",
    async open() {
      const store = await openStore("sqlite::memory:");
      opened.push(store);
      return store;
    },
    async release() {
      for (const store of opened.splice(0)) {
        await store.close();
      }
    },
  };
}

function mysqlEngine(serverUrl: string): TestEngine {
  const opened: { store: Store; database: string }[] = [];
  return {
    name: "mysql",
    async open() {
      const database = freshName("t");
      await admin(serverUrl, (c) =>
        c.query(
          `CREATE DATABASE \`${database}\` ` +
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ),
      );
      const store = await openStore(withDatabase(serverUrl, database));
      opened.push({ store, database });
      return store;
    },
    async release() {
      for (const { store, database } of opened.splice(0)) {
        await store.close();
        await dropDatabase(serverUrl, database);
      }
    },
  };
}

/** "t_<pid>_<random>": unique across parallel test processes. */
export function freshName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** The same server URL, pointing at another database. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` on a short-lived connection to the server named by a URL. */
export async function admin<T>(
  serverUrl: string,
  fn: (c: mysql.Connection) => Promise<T>,
): Promise<T> {
  const connection = await mysql.createConnection({ uri: serverUrl });
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(
  serverUrl: string,
  database: string,
): Promise<void> {
  // Only names this helper made: never drop a database someone else owns.
  if (!/^(t|bench)_\d+_[0-9a-f]+$/.test(database)) {
    throw new Error(`refusing to drop database ${database}`);
  }
  await admin(serverUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS \`${database}\``),
  );
}
