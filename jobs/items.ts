/**
 * What the reminder, digest and summary jobs share: reading due clocks
 * page by page with their referrals or projects, and writing one line per
 * item the way a phone shows it best.
 */
import { and, asc, eq, gt, gte, inArray, lt } from "drizzle-orm";
import type { Calendar } from "../src/calendar/calendar.js";
import type { ClockRow } from "../src/clocks/engine.js";
import type { RuleName } from "../src/clocks/rules.js";
import type { AppContext } from "../src/context.js";
import { projectLink } from "../src/projects/messages.js";
import type { ProjectRecord, SiteCheckRow } from "../src/projects/view.js";
import type { ReferralRow } from "../src/referrals/view.js";
import { deadlineStatus } from "../src/referrals/view.js";
import { formatDateCn, type IsoDate } from "../src/time.js";
import type { Unit } from "../src/units/directory.js";

/** Rows read per query unless a run says otherwise. */
export const DEFAULT_BATCH = 200;

/** The clocks the referral jobs watch. */
export const FEEDBACK_RULES: RuleName[] = ["referral.feedback"];

export interface DueItem {
  clock: ClockRow;
  referral: ReferralRow;
}

/**
 * Open feedback clocks due by `horizon`, each with its referral, one page
 * at a time. Clocks whose subject is not a referral are left out.
 */
export async function* dueReferrals(
  ctx: AppContext,
  options: { horizon: number; belowLevel?: number; batchSize?: number },
): AsyncGenerator<DueItem[]> {
  const limit = options.batchSize ?? DEFAULT_BATCH;
  let after: ClockRow | undefined;
  for (;;) {
    const clocks = await ctx.clocks.findDue({
      horizon: options.horizon,
      rules: FEEDBACK_RULES,
      belowLevel: options.belowLevel,
      limit,
      after,
    });
    if (clocks.length === 0) {
      return;
    }
    const ids = clocks
      .filter((c) => c.subjectType === "referral")
      .map((c) => c.subjectId);
    const referrals = await referralsById(ctx, ids);
    yield clocks.flatMap((clock) => {
      const referral = referrals.get(clock.subjectId);
      return clock.subjectType === "referral" && referral
        ? [{ clock, referral }]
        : [];
    });
    if (clocks.length < limit) {
      return;
    }
    after = clocks[clocks.length - 1];
  }
}

export async function referralsById(
  ctx: AppContext,
  ids: number[],
): Promise<Map<number, ReferralRow>> {
  if (ids.length === 0) {
    return new Map();
  }
  const { referrals } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(referrals)
    .where(inArray(referrals.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Units by id, loaded once per run. */
export class UnitNames {
  private readonly cache = new Map<number, Unit | undefined>();

  constructor(private readonly ctx: AppContext) {}

  async get(id: number): Promise<Unit | undefined> {
    if (!this.cache.has(id)) {
      this.cache.set(id, await this.ctx.directory.unit(id));
    }
    return this.cache.get(id);
  }

  async short(id: number): Promise<string> {
    return (await this.get(id))?.shortName ?? `单位${id}`;
  }
}

/** "[遂人社移〔2026〕3号](link) 滨江花园项目欠薪案" */
export function referralTitle(ctx: AppContext, r: ReferralRow): string {
  return `[${r.number}](${ctx.links.referral(r.id)}) ${r.caseName}`;
}

/** "反馈期限 11月16日（剩余 2 个工作日）" */
export function deadlineText(
  cal: Calendar,
  dueDate: IsoDate,
  now: number,
  label = "反馈期限",
): string {
  const status = deadlineStatus(cal, dueDate, now).text;
  return `${label} ${shortDate(dueDate)}（${status}）`;
}

/** "11月16日": the year is plain from context in a daily message. */
export function shortDate(date: IsoDate): string {
  return formatDateCn(date).replace(/^\d+年/, "");
}

/** Appends to the list under `key`: grouping items by unit or person. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** The project clocks the jobs watch: site checks and corrections. */
export const PROJECT_RULES: RuleName[] = [
  "project.check",
  "project.correction",
];

export interface ProjectItem {
  clock: ClockRow;
  project: ProjectRecord;
  /** The site check, for a correction clock. */
  check?: SiteCheckRow;
}

/**
 * Open site-check and correction clocks due by `horizon`, each with its
 * project (and check), one page at a time.
 */
export async function* dueProjects(
  ctx: AppContext,
  options: {
    horizon: number;
    rules?: RuleName[];
    belowLevel?: number;
    batchSize?: number;
  },
): AsyncGenerator<ProjectItem[]> {
  const limit = options.batchSize ?? DEFAULT_BATCH;
  let after: ClockRow | undefined;
  for (;;) {
    const clocks = await ctx.clocks.findDue({
      horizon: options.horizon,
      rules: options.rules ?? PROJECT_RULES,
      belowLevel: options.belowLevel,
      limit,
      after,
    });
    if (clocks.length === 0) {
      return;
    }
    const ids = clocks
      .filter((c) => c.subjectType === "project")
      .map((c) => c.subjectId);
    const projects = await projectsById(ctx, ids);
    const checks = await checksByProject(ctx, ids);
    yield clocks.flatMap((clock) => {
      const project = projects.get(clock.subjectId);
      return clock.subjectType === "project" && project
        ? [{ clock, project, check: checks.get(project.id) }]
        : [];
    });
    if (clocks.length < limit) {
      return;
    }
    after = clocks[clocks.length - 1];
  }
}

/**
 * Projects reported `minDays` or more working days late whose report
 * clock is below `belowLevel`, with that clock, a page at a time.
 */
export async function* lateReports(
  ctx: AppContext,
  options: { minDays: number; belowLevel: number; batchSize?: number },
): AsyncGenerator<ProjectItem[]> {
  const { projects, clocks } = ctx.store.t;
  const limit = options.batchSize ?? DEFAULT_BATCH;
  let afterId = 0;
  for (;;) {
    const rows = await ctx.store.db
      .select({ project: projects, clock: clocks })
      .from(projects)
      .innerJoin(
        clocks,
        and(
          eq(clocks.subjectType, "project"),
          eq(clocks.subjectId, projects.id),
          eq(clocks.rule, "project.report"),
        ),
      )
      .where(
        and(
          gte(projects.reportLateDays, options.minDays),
          lt(clocks.escalationLevel, options.belowLevel),
          gt(projects.id, afterId),
        ),
      )
      .orderBy(asc(projects.id))
      .limit(limit);
    if (rows.length === 0) {
      return;
    }
    yield rows;
    if (rows.length < limit) {
      return;
    }
    afterId = rows[rows.length - 1].project.id;
  }
}

async function projectsById(ctx: AppContext, ids: number[]) {
  if (ids.length === 0) {
    return new Map<number, ProjectRecord>();
  }
  const { projects } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(projects)
    .where(inArray(projects.id, [...new Set(ids)]));
  return new Map(rows.map((p) => [p.id, p]));
}

async function checksByProject(ctx: AppContext, ids: number[]) {
  if (ids.length === 0) {
    return new Map<number, SiteCheckRow>();
  }
  const { siteChecks } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(siteChecks)
    .where(inArray(siteChecks.projectId, [...new Set(ids)]));
  return new Map(rows.map((c) => [c.projectId, c]));
}

/** "[天悦府二期](link)" */
export function projectTitle(ctx: AppContext, p: ProjectRecord): string {
  return `[${p.name}](${projectLink(ctx, p.id)})`;
}
