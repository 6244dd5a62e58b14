/**
 * Opens the database named by DATABASE_URL (SQLite file or MySQL server),
 * applies the migrations, and offers one query surface for both engines.
 * Queries are written against the SQLite typings; the few places where the
 * engines differ (insert ids, "insert unless present", transactions) are
 * the helpers of `Store`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite from "better-sqlite3";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzleMysql } from "drizzle-orm/mysql2";
import { migrate as migrateMysql } from "drizzle-orm/mysql2/migrator";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import mysql from "mysql2/promise";
import * as sqliteSchema from "./schema.js";
import * as mysqlSchema from "./schema-mysql.js";

export type Schema = typeof sqliteSchema;
export type Db = BetterSQLite3Database<Schema>;
export type Dialect = "sqlite" | "mysql";

const here = dirname(fileURLToPath(import.meta.url));
const MYSQL_RETRYABLE = new Set([1205, 1213]); // lock wait timeout, deadlock

export class Store {
  private readonly inTx = new AsyncLocalStorage<Db>();
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dialect: Dialect,
    readonly db: Db,
    private readonly closeFn: () => Promise<void>,
    private readonly sqlite?: BetterSqlite.Database,
  ) {}

  /** The tables, for the engine in use. */
  get t(): Schema {
    return (this.dialect === "mysql" ? mysqlSchema : sqliteSchema) as Schema;
  }

  /**
   * Runs `fn` in one transaction: all its writes land, or none. Nested
   * calls join the outer transaction.
   */
  async tx<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    const outer = this.inTx.getStore();
    if (outer) {
      return fn(outer);
    }
    return this.dialect === "sqlite" ? this.sqliteTx(fn) : this.mysqlTx(fn);
  }

  /**
   * Holds a unit's row until the transaction ends, so that commands that
   * check the state and then write (one campaign at a time) run one after
   * another. Call it before the transaction's first read: MySQL takes the
   * snapshot at the first plain read. SQLite transactions already run one
   * at a time.
   */
  async lockUnit(q: Db, unitId: number): Promise<void> {
    if (this.dialect !== "mysql") {
      return;
    }
    const mysqlTx = q as unknown as { execute(query: SQL): Promise<unknown> };
    await mysqlTx.execute(
      sql`SELECT id FROM units WHERE id = ${unitId} FOR UPDATE`,
    );
  }

  /** Inserts a row and returns its generated id. */
  async insert(q: Db, table: SQLiteTable, values: object): Promise<number> {
    const result: unknown = await q.insert(table).values(values as never);
    return this.dialect === "sqlite"
      ? Number((result as { lastInsertRowid: number | bigint }).lastInsertRowid)
      : (result as [{ insertId: number }])[0].insertId;
  }

  /**
   * Inserts a row unless one with the same unique key exists. Returns true
   * when this call inserted it: the basis of every "only once" in the bot.
   */
  async insertIfAbsent(
    q: Db,
    table: SQLiteTable,
    values: object,
  ): Promise<boolean> {
    if (this.dialect === "sqlite") {
      const result = await q
        .insert(table)
        .values(values as never)
        .onConflictDoNothing();
      return (result as unknown as { changes: number }).changes > 0;
    }
    // mysql2 reports found rows, not changed rows, so ON DUPLICATE KEY
    // UPDATE cannot tell "inserted" from "was there"; IGNORE can.
    const my = q as unknown as {
      insert: (t: unknown) => {
        ignore: () => {
          values: (v: unknown) => Promise<[{ affectedRows: number }]>;
        };
      };
    };
    const [header] = await my.insert(table).ignore().values(values);
    return header.affectedRows === 1;
  }

  /** Rows changed by an UPDATE or DELETE result, on either engine. */
  changes(result: unknown): number {
    if (Array.isArray(result)) {
      return (result[0] as { affectedRows: number }).affectedRows;
    }
    return (result as { changes: number }).changes;
  }

  async close(): Promise<void> {
    await this.closeFn();
  }

  private async sqliteTx<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    // better-sqlite3 has one connection per process: transactions take turns.
    const run = async () => {
      const sqlite = this.sqlite!;
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const value = await this.inTx.run(this.db, () => fn(this.db));
        sqlite.exec("COMMIT");
        return value;
      } catch (error) {
        if (sqlite.inTransaction) {
          sqlite.exec("ROLLBACK");
        }
        throw error;
      }
    };
    const next = this.sqliteQueue.then(run, run);
    this.sqliteQueue = next.catch(() => undefined);
    return next;
  }

  private async mysqlTx<T>(fn: (q: Db) => Promise<T>): Promise<T> {
    const my = this.db as unknown as {
      transaction: (f: (tx: Db) => Promise<T>) => Promise<T>;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await my.transaction((tx) => this.inTx.run(tx, () => fn(tx)));
      } catch (error) {
        const errno = error as { errno?: number; cause?: { errno?: number } };
        const code = errno.errno ?? errno.cause?.errno;
        if (attempt >= 4 || !code || !MYSQL_RETRYABLE.has(code)) {
          throw error;
        }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }
}

/** Opens and migrates the database. `sqlite::memory:` gives a private one. */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith("mysql://")) {
    return openMysql(url);
  }
  return openSqlite(url.replace(/^sqlite:/, ""));
}

function openSqlite(file: string): Store {
  if (file !== ":memory:") {
    mkdirSync(dirname(file), { recursive: true });
  }
  const sqlite = new BetterSqlite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzleSqlite(sqlite, { schema: sqliteSchema });
  migrateSqlite(db, { migrationsFolder: join(here, "migrations/sqlite") });
  return new Store("sqlite", db, async () => void sqlite.close(), sqlite);
}

async function openMysql(url: string): Promise<Store> {
  const pool = mysql.createPool({
    uri: url,
    timezone: "Z",
    charset: "utf8mb4_unicode_ci",
    supportBigNumbers: true,
    connectionLimit: 10,
  });
  // Tables take the database's character set: make sure it holds Chinese.
  await pool.query(
    "ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
  );
  const db = drizzleMysql(pool, { schema: mysqlSchema, mode: "default" });
  await migrateMysql(db, { migrationsFolder: join(here, "migrations/mysql") });
  return new Store("mysql", db as unknown as Db, () => pool.end());
}
