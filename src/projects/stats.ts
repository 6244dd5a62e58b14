/**
 * How each industry authority does at reporting (spec 3.1.3 and 3.1.4):
 * how many projects it reported in a year and how late, its omissions,
 * and the list for the city government office (a report 5 or more
 * working days late; 5 or more omissions in the year, "以上" including 5).
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  lt,
  lte,
  ne,
  sql,
  type SQL,
} from "drizzle-orm";
import type { AppContext } from "../context.js";
import { ESCALATION_WORKDAYS, OMISSIONS_TO_ESCALATE } from "../clocks/rules.js";
import { endOfDate, startOfDate, type IsoDate } from "../time.js";

export interface UnitTimeliness {
  unitId: number;
  unitName: string;
  /** Projects started in the year that the unit reported. */
  reported: number;
  /** Of those, reported after the 5 working days. */
  late: number;
  /** Of those, ESCALATION_WORKDAYS or more working days late. */
  lateToEscalate: number;
  omissions: number;
}

export interface LateReport {
  projectId: number;
  name: string;
  startDate: IsoDate;
  reportedDate: IsoDate;
  lateDays: number;
}

/** What HRSS reports to the city government office for a year. */
export interface OfficeList {
  year: number;
  /** Units with reports late by ESCALATION_WORKDAYS or more, and those. */
  lateReports: { unitId: number; unitName: string; projects: LateReport[] }[];
  /** Units with OMISSIONS_TO_ESCALATE or more omissions in the year. */
  omissions: { unitId: number; unitName: string; omissions: number }[];
}

/** Rows meeting a condition; a decimal string on MySQL, NULL over none. */
const countIf = (condition: SQL | undefined) =>
  sql<string | null>`sum(case when ${condition} then 1 else 0 end)`;

const yearRange = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

/** Omissions per unit in a year, most first. */
export async function omissionCounts(
  ctx: AppContext,
  year: number,
): Promise<{ unitId: number; unitName: string; omissions: number }[]> {
  const c = ctx.store.t.projectClues;
  const n = count();
  const rows = await ctx.store.db
    .select({ unitId: c.responsibleUnitId, n })
    .from(c)
    .where(and(eq(c.omissionYear, year), eq(c.status, "omission")))
    .groupBy(c.responsibleUnitId)
    .orderBy(desc(n), asc(c.responsibleUnitId));
  return named(ctx, rows, (r) => ({ omissions: Number(r.n) }));
}

/** Reports of projects started in a year, per reporting unit. */
export async function timeliness(
  ctx: AppContext,
  year: number,
): Promise<UnitTimeliness[]> {
  const p = ctx.store.t.projects;
  const [from, to] = yearRange(year);
  const rows = await ctx.store.db
    .select({
      unitId: p.unitId,
      reported: count(),
      late: countIf(gt(p.reportLateDays, 0)),
      lateToEscalate: countIf(gte(p.reportLateDays, ESCALATION_WORKDAYS)),
    })
    .from(p)
    .where(and(gte(p.startDate, from), lte(p.startDate, to)))
    .groupBy(p.unitId);
  const omissions = new Map(
    (await omissionCounts(ctx, year)).map((o) => [o.unitId, o.omissions]),
  );
  const units = new Set([...rows.map((r) => r.unitId), ...omissions.keys()]);
  const byUnit = new Map(rows.map((r) => [r.unitId, r]));
  const list = await named(
    ctx,
    [...units].map((unitId) => ({ unitId })),
    ({ unitId }) => {
      const r = byUnit.get(unitId);
      return {
        // SUM is a decimal string on MySQL.
        reported: Number(r?.reported ?? 0),
        late: Number(r?.late ?? 0),
        lateToEscalate: Number(r?.lateToEscalate ?? 0),
        omissions: omissions.get(unitId) ?? 0,
      };
    },
  );
  return list.sort((a, b) => a.unitId - b.unitId);
}

/** Reports late by `minDays` or more, of projects started in a year. */
export async function lateReports(
  ctx: AppContext,
  year: number,
  minDays = ESCALATION_WORKDAYS,
): Promise<(LateReport & { unitId: number })[]> {
  const p = ctx.store.t.projects;
  const [from, to] = yearRange(year);
  const rows = await ctx.store.db
    .select()
    .from(p)
    .where(
      and(
        gte(p.reportLateDays, minDays),
        gte(p.startDate, from),
        lte(p.startDate, to),
      ),
    )
    .orderBy(asc(p.unitId), asc(p.startDate), asc(p.id));
  return rows.map((r) => ({
    unitId: r.unitId,
    projectId: r.id,
    name: r.name,
    startDate: r.startDate,
    reportedDate: r.reportedDate,
    lateDays: r.reportLateDays,
  }));
}

/** The list for the city government office, for a year. */
export async function officeList(
  ctx: AppContext,
  year: number,
): Promise<OfficeList> {
  const late = await lateReports(ctx, year);
  const byUnit = new Map<number, LateReport[]>();
  for (const { unitId, ...report } of late) {
    byUnit.set(unitId, [...(byUnit.get(unitId) ?? []), report]);
  }
  const lateList = await named(
    ctx,
    [...byUnit.keys()].map((unitId) => ({ unitId })),
    ({ unitId }) => ({ projects: byUnit.get(unitId)! }),
  );
  const omissions = (await omissionCounts(ctx, year)).filter(
    (o) => o.omissions >= OMISSIONS_TO_ESCALATE,
  );
  return { year, lateReports: lateList, omissions };
}

/**
 * Units whose omissions reach OMISSIONS_TO_ESCALATE in one of the years,
 * with the count.
 */
export async function omissionsReaching(
  ctx: AppContext,
  years: number[],
): Promise<{ unitId: number; year: number; omissions: number }[]> {
  const c = ctx.store.t.projectClues;
  const n = count();
  const rows = await ctx.store.db
    .select({ unitId: c.responsibleUnitId, year: c.omissionYear, n })
    .from(c)
    .where(and(inArray(c.omissionYear, years), eq(c.status, "omission")))
    .groupBy(c.omissionYear, c.responsibleUnitId)
    .having(gte(n, OMISSIONS_TO_ESCALATE))
    .orderBy(asc(c.omissionYear), asc(c.responsibleUnitId));
  return rows.map((r) => ({
    unitId: r.unitId,
    year: r.year!,
    omissions: Number(r.n),
  }));
}

/** What happened in a week (inclusive dates), for the weekly summary. */
export interface WeekFigures {
  reported: number;
  reportedLate: number;
  /** Site checks recorded, and those with findings. */
  checked: number;
  withFindings: number;
  /** Omissions confirmed. */
  omissions: number;
}

/** Whether any project or clue exists yet. */
export async function projectsInUse(ctx: AppContext): Promise<boolean> {
  const { db, t } = ctx.store;
  const [project] = await db
    .select({ id: t.projects.id })
    .from(t.projects)
    .limit(1);
  const [clue] = await db
    .select({ id: t.projectClues.id })
    .from(t.projectClues)
    .limit(1);
  return Boolean(project ?? clue);
}

export async function weekFigures(
  ctx: AppContext,
  from: IsoDate,
  to: IsoDate,
): Promise<WeekFigures> {
  const { db, t } = ctx.store;
  const start = startOfDate(from);
  const end = endOfDate(to);
  const p = t.projects;
  const [reported] = await db
    .select({ n: count(), late: countIf(gt(p.reportLateDays, 0)) })
    .from(p)
    .where(and(gte(p.reportedDate, from), lte(p.reportedDate, to)));
  const c = t.siteChecks;
  const [checked] = await db
    .select({ n: count(), found: countIf(ne(c.findings, "[]")) })
    .from(c)
    .where(and(gte(c.recordedAt, start), lt(c.recordedAt, end)));
  const k = t.projectClues;
  const [omitted] = await db
    .select({ n: count() })
    .from(k)
    .where(
      and(
        eq(k.status, "omission"),
        gte(k.decidedAt, start),
        lt(k.decidedAt, end),
      ),
    );
  return {
    reported: Number(reported.n),
    reportedLate: Number(reported.late ?? 0),
    checked: Number(checked.n),
    withFindings: Number(checked.found ?? 0),
    omissions: Number(omitted.n),
  };
}

/** Projects per status now ("reported", "correcting"…). */
export async function statusCounts(
  ctx: AppContext,
): Promise<Map<string, number>> {
  const p = ctx.store.t.projects;
  const rows = await ctx.store.db
    .select({ status: p.status, n: count() })
    .from(p)
    .groupBy(p.status);
  return new Map(rows.map((x) => [x.status, Number(x.n)]));
}

/** Adds each unit's short name. */
async function named<R extends { unitId: number }, X>(
  ctx: AppContext,
  rows: R[],
  extra: (row: R) => X,
): Promise<({ unitId: number; unitName: string } & X)[]> {
  const out = [];
  for (const row of rows) {
    const unit = await ctx.directory.unit(row.unitId);
    out.push({
      unitId: row.unitId,
      unitName: unit?.shortName ?? `单位${row.unitId}`,
      ...extra(row),
    });
  }
  return out;
}
