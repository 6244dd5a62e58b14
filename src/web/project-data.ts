/**
 * What the new-project lists read besides one project (projects/view.ts):
 * a unit's reports of a year, the checks and corrections still open with
 * their deadlines, and the clues an HRSS recorded. A county's or park's
 * HRSS sees its own; the city's HRSS (and an administrator) every area's.
 */
import { and, asc, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { ClockRow } from "../clocks/engine.js";
import type { AppContext } from "../context.js";
import type { ClueRow, ProjectRecord, SiteCheckRow } from "../projects/view.js";
import type { Person } from "../units/directory.js";

/** Rows a list shows at most; the page says when there are more. */
export const LIST_LIMIT = 200;

export interface OpenItem {
  project: ProjectRecord;
  clock: ClockRow;
}

/** The projects an HRSS person looks after: its own, or all for the city. */
function checkedBy(ctx: AppContext, person: Person): SQL | undefined {
  const p = ctx.store.t.projects;
  return person.unit.level === "city"
    ? undefined
    : eq(p.hrssUnitId, person.unit.id);
}

/** A unit's reports of projects started in a year, latest start first. */
export async function projectsOfUnit(
  ctx: AppContext,
  unitId: number,
  year: number,
): Promise<{ project: ProjectRecord; check?: SiteCheckRow }[]> {
  const { projects, siteChecks } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.unitId, unitId),
        gte(projects.startDate, `${year}-01-01`),
        lte(projects.startDate, `${year}-12-31`),
      ),
    )
    .orderBy(desc(projects.startDate), desc(projects.id))
    .limit(LIST_LIMIT + 1);
  if (rows.length === 0) {
    return [];
  }
  const checks = await ctx.store.db
    .select()
    .from(siteChecks)
    .where(
      inArray(
        siteChecks.projectId,
        rows.map((p) => p.id),
      ),
    );
  const byProject = new Map(checks.map((c) => [c.projectId, c]));
  return rows.map((project) => ({
    project,
    check: byProject.get(project.id),
  }));
}

/**
 * Projects with an open clock of a rule ("project.check",
 * "project.correction"), the earliest deadline first.
 */
async function openItems(
  ctx: AppContext,
  rule: string,
  scope: SQL | undefined,
): Promise<OpenItem[]> {
  const { projects, clocks } = ctx.store.t;
  return ctx.store.db
    .select({ project: projects, clock: clocks })
    .from(projects)
    .innerJoin(
      clocks,
      and(
        eq(clocks.subjectType, "project"),
        eq(clocks.subjectId, projects.id),
        eq(clocks.rule, rule),
        eq(clocks.status, "open"),
      ),
    )
    .where(scope)
    .orderBy(asc(clocks.dueDate), asc(projects.id))
    .limit(LIST_LIMIT + 1);
}

/** Reported projects still waiting for their site check. */
export function checksDue(
  ctx: AppContext,
  person: Person,
): Promise<OpenItem[]> {
  return openItems(ctx, "project.check", checkedBy(ctx, person));
}

/**
 * Findings not yet corrected: a unit's own, or those of the projects an
 * HRSS checked.
 */
export function correctionsDue(
  ctx: AppContext,
  person: Person,
  as: "unit" | "hrss",
): Promise<OpenItem[]> {
  const p = ctx.store.t.projects;
  const scope =
    as === "unit" ? eq(p.unitId, person.unit.id) : checkedBy(ctx, person);
  return openItems(ctx, "project.correction", scope);
}

/** Clues recorded by the person's HRSS (the city's: all), newest first. */
export async function cluesOf(
  ctx: AppContext,
  person: Person,
): Promise<ClueRow[]> {
  const c = ctx.store.t.projectClues;
  return ctx.store.db
    .select()
    .from(c)
    .where(
      person.unit.level === "city"
        ? undefined
        : eq(c.hrssUnitId, person.unit.id),
    )
    .orderBy(desc(c.learnedDate), desc(c.id))
    .limit(LIST_LIMIT + 1);
}

/** Projects by id, for naming the project a clue was matched to. */
export async function projectsById(
  ctx: AppContext,
  ids: number[],
): Promise<Map<number, ProjectRecord>> {
  if (ids.length === 0) {
    return new Map();
  }
  const { projects } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(projects)
    .where(inArray(projects.id, [...new Set(ids)]));
  return new Map(rows.map((p) => [p.id, p]));
}
