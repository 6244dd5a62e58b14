/**
 * The MySQL tables, derived from the SQLite definitions in `db/schema.ts` so
 * that the two engines can never drift apart. Integers become BIGINT
 * (instants in milliseconds need 64 bits), short texts VARCHAR, long texts
 * MEDIUMTEXT, booleans BOOLEAN.
 */
import { getTableColumns, type Column } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  mediumtext,
  mysqlTable,
  primaryKey,
  uniqueIndex,
  varchar,
  type AnyMySqlColumn,
  type MySqlColumnBuilderBase,
} from "drizzle-orm/mysql-core";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import * as sqlite from "./schema.js";

type Loose = {
  columnType: string;
  length?: number;
  autoIncrement?: boolean;
};

function mysqlColumn(column: Column): MySqlColumnBuilderBase {
  const { columnType, length, autoIncrement } = column as unknown as Loose;
  let builder;
  if (columnType === "SQLiteBoolean") {
    builder = boolean(column.name);
  } else if (columnType === "SQLiteInteger") {
    builder = bigint(column.name, { mode: "number" });
  } else if (columnType === "SQLiteText") {
    builder = length
      ? varchar(column.name, { length })
      : mediumtext(column.name);
  } else {
    throw new Error(`no MySQL mapping for ${columnType} (${column.name})`);
  }

  if (column.primary) {
    builder = builder.primaryKey();
    if (autoIncrement) {
      builder = (builder as ReturnType<typeof bigint>).autoincrement();
    }
  }
  if (column.notNull && !column.primary) {
    builder = builder.notNull();
  }
  if (column.hasDefault && column.default !== undefined) {
    builder = builder.default(column.default as never);
  }
  return builder;
}

function toMysql(table: SQLiteTable) {
  const config = getTableConfig(table);
  const columns = getTableColumns(table);
  const keyOf = new Map(
    Object.entries(columns).map(([key, col]) => [col.name, key]),
  );
  const builders = Object.fromEntries(
    Object.entries(columns).map(([key, col]) => [key, mysqlColumn(col)]),
  );

  return mysqlTable(config.name, builders, (t) => {
    const pick = (cols: { name: string }[]) =>
      cols.map((c) => t[keyOf.get(c.name)!] as AnyMySqlColumn) as [
        AnyMySqlColumn,
        ...AnyMySqlColumn[],
      ];
    const extras = config.indexes.map((ix) => {
      const cols = pick(ix.config.columns as { name: string }[]);
      const make = ix.config.unique ? uniqueIndex : index;
      return make(ix.config.name).on(...cols);
    });
    const keys = config.primaryKeys.map((pk) =>
      primaryKey({ columns: pick(pk.columns) }),
    );
    return [...extras, ...keys];
  });
}

/** Typed as the SQLite tables: queries are written once for both engines. */
function derive<T extends SQLiteTable>(table: T): T {
  return toMysql(table) as unknown as T;
}

export const units = derive(sqlite.units);
export const people = derive(sqlite.people);
export const personRoles = derive(sqlite.personRoles);
export const personBindings = derive(sqlite.personBindings);
export const chatGroups = derive(sqlite.chatGroups);
export const groupBindings = derive(sqlite.groupBindings);
export const calendarDays = derive(sqlite.calendarDays);
export const calendarYears = derive(sqlite.calendarYears);
export const clocks = derive(sqlite.clocks);
export const referrals = derive(sqlite.referrals);
export const receipts = derive(sqlite.receipts);
export const referralReturns = derive(sqlite.referralReturns);
export const passDowns = derive(sqlite.passDowns);
export const extensionRequests = derive(sqlite.extensionRequests);
export const feedbacks = derive(sqlite.feedbacks);
export const urges = derive(sqlite.urges);
export const docCounters = derive(sqlite.docCounters);
export const escalations = derive(sqlite.escalations);
export const outbox = derive(sqlite.outbox);
export const cardDeliveries = derive(sqlite.cardDeliveries);
export const inboundEvents = derive(sqlite.inboundEvents);
export const auditLog = derive(sqlite.auditLog);
export const simMessages = derive(sqlite.simMessages);
export const jobRuns = derive(sqlite.jobRuns);
export const inboundQueue = derive(sqlite.inboundQueue);
export const wecomCards = derive(sqlite.wecomCards);
export const platformCalls = derive(sqlite.platformCalls);
export const dingtalkCards = derive(sqlite.dingtalkCards);
export const exportFiles = derive(sqlite.exportFiles);
export const campaigns = derive(sqlite.campaigns);
export const campaignSites = derive(sqlite.campaignSites);
export const campaignUnits = derive(sqlite.campaignUnits);
export const dutyShifts = derive(sqlite.dutyShifts);
export const dispatchReports = derive(sqlite.dispatchReports);
export const projects = derive(sqlite.projects);
export const projectImports = derive(sqlite.projectImports);
export const siteChecks = derive(sqlite.siteChecks);
export const projectClues = derive(sqlite.projectClues);
export const omissionEscalations = derive(sqlite.omissionEscalations);
