/**
 * Exports the tables of new projects: attachment 1 (新开工建设工程项目情况表)
 * per reporting unit and period, a sheet per unit, and HRSS's table of
 * how each unit reports. Checks who asks before reading any project. The
 * caller writes the audit entry.
 */
import type { Writable } from "node:stream";
import { and, asc, eq, gte, lte, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { attachmentRow, type ProjectRecord } from "../projects/view.js";
import { dateOf } from "../time.js";
import type { Unit } from "../units/directory.js";
import { personOf, type Requester } from "./access.js";
import type { ExportRequest, ExportResult } from "./export.js";
import { streamingWorkbook } from "./layout.js";
import { parsePeriod, periodRequired, type Period } from "./period.js";
import { PROJECT_TITLE, writeProjectSheet } from "./project-sheet.js";
import {
  assertMayExportStats,
  projectScope,
  type ProjectScope,
} from "./project-scope.js";
import { unitReporting } from "./project-stats-rows.js";
import { STATS_TITLE, writeStatsSheet } from "./project-stats-sheet.js";
import type { ProjectTable } from "./tables.js";

export interface ProjectExport {
  result: ExportResult;
  /** The unit whose table it is; 0 for every unit in reach. */
  unitId: number;
  /** For the audit entry. */
  detail: Record<string, unknown>;
}

/** The filing unit when the requester has none: the city's lead HRSS. */
export type LeadUnit = () => Promise<Unit | undefined>;

export async function exportProjectTable(
  ctx: AppContext,
  who: Requester,
  table: ProjectTable,
  request: ExportRequest,
  heading: { city: string; lead: LeadUnit },
  out: Writable,
): Promise<ProjectExport> {
  if (table === "project-stats") {
    return exportStats(ctx, who, request, heading, out);
  }
  const scope = await projectScope(ctx, who, request);
  const period = periodOf(request);
  const projects = await projectsIn(ctx, period, scope);
  const sheets = await sheetsOf(ctx, scope, projects);

  const person = personOf(who);
  const book = streamingWorkbook(out);
  for (const { unit, rows } of sheets) {
    // The sign-off lines name whoever fills the table for the unit.
    const own = person && unit && person.unit.id === unit.id;
    writeProjectSheet(book, {
      city: heading.city,
      unitName: unit?.name,
      sheetName: unit ? `附件1 ${unit.shortName}` : undefined,
      rows: rows.map(attachmentRow),
      filledBy: own ? person.name : undefined,
      phone: own ? (person.phone ?? undefined) : undefined,
      filledOn: dateOf(ctx.clock.now()),
    });
  }
  await book.commit();

  const scopeText = scope.unit
    ? `${period.label}，${scope.unit.shortName}`
    : period.label;
  return {
    result: {
      table,
      fileName: `${heading.city}${PROJECT_TITLE}（${scopeText}）.xlsx`,
      rows: projects.length,
    },
    unitId: scope.unit?.id ?? 0,
    detail: {
      period: period.text,
      unitId: scope.unit?.id ?? null,
      unitCode: scope.unit?.code ?? null,
      hrssUnitId: scope.hrssUnitId ?? null,
      sheets: sheets.length,
    },
  };
}

async function exportStats(
  ctx: AppContext,
  who: Requester,
  request: ExportRequest,
  heading: { city: string; lead: LeadUnit },
  out: Writable,
): Promise<ProjectExport> {
  assertMayExportStats(who);
  if (request.unitId !== undefined || request.unit?.trim()) {
    throw new AppError(
      "unit_not_applicable",
      "单位：报送情况统计表逐行列出各单位，请不要指定单位；" +
        "某个单位报送的项目请导出“项目表”。",
      422,
      "unit",
    );
  }
  const period = periodOf(request);
  const now = ctx.clock.now();
  const units = await unitReporting(ctx, period, now);
  const filing = personOf(who)?.unit ?? (await heading.lead());

  const book = streamingWorkbook(out);
  const rows = await writeStatsSheet(
    book,
    {
      city: heading.city,
      unitName: filing?.name ?? "",
      period,
      units,
      now,
      filledOn: dateOf(now),
    },
    out,
  );
  await book.commit();
  return {
    result: {
      table: "project-stats",
      fileName: `${heading.city}${STATS_TITLE}（${period.label}）.xlsx`,
      rows,
    },
    unitId: 0,
    detail: { period: period.text },
  };
}

/**
 * The period a table covers. Attachment 1 lists a project in the period
 * of its start date, not of its report: the table is of projects newly
 * started (新开工), and the notice has units file each month's table
 * with the month before's starts (统计填报上月情况). A late report thus
 * joins the month it started in, and that month's table exported again
 * shows it; the monthly tables add up to the year the service counts
 * timeliness and the government office's list by.
 */
function periodOf(request: ExportRequest): Period {
  if (!request.period?.trim()) {
    throw periodRequired();
  }
  return parsePeriod(request.period);
}

/** The projects in scope started in the period, by unit and start date. */
async function projectsIn(
  ctx: AppContext,
  period: Period,
  scope: ProjectScope,
): Promise<ProjectRecord[]> {
  const p = ctx.store.t.projects;
  const conditions: SQL[] = [
    gte(p.startDate, period.from),
    lte(p.startDate, period.to),
  ];
  if (scope.unit) {
    conditions.push(eq(p.unitId, scope.unit.id));
  }
  if (scope.hrssUnitId !== undefined) {
    conditions.push(eq(p.hrssUnitId, scope.hrssUnitId));
  }
  return ctx.store.db
    .select()
    .from(p)
    .where(and(...conditions))
    .orderBy(asc(p.unitId), asc(p.startDate), asc(p.id));
}

interface UnitSheet {
  /** Undefined: the blank form, when no unit has a project. */
  unit?: Unit;
  rows: ProjectRecord[];
}

/**
 * A sheet per unit with projects; the unit asked for gets its sheet even
 * with none (a month without new projects is still filed).
 */
async function sheetsOf(
  ctx: AppContext,
  scope: ProjectScope,
  projects: ProjectRecord[],
): Promise<UnitSheet[]> {
  if (scope.unit) {
    return [{ unit: scope.unit, rows: projects }];
  }
  const byUnit = new Map<number, ProjectRecord[]>();
  for (const project of projects) {
    const rows = byUnit.get(project.unitId) ?? [];
    rows.push(project);
    byUnit.set(project.unitId, rows);
  }
  const sheets: UnitSheet[] = [];
  for (const [unitId, rows] of byUnit) {
    sheets.push({ unit: await ctx.directory.unit(unitId), rows });
  }
  return sheets.length > 0 ? sheets : [{ rows: [] }];
}
