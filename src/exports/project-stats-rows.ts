/**
 * How each industry authority reported its new projects over a period,
 * for HRSS's table (spec 3.1.3 and 3.1.4): the projects that started in
 * the period, how many came late and by how much, those 5 or more
 * working days late (the government office's rule, "以上" including 5),
 * its omissions, and how the site checks and corrections of its projects
 * went. Checks and corrections are as they stand at `now`.
 */
import {
  and,
  count,
  eq,
  gt,
  gte,
  inArray,
  isNull,
  lte,
  max,
  or,
  sql,
  sum,
} from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { ESCALATION_WORKDAYS, OMISSIONS_TO_ESCALATE } from "../clocks/rules.js";
import type { AppContext } from "../context.js";
import type { Unit } from "../units/directory.js";
import { INDUSTRY_KINDS } from "../units/kinds.js";
import type { Period } from "./period.js";

export interface UnitReporting {
  unit: Unit;
  /** Projects started in the period that the unit reported. */
  reported: number;
  onTime: number;
  late: number;
  /** Working days: the latest report, and all late reports together. */
  maxLateDays: number;
  totalLateDays: number;
  /** Reports ESCALATION_WORKDAYS or more working days late. */
  lateToEscalate: number;
  /** Omissions confirmed, learned of in the period. */
  omissions: number;
  /** Omissions learned of from 1 January to the period's end. */
  omissionsInYear: number;
  /** omissionsInYear reaches OMISSIONS_TO_ESCALATE. */
  omissionsToEscalate: boolean;
  checksOnTime: number;
  checksLate: number;
  /** Checks not recorded, their 10 working days over. */
  checksOverdue: number;
  /** Corrections made after their deadline, or still open past it. */
  correctionsOverdue: number;
}

/** Rows meeting a condition; a decimal string on MySQL, NULL over none. */
const countIf = (condition: SQL | undefined) =>
  sql<string | null>`sum(case when ${condition} then 1 else 0 end)`;

const n = (value: unknown) => Number(value ?? 0);

/**
 * One line per industry authority (a unit without projects shows its
 * zeros: reporting nothing is worth seeing), and any other unit with
 * figures, in the directory's order.
 */
export async function unitReporting(
  ctx: AppContext,
  period: Period,
  now: number,
): Promise<UnitReporting[]> {
  const [reports, clocks, omissions] = await Promise.all([
    reportFigures(ctx, period),
    clockFigures(ctx, period, now),
    omissionFigures(ctx, period),
  ]);
  const withFigures = new Set([
    ...reports.keys(),
    ...clocks.keys(),
    ...omissions.keys(),
  ]);
  const listed = (await ctx.directory.units()).filter(
    (u) => INDUSTRY_KINDS.includes(u.kind) || withFigures.has(u.id),
  );
  // A unit retired since keeps its line for what it did.
  for (const id of withFigures) {
    const retired = listed.some((u) => u.id === id)
      ? undefined
      : await ctx.directory.unit(id);
    if (retired) {
      listed.push(retired);
    }
  }
  return listed.map((unit) => {
    const r = reports.get(unit.id);
    const c = clocks.get(unit.id);
    const o = omissions.get(unit.id);
    const inYear = o?.inYear ?? 0;
    return {
      unit,
      reported: r?.reported ?? 0,
      onTime: (r?.reported ?? 0) - (r?.late ?? 0),
      late: r?.late ?? 0,
      maxLateDays: r?.maxLateDays ?? 0,
      totalLateDays: r?.totalLateDays ?? 0,
      lateToEscalate: r?.lateToEscalate ?? 0,
      omissions: o?.inPeriod ?? 0,
      omissionsInYear: inYear,
      omissionsToEscalate: inYear >= OMISSIONS_TO_ESCALATE,
      checksOnTime: c?.checksOnTime ?? 0,
      checksLate: c?.checksLate ?? 0,
      checksOverdue: c?.checksOverdue ?? 0,
      correctionsOverdue: c?.correctionsOverdue ?? 0,
    };
  });
}

/** Projects belong to the period of their start date, as attachment 1. */
function startedIn(ctx: AppContext, period: Period) {
  const p = ctx.store.t.projects;
  return and(gte(p.startDate, period.from), lte(p.startDate, period.to));
}

async function reportFigures(ctx: AppContext, period: Period) {
  const p = ctx.store.t.projects;
  const rows = await ctx.store.db
    .select({
      unitId: p.unitId,
      reported: count(),
      late: countIf(gt(p.reportLateDays, 0)),
      maxLateDays: max(p.reportLateDays),
      totalLateDays: sum(p.reportLateDays),
      lateToEscalate: countIf(gte(p.reportLateDays, ESCALATION_WORKDAYS)),
    })
    .from(p)
    .where(startedIn(ctx, period))
    .groupBy(p.unitId);
  // SUM is a decimal string on MySQL.
  return new Map(
    rows.map((r) => [
      r.unitId,
      {
        reported: n(r.reported),
        late: n(r.late),
        maxLateDays: n(r.maxLateDays),
        totalLateDays: n(r.totalLateDays),
        lateToEscalate: n(r.lateToEscalate),
      },
    ]),
  );
}

/**
 * The check and correction clocks of the projects: stopped on time or
 * late, or open past their deadline at `now`.
 */
async function clockFigures(ctx: AppContext, period: Period, now: number) {
  const { clocks: c, projects: p } = ctx.store.t;
  const stopped = eq(c.status, "stopped");
  const rows = await ctx.store.db
    .select({
      unitId: p.unitId,
      rule: c.rule,
      onTime: countIf(and(stopped, or(isNull(c.lateDays), eq(c.lateDays, 0)))),
      late: countIf(and(stopped, gt(c.lateDays, 0))),
      overdue: countIf(and(eq(c.status, "open"), lte(c.dueAt, now))),
    })
    .from(c)
    .innerJoin(p, and(eq(c.subjectType, "project"), eq(c.subjectId, p.id)))
    .where(
      and(
        startedIn(ctx, period),
        inArray(c.rule, ["project.check", "project.correction"]),
      ),
    )
    .groupBy(p.unitId, c.rule);

  const byUnit = new Map<
    number,
    {
      checksOnTime: number;
      checksLate: number;
      checksOverdue: number;
      correctionsOverdue: number;
    }
  >();
  for (const r of rows) {
    const figures = byUnit.get(r.unitId) ?? {
      checksOnTime: 0,
      checksLate: 0,
      checksOverdue: 0,
      correctionsOverdue: 0,
    };
    if (r.rule === "project.check") {
      figures.checksOnTime += n(r.onTime);
      figures.checksLate += n(r.late);
      figures.checksOverdue += n(r.overdue);
    } else {
      figures.correctionsOverdue += n(r.late) + n(r.overdue);
    }
    byUnit.set(r.unitId, figures);
  }
  return byUnit;
}

/**
 * Omissions count in the year of the day HRSS learned of the project
 * (as the service counts them); the office's rule adds up the year.
 */
async function omissionFigures(ctx: AppContext, period: Period) {
  const k = ctx.store.t.projectClues;
  const yearStart = `${period.to.slice(0, 4)}-01-01`;
  const rows = await ctx.store.db
    .select({
      unitId: k.responsibleUnitId,
      inYear: count(),
      inPeriod: countIf(
        and(gte(k.learnedDate, period.from), lte(k.learnedDate, period.to)),
      ),
    })
    .from(k)
    .where(
      and(
        eq(k.status, "omission"),
        gte(k.learnedDate, yearStart),
        lte(k.learnedDate, period.to),
      ),
    )
    .groupBy(k.responsibleUnitId);
  return new Map(
    rows.map((r) => [
      r.unitId,
      { inYear: n(r.inYear), inPeriod: n(r.inPeriod) },
    ]),
  );
}
