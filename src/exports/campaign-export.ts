/**
 * Exports a reception campaign's tables: the attendance sheet
 * (attachment 6) of one site or of every site, and the campaign report
 * for the city government office. Both show the campaign as it stands at
 * the export's instant. The caller writes the audit entry.
 */
import type { Writable } from "node:stream";
import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { DispatchRow } from "../campaigns/view.js";
import { dateOf } from "../time.js";
import type { Requester } from "./access.js";
import { attendanceLines } from "./attendance-rows.js";
import { ATTENDANCE_TITLE, writeAttendanceSheet } from "./attendance-sheet.js";
import { dailyLines, unitTallies } from "./campaign-report-rows.js";
import { reportTitle, writeCampaignReport } from "./campaign-report-sheet.js";
import { campaignScope, type CampaignScope } from "./campaign-scope.js";
import type { ExportRequest, ExportResult } from "./export.js";
import { streamingWorkbook } from "./layout.js";
import type { CampaignTable } from "./tables.js";

export interface CampaignExport {
  result: ExportResult;
  campaignId: number;
  /** For the audit entry. */
  detail: Record<string, unknown>;
}

/**
 * Checks who asks and for what before anything is written; the
 * campaign is named by `campaign` (or, from the page, `period`).
 */
export async function exportCampaignTable(
  ctx: AppContext,
  who: Requester,
  table: CampaignTable,
  request: ExportRequest,
  city: string,
  out: Writable,
): Promise<CampaignExport> {
  const scope = await campaignScope(ctx, who, table, {
    campaign: request.campaign ?? request.period,
    campaignId: request.campaignId,
    site: request.site,
    unitId: request.unitId,
  });
  const { campaign } = scope.view;
  const rows =
    table === "attendance"
      ? await writeAttendance(ctx, scope, city, out)
      : await writeReport(ctx, scope, city, out);
  const title =
    table === "attendance"
      ? `${city}${ATTENDANCE_TITLE}（${campaign.name}` +
        (scope.site ? `，${scope.site.label}）` : "）")
      : reportTitle(city, campaign.name);
  return {
    result: { table, fileName: `${safeName(title)}.xlsx`, rows },
    campaignId: campaign.id,
    detail: {
      campaignId: campaign.id,
      name: campaign.name,
      siteId: scope.site?.site.id ?? null,
      hostUnitId: scope.site?.host.id ?? null,
    },
  };
}

async function writeAttendance(
  ctx: AppContext,
  scope: CampaignScope,
  city: string,
  out: Writable,
): Promise<number> {
  const { view } = scope;
  const now = ctx.clock.now();
  const book = streamingWorkbook(out);
  let rows = 0;
  for (const site of scope.site ? [scope.site] : view.sites) {
    const lines = attendanceLines(view, now, site);
    const heading = { city, view, site, filledOn: dateOf(now) };
    rows += await writeAttendanceSheet(book, heading, lines, out);
  }
  await book.commit();
  return rows;
}

async function writeReport(
  ctx: AppContext,
  scope: CampaignScope,
  city: string,
  out: Writable,
): Promise<number> {
  const { view } = scope;
  const now = ctx.clock.now();
  const reports = await dispatchReportsOf(ctx, view.campaign.id);
  const book = streamingWorkbook(out);
  const rows = await writeCampaignReport(
    book,
    {
      city,
      view,
      daily: dailyLines(view, reports, now),
      units: unitTallies(view, now),
      now,
      filledOn: dateOf(now),
    },
    out,
  );
  await book.commit();
  return rows;
}

/** Every daily report a campaign's sites have filed. */
async function dispatchReportsOf(
  ctx: AppContext,
  campaignId: number,
): Promise<DispatchRow[]> {
  const { dispatchReports } = ctx.store.t;
  return ctx.store.db
    .select()
    .from(dispatchReports)
    .where(eq(dispatchReports.campaignId, campaignId))
    .orderBy(asc(dispatchReports.date), asc(dispatchReports.siteId));
}

/** A campaign's name may hold characters no file name can. */
const safeName = (name: string) => name.replace(/[\\/:*?"<>|\r\n\t]/g, "_");
