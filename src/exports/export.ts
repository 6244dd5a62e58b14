/**
 * Exports an official table as an Excel workbook onto a stream: the
 * receipts of a referral (attachment 2), the feedback tables of a period
 * (attachments 3 and 4), a reception campaign's attendance sheet
 * (attachment 6) and report, or the new projects of a period (attachment
 * 1) and how units reported them. Checks who asks before reading anything,
 * and writes every export to the audit trail.
 */
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { loadView } from "../referrals/view.js";
import { dateOf } from "../time.js";
import type { Unit } from "../units/directory.js";
import {
  actorOf,
  assertMayExportReferral,
  exportScope,
  personOf,
  type Requester,
} from "./access.js";
import { LAYOUTS } from "./feedback-columns.js";
import { feedbackLines } from "./feedback-rows.js";
import { writeFeedbackSheet } from "./feedback-sheet.js";
import { streamingWorkbook } from "./layout.js";
import { parsePeriod, periodRequired, type Period } from "./period.js";
import { RECEIPT_TITLES, writeReceiptSheet } from "./receipt-sheet.js";
import {
  receiptsOf,
  referralIdByNumber,
  referralRequired,
} from "./receipts.js";
import { exportCampaignTable } from "./campaign-export.js";
import { exportProjectTable } from "./project-export.js";
import {
  feedbackTables,
  isCampaignTable,
  isProjectTable,
  parseTableName,
  type FeedbackTable,
  type TableName,
} from "./tables.js";

export type { Requester } from "./access.js";

export interface ExportRequest {
  /** A table name as users type it: "receipt", "反馈表", "附件4"… */
  table: string;
  /** Feedback tables: "2026-10", "2026-Q4", "2026" (or 2026年10月…). */
  period?: string;
  /** Receipts: the referral, by id or by its number. */
  referralId?: number;
  referralNumber?: string;
  /**
   * Whose referrals (sent, handled or supervised); HRSS may pick any. For
   * a campaign's tables: the site, by the unit that hosts it.
   */
  unitId?: number;
  /**
   * Campaign tables: the campaign by name, number or a period it falls
   * in, maybe followed by a site; from the page, `period` holds it.
   */
  campaign?: string;
  campaignId?: number;
  /** Campaign tables: the site by its host's name or code. */
  site?: string;
  /** Attachment 1: the reporting unit as typed (name, short name, code). */
  unit?: string;
}

export interface ExportResult {
  table: TableName;
  /** A file name to offer, e.g. 遂宁市源头性…反馈表（2026年10月）.xlsx */
  fileName: string;
  /**
   * Referrals listed (feedback tables), receipts printed, rows of the
   * attendance sheets, or site-days of a campaign report.
   */
  rows: number;
}

/**
 * Writes the workbook to `out` and ends it. Bad requests and refusals are
 * AppErrors in Chinese, raised before anything is written.
 */
export async function exportTable(
  ctx: AppContext,
  who: Requester,
  request: ExportRequest,
  out: Writable,
): Promise<ExportResult> {
  const table = parseTableName(request.table);
  if (isCampaignTable(table)) {
    const city = cityName(ctx);
    const done = await exportCampaignTable(ctx, who, table, request, city, out);
    await record(
      ctx,
      who,
      "campaign",
      done.campaignId,
      done.result,
      done.detail,
    );
    return done.result;
  }
  if (isProjectTable(table)) {
    const done = await exportProjectTable(
      ctx,
      who,
      table,
      request,
      { city: cityName(ctx), lead: () => leadUnit(ctx) },
      out,
    );
    await record(ctx, who, "export", done.unitId, done.result, done.detail);
    return done.result;
  }
  const unit = await exportScope(ctx, who, request.unitId);
  return table === "receipt"
    ? exportReceipts(ctx, who, request, unit, out)
    : exportFeedback(ctx, who, table, request, unit, out);
}

async function exportReceipts(
  ctx: AppContext,
  who: Requester,
  request: ExportRequest,
  unit: Unit | undefined,
  out: Writable,
): Promise<ExportResult> {
  const id =
    request.referralId ??
    (request.referralNumber
      ? await referralIdByNumber(ctx, request.referralNumber)
      : undefined);
  if (id === undefined) {
    throw referralRequired();
  }
  const view = await loadView(ctx, ctx.store.db, id);
  assertMayExportReferral(who, view);
  // A unit's own request prints every receipt of a case it is part of;
  // a unit picked by HRSS prints that unit's.
  const receipts = await receiptsOf(ctx, view, request.unitId);

  const book = streamingWorkbook(out);
  for (const receipt of receipts) {
    writeReceiptSheet(book, receipt);
  }
  await book.commit();

  const r = view.referral;
  const result: ExportResult = {
    table: "receipt",
    fileName: `${RECEIPT_TITLES[r.kind as "source" | "crime"]}（${r.number}）.xlsx`,
    rows: receipts.length,
  };
  await record(ctx, who, "referral", r.id, result, {
    referralId: r.id,
    number: r.number,
    unitId: unit?.id ?? null,
  });
  return result;
}

async function exportFeedback(
  ctx: AppContext,
  who: Requester,
  table: FeedbackTable | "feedback",
  request: ExportRequest,
  unit: Unit | undefined,
  out: Writable,
): Promise<ExportResult> {
  if (!request.period?.trim()) {
    throw periodRequired();
  }
  const period = parsePeriod(request.period);
  const city = cityName(ctx);
  const heading = {
    city,
    unitName: (unit ?? (await fillingUnit(ctx, who)))?.name,
    period,
    filledOn: dateOf(ctx.clock.now()),
  };

  const book = streamingWorkbook(out);
  let rows = 0;
  for (const sheet of feedbackTables(table)) {
    const layout = LAYOUTS[sheet];
    const lines = feedbackLines(ctx, {
      kind: sheet === "feedback-crime" ? "crime" : "source",
      from: period.from,
      to: period.to,
      unitId: unit?.id,
    });
    rows += await writeFeedbackSheet(book, layout, heading, lines, out);
  }
  await book.commit();

  const title = table === "feedback" ? "移送案件反馈表" : LAYOUTS[table].title;
  const result: ExportResult = {
    table,
    fileName: `${city}${title}（${fileScope(period, unit)}）.xlsx`,
    rows,
  };
  await record(ctx, who, "export", unit?.id ?? 0, result, {
    period: period.text,
    unitId: unit?.id ?? null,
    unitCode: unit?.code ?? null,
  });
  return result;
}

/**
 * 填报单位 when HRSS exports every unit's referrals: its own unit, or
 * for the command line the city's lead unit, which compiles the tables.
 */
async function fillingUnit(
  ctx: AppContext,
  who: Requester,
): Promise<Unit | undefined> {
  return personOf(who)?.unit ?? leadUnit(ctx);
}

/** The city's HRSS, which compiles the tables. */
async function leadUnit(ctx: AppContext): Promise<Unit | undefined> {
  const { units } = ctx.store.t;
  const [lead] = await ctx.store.db
    .select()
    .from(units)
    .where(and(eq(units.kind, "hrss"), eq(units.level, "city")))
    .limit(1);
  return lead;
}

function fileScope(period: Period, unit: Unit | undefined): string {
  return unit ? `${period.label}，${unit.shortName}` : period.label;
}

/** The city's name from the seed file, which titles carry in front. */
function cityName(ctx: AppContext): string {
  try {
    const seed = JSON.parse(readFileSync(ctx.config.seedFile, "utf8"));
    return typeof seed?.city?.name === "string" ? seed.city.name : "";
  } catch {
    return "";
  }
}

/** One audit entry per export: who, which table, whose, how many rows. */
async function record(
  ctx: AppContext,
  who: Requester,
  subjectType: string,
  subjectId: number,
  result: ExportResult,
  detail: Record<string, unknown>,
): Promise<void> {
  await audit(ctx.store, ctx.store.db, {
    actor: actorOf(who),
    at: ctx.clock.now(),
    subjectType,
    subjectId,
    action: `export.${result.table}`,
    detail: { ...detail, rows: result.rows, fileName: result.fileName },
  });
}
