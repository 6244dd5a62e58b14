/**
 * The weekly summary to the mechanism's group: what happened last week
 * (new referrals, receipts, cases closed, wages recovered, returns per
 * unit) and where things stand (waiting for receipt, for feedback, for
 * review, overdue by unit). It runs daily and posts on the first working
 * day of the ISO week on or after the configured weekday, so a holiday
 * Monday moves it to the next working day. Once new projects are in use,
 * it also counts last week's reports, checks and omissions and where
 * checks and corrections stand. The group is a wide audience:
 * complainants' names and project managers' names and phones are masked.
 */
import { and, count, countDistinct, eq, gte, lt, lte, sum } from "drizzle-orm";
import type { Calendar } from "../src/calendar/calendar.js";
import type { Config } from "../src/config.js";
import { maskName, maskPhone } from "../src/mask.js";
import {
  omissionCounts,
  projectsInUse,
  statusCounts,
  weekFigures,
  type WeekFigures,
} from "../src/projects/stats.js";
import {
  addDays,
  DAY_MS,
  endOfDate,
  mondayOf,
  startOfDate,
  yearOf,
  type IsoDate,
} from "../src/time.js";
import { formatYuan } from "../src/validation.js";
import {
  dueProjects,
  dueReferrals,
  push,
  shortDate,
  UnitNames,
  type DueItem,
  type ProjectItem,
} from "./items.js";
import type { JobResult, JobRun } from "./job.js";

export const schedule = (config: Config) => config.schedules.weeklySummary;

export const GROUP_CODE = "mechanism";

/** Overdue cases listed one per line; beyond this, only counted. */
const MAX_LISTED = 20;

export const runKey = (r: JobRun) => isoWeek(r.today);

export function skip(r: JobRun): string | undefined {
  const weekday = r.bot.ctx.config.weeklySummaryWeekday;
  const day = sendDay(r.cal, r.today, weekday);
  // On its day, or on a later working day of the week if the process was
  // down then: the week's run lock and dedupe key keep it to one.
  if (day && r.today >= day && r.cal.isWorkday(r.today)) {
    return undefined;
  }
  if (day && r.today < day) {
    return `this week's summary goes out on ${day}`;
  }
  return day
    ? "not a working day"
    : "no working day left this week for the summary";
}

/**
 * The first working day of `date`'s ISO week on or after `weekday`
 * (1 = Monday); undefined when the rest of the week is off.
 */
export function sendDay(
  cal: Calendar,
  date: IsoDate,
  weekday: number,
): IsoDate | undefined {
  const monday = mondayOf(date);
  for (let i = weekday - 1; i < 7; i++) {
    const day = addDays(monday, i);
    if (cal.isWorkday(day)) {
      return day;
    }
  }
  return undefined;
}

/** "2026-W41": the ISO week a date falls in. */
export function isoWeek(date: IsoDate): string {
  const thursday = addDays(mondayOf(date), 3);
  const year = thursday.slice(0, 4);
  const ms = (day: IsoDate) => Date.parse(`${day}T00:00:00Z`);
  const dayOfYear = (ms(thursday) - ms(`${year}-01-01`)) / DAY_MS;
  const week = Math.floor(dayOfYear / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export async function run(r: JobRun): Promise<JobResult> {
  const { ctx } = r.bot;
  const { chatGroups } = ctx.store.t;
  const [group] = await ctx.store.db
    .select()
    .from(chatGroups)
    .where(eq(chatGroups.code, GROUP_CODE));
  if (!group) {
    r.log.warn({ code: GROUP_CODE }, "weekly-summary: no such group");
    return { summary: `no group "${GROUP_CODE}" to post to`, counts: {} };
  }

  const monday = mondayOf(r.today);
  const week = await lastWeek(r, addDays(monday, -7));
  const state = await currentState(r);
  const projects = await projectState(r, addDays(monday, -7));
  const text = await message(r, week, state, projects);
  const queued = await ctx.store.tx((q) =>
    ctx.outbox.enqueue(
      q,
      {
        dedupeKey: `weekly:${GROUP_CODE}:${monday}`,
        target: { type: "group", id: group.id },
        body: { type: "markdown", title: "联动机制周报", text },
        notBefore: ctx.outbox.officeTime(r.cal, r.now),
      },
      r.now,
    ),
  );

  const counts = {
    queued: queued ? 1 : 0,
    newReferrals: week.newReferrals,
    closed: week.closed,
    overdue: state.overdue.length,
  };
  return {
    summary: queued
      ? `summary for the week of ${week.from} queued to group ${GROUP_CODE}`
      : `summary for the week of ${week.from} was already queued`,
    counts,
  };
}

interface Week {
  from: IsoDate;
  to: IsoDate;
  newReferrals: number;
  signed: number;
  closed: number;
  recoveredWorkers: number;
  recoveredFen: number;
  /** Returns per unit that returned. */
  returns: { unitId: number; n: number }[];
}

/** Counts for the seven days from `from` (a Monday). */
async function lastWeek(r: JobRun, from: IsoDate): Promise<Week> {
  const { db, t } = r.bot.ctx.store;
  const to = addDays(from, 6);
  const start = startOfDate(from);
  const end = endOfDate(to);

  const { referralDate, closedAt } = t.referrals;
  const [created] = await db
    .select({ n: count() })
    .from(t.referrals)
    .where(and(gte(referralDate, from), lte(referralDate, to)));
  // Cases signed for, not signatures: a case passed down is signed twice.
  const [signed] = await db
    .select({ n: countDistinct(t.receipts.referralId) })
    .from(t.receipts)
    .where(and(gte(t.receipts.signedAt, start), lt(t.receipts.signedAt, end)));
  const [closed] = await db
    .select({ n: count() })
    .from(t.referrals)
    .where(and(gte(closedAt, start), lt(closedAt, end)));
  const [recovered] = await db
    .select({
      workers: sum(t.feedbacks.recoveredWorkers),
      fen: sum(t.feedbacks.recoveredFen),
    })
    .from(t.feedbacks)
    .where(
      and(
        eq(t.feedbacks.status, "accepted"),
        gte(t.feedbacks.reviewedAt, start),
        lt(t.feedbacks.reviewedAt, end),
      ),
    );
  const returns = await db
    .select({ unitId: t.referralReturns.unitId, n: count() })
    .from(t.referralReturns)
    .where(
      and(
        gte(t.referralReturns.returnedAt, start),
        lt(t.referralReturns.returnedAt, end),
      ),
    )
    .groupBy(t.referralReturns.unitId);

  return {
    from,
    to,
    newReferrals: Number(created.n),
    signed: Number(signed.n),
    closed: Number(closed.n),
    // SUM is NULL over no rows, and a decimal string on MySQL.
    recoveredWorkers: Number(recovered?.workers ?? 0),
    recoveredFen: Number(recovered?.fen ?? 0),
    returns: returns.map((x) => ({ unitId: x.unitId, n: Number(x.n) })),
  };
}

interface State {
  byStatus: Map<string, number>;
  overdue: DueItem[];
}

async function currentState(r: JobRun): Promise<State> {
  const { db, t } = r.bot.ctx.store;
  const rows = await db
    .select({ status: t.referrals.status, n: count() })
    .from(t.referrals)
    .groupBy(t.referrals.status);

  const overdue: DueItem[] = [];
  const horizon = endOfDate(r.cal.dueDateOverdueBy(r.today, 1));
  const pages = dueReferrals(r.bot.ctx, { horizon, batchSize: r.batchSize });
  for await (const page of pages) {
    overdue.push(...page);
  }
  return {
    byStatus: new Map(rows.map((x) => [x.status, Number(x.n)])),
    overdue,
  };
}

async function message(
  r: JobRun,
  week: Week,
  state: State,
  projects: Projects | undefined,
) {
  const names = new UnitNames(r.bot.ctx);
  const n = (status: string) => state.byStatus.get(status) ?? 0;
  const lines = [
    `**联动机制周报 · ${shortDate(week.from)}—${shortDate(week.to)}**`,
    `上周：新移送 ${week.newReferrals} 件，签收 ${week.signed} 件，` +
      `办结 ${week.closed} 件`,
    `上周追回工资：${week.recoveredWorkers} 人，` +
      `${formatYuan(week.recoveredFen)} 元`,
  ];
  if (week.returns.length > 0) {
    const parts = [];
    for (const x of week.returns) {
      parts.push(`${await names.short(x.unitId)} ${x.n} 件`);
    }
    lines.push(`上周退回：${parts.join("，")}`);
  }

  lines.push(
    `当前：待签收 ${n("pending_receipt")} 件，待反馈 ${n("in_progress")} 件，` +
      `待审核 ${n("feedback_submitted")} 件` +
      (n("returned") > 0 ? `，退回待改派 ${n("returned")} 件` : ""),
  );
  if (state.overdue.length === 0) {
    lines.push("逾期未反馈：无");
  } else {
    await overdueLines(r, names, state, lines);
  }
  if (projects) {
    await projectLines(r, names, projects, lines);
  }
  // The tables themselves hold names in full: never in the group, only
  // to whoever asks, from the page or by command.
  lines.push(
    `人社部门：[导出反馈表](${r.bot.ctx.links.exports()})，或向机器人发送“导出 反馈表 ${r.today.slice(0, 7)}”`,
  );
  return lines.join("\n");
}

async function overdueLines(
  r: JobRun,
  names: UnitNames,
  state: State,
  lines: string[],
): Promise<void> {
  const byUnit = new Map<number, DueItem[]>();
  for (const item of state.overdue) {
    push(byUnit, item.clock.unitId, item);
  }
  const perUnit = [];
  for (const [unitId, items] of byUnit) {
    perUnit.push(`${await names.short(unitId)} ${items.length} 件`);
  }
  lines.push(`逾期未反馈 ${state.overdue.length} 件：${perUnit.join("，")}`);
  for (const item of state.overdue.slice(0, MAX_LISTED)) {
    lines.push(`- ${await overdueLine(r, names, item)}`);
  }
  if (state.overdue.length > MAX_LISTED) {
    lines.push(`- 另有 ${state.overdue.length - MAX_LISTED} 件，详见系统`);
  }
}

/** "船山区住建局｜遂人社移〔2026〕1号 某某案（投诉人张*）｜已逾期 5 个工作日" */
async function overdueLine(r: JobRun, names: UnitNames, item: DueItem) {
  const { referral, clock } = item;
  const masked = maskName(referral.complainantName);
  // A case is sometimes named after its complainant.
  const caseName = referral.complainantName
    ? referral.caseName.replaceAll(referral.complainantName, masked)
    : referral.caseName;
  const days = r.cal.workdaysAfter(clock.dueDate, r.today);
  return (
    `${await names.short(clock.unitId)}｜${referral.number} ${caseName}` +
    `（投诉人${masked}）｜已逾期 ${days} 个工作日`
  );
}

interface Projects extends WeekFigures {
  /** Projects waiting for their site check, and how many are overdue. */
  toCheck: number;
  checksOverdue: number;
  correcting: number;
  correctionsOverdue: ProjectItem[];
  /** This year's omissions per unit. */
  yearOmissions: { unitName: string; omissions: number }[];
}

/**
 * Last week's reports, checks and confirmed omissions, and where checks
 * and corrections stand; undefined while no project or clue exists.
 */
async function projectState(
  r: JobRun,
  from: IsoDate,
): Promise<Projects | undefined> {
  const { ctx } = r.bot;
  if (!(await projectsInUse(ctx))) {
    return undefined;
  }
  const week = await weekFigures(ctx, from, addDays(from, 6));
  const byStatus = await statusCounts(ctx);

  const horizon = endOfDate(r.cal.dueDateOverdueBy(r.today, 1));
  let checksOverdue = 0;
  const correctionsOverdue: ProjectItem[] = [];
  const pages = dueProjects(ctx, { horizon, batchSize: r.batchSize });
  for await (const page of pages) {
    for (const item of page) {
      if (item.clock.rule === "project.check") {
        checksOverdue++;
      } else {
        correctionsOverdue.push(item);
      }
    }
  }
  const omissions = await omissionCounts(ctx, yearOf(r.today));
  return {
    ...week,
    toCheck: byStatus.get("reported") ?? 0,
    checksOverdue,
    correcting: byStatus.get("correcting") ?? 0,
    correctionsOverdue,
    yearOmissions: omissions.map((o) => ({
      unitName: o.unitName,
      omissions: o.omissions,
    })),
  };
}

async function projectLines(
  r: JobRun,
  names: UnitNames,
  x: Projects,
  lines: string[],
): Promise<void> {
  lines.push(
    `新开工项目：上周报送 ${x.reported} 个` +
      (x.reportedLate > 0 ? `（迟报 ${x.reportedLate} 个）` : "") +
      `，现场核查 ${x.checked} 个` +
      (x.withFindings > 0 ? `（发现问题 ${x.withFindings} 个）` : "") +
      `，确认漏报 ${x.omissions} 个`,
    `新开工项目当前：待现场核查 ${x.toCheck} 个` +
      (x.checksOverdue > 0 ? `（逾期 ${x.checksOverdue} 个）` : "") +
      `，待整改 ${x.correcting} 个` +
      (x.correctionsOverdue.length > 0
        ? `（逾期 ${x.correctionsOverdue.length} 个）`
        : ""),
  );
  for (const item of x.correctionsOverdue.slice(0, MAX_LISTED)) {
    const { project, clock } = item;
    const days = r.cal.workdaysAfter(clock.dueDate, r.today);
    lines.push(
      `- ${await names.short(project.unitId)}｜${project.name}` +
        `（项目负责人${maskName(project.manager)}，${maskPhone(project.phone)}）` +
        `｜整改已逾期 ${days} 个工作日`,
    );
  }
  if (x.correctionsOverdue.length > MAX_LISTED) {
    lines.push(
      `- 另有 ${x.correctionsOverdue.length - MAX_LISTED} 个，详见系统`,
    );
  }
  if (x.yearOmissions.length > 0) {
    const year = r.today.slice(0, 4);
    const parts = x.yearOmissions.map((o) => `${o.unitName} ${o.omissions} 个`);
    lines.push(`${year} 年累计漏报：${parts.join("，")}`);
  }
}
