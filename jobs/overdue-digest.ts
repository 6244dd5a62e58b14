/**
 * The overdue digest, on working days, in two steps that each fire once
 * per referral:
 * 1. feedback overdue by a working day or more: the handling unit's
 *    leaders (and the leaders of the unit supervising it) get one digest
 *    each, listing what fell overdue since the last digest;
 * 2. feedback overdue by ESCALATION_WORKDAYS or more: the case enters the
 *    register of reports to the city government office (escalations), and
 *    the leaders of the referring unit (HRSS or the petitions bureau) get
 *    the list, marked for that report.
 * New projects take the same two steps in messages of their own
 * (jobs/project-steps.ts): overdue site checks and corrections and late
 * reports to the leaders concerned; reports late by ESCALATION_WORKDAYS
 * or more and units with OMISSIONS_TO_ESCALATE omissions in a year to the
 * labour bureau's leaders, for the government office.
 * A clock's level rises in the same transaction as the message about it.
 */
import type { Db } from "../db/index.js";
import { audit, systemActor } from "../src/audit.js";
import { ESCALATION_WORKDAYS } from "../src/clocks/rules.js";
import type { Config } from "../src/config.js";
import { endOfDate } from "../src/time.js";
import {
  deadlineText,
  dueReferrals,
  referralTitle,
  shortDate,
  UnitNames,
  type DueItem,
} from "./items.js";
import type { JobResult, JobRun } from "./job.js";
import { projectDigest, projectOfficeList } from "./project-steps.js";
import {
  addressed,
  LEADERS_TOLD,
  peopleOf,
  REPORTED,
  runStep,
  section,
  type Step,
  type StepCounts,
} from "./steps.js";

export const schedule = (config: Config) => config.schedules.overdueDigest;

export const runKey = (r: JobRun) => r.today;

export function skip(r: JobRun): string | undefined {
  return r.cal.isWorkday(r.today) ? undefined : "not a working day";
}

export async function run(r: JobRun): Promise<JobResult> {
  const names = new UnitNames(r.bot.ctx);
  const told = await runStep(r, leaderDigest(r, names));
  const reported = await runStep(r, governmentOfficeList(r, names));
  const projectsTold = await runStep(r, projectDigest(r, names));
  const projectsListed = await runStep(r, projectOfficeList(r, names));
  const all = [told, reported, projectsTold, projectsListed];
  const total = (key: keyof StepCounts) =>
    all.reduce((n, counts) => n + counts[key], 0);
  return {
    summary:
      `${told.raised} newly overdue told to ${told.queued} unit leaders, ` +
      `${reported.raised} overdue by ${ESCALATION_WORKDAYS}+ working days ` +
      `escalated and listed to ${reported.queued} leaders of referring units; ` +
      `projects: ${projectsTold.raised} overdue or late told to ` +
      `${projectsTold.queued} leaders, ${projectsListed.raised} listed ` +
      `for the office to ${projectsListed.queued} HRSS leaders` +
      (total("deferred") > 0
        ? `, ${total("deferred")} deferred to the next run`
        : ""),
    counts: {
      overdue: told.raised,
      digests: told.queued,
      escalated: reported.raised,
      escalationLists: reported.queued,
      projectsOverdue: projectsTold.raised,
      projectDigests: projectsTold.queued,
      projectsEscalated: projectsListed.raised,
      projectLists: projectsListed.queued,
      deferred: total("deferred"),
      unaddressed: total("unaddressed"),
    },
  };
}

/**
 * Feedback clocks overdue by `overdueBy` working days or more and still
 * below `level`, claimed by raising them to it.
 */
function referralStep(
  r: JobRun,
  level: number,
  overdueBy: number,
): Pick<Step<DueItem>, "items" | "claim" | "describe"> {
  return {
    items() {
      const lastDue = r.cal.dueDateOverdueBy(r.today, overdueBy);
      return dueReferrals(r.bot.ctx, {
        horizon: endOfDate(lastDue),
        belowLevel: level,
        batchSize: r.batchSize,
      });
    },
    claim: (q, item) => r.bot.ctx.clocks.escalate(q, item.clock.id, level),
    describe: (item) => ({
      referralId: item.referral.id,
      escalationLevel: level,
    }),
  };
}

/** The audit trail shows when a case was escalated, and how far. */
async function recordEscalation(
  r: JobRun,
  q: Db,
  item: DueItem,
  level: number,
) {
  await audit(r.bot.ctx.store, q, {
    actor: systemActor("job"),
    at: r.now,
    subjectType: "referral",
    subjectId: item.referral.id,
    action: level === REPORTED ? "referral.escalate" : "referral.overdue_told",
    detail: {
      clockId: item.clock.id,
      level,
      overdueDays: r.cal.workdaysAfter(item.clock.dueDate, r.today),
    },
  });
}

/** Step 1: the leaders of the handling and the supervising unit. */
function leaderDigest(r: JobRun, names: UnitNames): Step<DueItem> {
  const leaders = peopleOf(r, "leader");
  return {
    ...referralStep(r, LEADERS_TOLD, 1),
    key: "digest",
    record: (q, item) => recordEscalation(r, q, item, LEADERS_TOLD),
    async addressees({ clock, referral }) {
      return [
        ...(await addressed([clock.unitId], leaders, "own")),
        ...(await addressed(
          [referral.supervisingUnitId ?? undefined],
          leaders,
          "supervised",
        )),
      ];
    },
    async message(entries) {
      const own = section(entries, "own");
      const supervised = section(entries, "supervised");
      const lines = [`**逾期未反馈 · ${shortDate(r.today)}**`];
      if (own.length > 0) {
        lines.push(
          `本单位 ${own.length} 件移送案件已超过反馈期限，请督促办理：`,
        );
        for (const item of own) {
          const title = referralTitle(r.bot.ctx, item.referral);
          lines.push(`- ${title}｜${due(r, item)}`);
        }
      }
      if (supervised.length > 0) {
        lines.push(`本单位督办的 ${supervised.length} 件已超过反馈期限：`);
        for (const item of supervised) {
          const handler = await names.short(item.clock.unitId);
          lines.push(
            `- ${referralTitle(r.bot.ctx, item.referral)}｜${handler}办理｜` +
              due(r, item),
          );
        }
      }
      return { title: "逾期未反馈", text: lines.join("\n") };
    },
  };
}

/** Step 2: the referring unit's leaders, for the government office. */
function governmentOfficeList(r: JobRun, names: UnitNames): Step<DueItem> {
  const leaders = peopleOf(r, "leader");
  return {
    ...referralStep(r, REPORTED, ESCALATION_WORKDAYS),
    key: "escalate",
    addressees: ({ referral }) =>
      addressed([referral.referringUnitId], leaders, "own"),
    async record(q, item) {
      await recordEscalation(r, q, item, REPORTED);
      const { clock } = item;
      await r.bot.ctx.store.insertIfAbsent(q, r.bot.ctx.store.t.escalations, {
        clockId: clock.id,
        unitId: clock.unitId,
        subjectType: clock.subjectType,
        subjectId: clock.subjectId,
        overdueDays: r.cal.workdaysAfter(clock.dueDate, r.today),
        escalatedOn: r.today,
      });
    },
    async message(entries) {
      const lines = [
        `**拟报市政府办公室 · ${shortDate(r.today)}**`,
        `以下 ${entries.length} 件移送案件逾期反馈 ${ESCALATION_WORKDAYS} 个工作日以上，` +
          "按联动机制应报市政府办公室：",
      ];
      for (const { item } of entries) {
        const handler = await names.short(item.clock.unitId);
        lines.push(
          `- ${referralTitle(r.bot.ctx, item.referral)}｜${handler}｜` +
            due(r, item),
        );
      }
      lines.push("以上案件已记入报送登记。");
      return { title: "拟报市政府办公室", text: lines.join("\n") };
    },
  };
}

function due(r: JobRun, { clock }: DueItem): string {
  return deadlineText(r.cal, clock.dueDate, r.now);
}
