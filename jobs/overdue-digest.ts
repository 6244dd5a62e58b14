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
 * A clock's level rises in the same transaction as the message about it.
 */
import { inArray } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { audit, systemActor } from "../src/audit.js";
import { ESCALATION_WORKDAYS } from "../src/clocks/rules.js";
import type { Config } from "../src/config.js";
import type { Person } from "../src/units/directory.js";
import type { Role } from "../src/units/kinds.js";
import { endOfDate } from "../src/time.js";
import {
  deadlineText,
  dueReferrals,
  push,
  referralTitle,
  shortDate,
  UnitNames,
  type DueItem,
} from "./items.js";
import type { JobResult, JobRun } from "./job.js";

export const schedule = (config: Config) => config.schedules.overdueDigest;

export const runKey = (r: JobRun) => r.today;

export function skip(r: JobRun): string | undefined {
  return r.cal.isWorkday(r.today) ? undefined : "not a working day";
}

/** Escalation levels of a clock (see the clocks table). */
const LEADERS_TOLD = 1;
const REPORTED = 2;

export async function run(r: JobRun): Promise<JobResult> {
  const names = new UnitNames(r.bot.ctx);
  const told = await runStep(r, leaderDigest(r, names));
  const reported = await runStep(r, governmentOfficeList(r, names));
  return {
    summary:
      `${told.raised} newly overdue told to ${told.queued} unit leaders, ` +
      `${reported.raised} overdue by ${ESCALATION_WORKDAYS}+ working days ` +
      `escalated and listed to ${reported.queued} leaders of referring units` +
      (told.deferred + reported.deferred > 0
        ? `, ${told.deferred + reported.deferred} deferred to the next run`
        : ""),
    counts: {
      overdue: told.raised,
      digests: told.queued,
      escalated: reported.raised,
      escalationLists: reported.queued,
      deferred: told.deferred + reported.deferred,
      unaddressed: told.unaddressed + reported.unaddressed,
    },
  };
}

/** Who hears about an item, and in which section of their message. */
interface Addressee {
  person: Person;
  section: "own" | "supervised";
}

interface Step {
  /** The escalation level the step raises a clock to. */
  level: number;
  /** Working days overdue from which the step applies. */
  overdueBy: number;
  /** Dedupe key prefix: one message per person per day and step. */
  key: string;
  addressees(item: DueItem): Promise<Addressee[]>;
  /** Writes what the step records beside the level, in its transaction. */
  record?(q: Db, item: DueItem): Promise<void>;
  message(entries: Entry[]): Promise<{ title: string; text: string }>;
}

interface Entry {
  item: DueItem;
  section: Addressee["section"];
}

interface StepCounts {
  raised: number;
  queued: number;
  deferred: number;
  unaddressed: number;
}

/** Signals a digest key taken by a concurrent run: roll back, try later. */
class KeyTaken extends Error {}

interface Plan {
  item: DueItem;
  to: Addressee[];
}

async function runStep(r: JobRun, step: Step): Promise<StepCounts> {
  const plans = await planStep(r, step);
  if (plans.length === 0) {
    return { raised: 0, queued: 0, deferred: 0, unaddressed: 0 };
  }
  try {
    return await r.bot.ctx.store.tx((q) => applyStep(r, step, q, plans));
  } catch (error) {
    if (!(error instanceof KeyTaken)) {
      throw error;
    }
    r.log.warn(
      { key: error.message },
      "overdue-digest: a concurrent run sent today's message; deferred",
    );
    return { raised: 0, queued: 0, deferred: plans.length, unaddressed: 0 };
  }
}

/** The clocks the step applies to, each with who hears about it. */
async function planStep(r: JobRun, step: Step): Promise<Plan[]> {
  const horizon = endOfDate(r.cal.dueDateOverdueBy(r.today, step.overdueBy));
  const pages = dueReferrals(r.bot.ctx, {
    horizon,
    belowLevel: step.level,
    batchSize: r.batchSize,
  });
  const plans: Plan[] = [];
  for await (const page of pages) {
    for (const item of page) {
      plans.push({ item, to: await step.addressees(item) });
    }
  }
  return plans;
}

/** Raises the clocks and queues the messages, in one transaction. */
async function applyStep(
  r: JobRun,
  step: Step,
  q: Db,
  plans: Plan[],
): Promise<StepCounts> {
  const { ctx } = r.bot;
  const counts = { raised: 0, queued: 0, deferred: 0, unaddressed: 0 };
  const keyOf = (personId: number) => `${step.key}:${personId}:${r.today}`;
  const everyone = plans.flatMap((p) => p.to.map((a) => a.person.id));
  const used = await usedKeys(r, q, everyone.map(keyOf));
  const inboxes = new Map<number, Entry[]>();

  for (const { item, to } of plans) {
    // Whoever already had today's message would never hear of this one:
    // leave it for the next working day's message.
    const open = to.filter((a) => !used.has(keyOf(a.person.id)));
    if (to.length > 0 && open.length === 0) {
      counts.deferred++;
      continue;
    }
    if (!(await ctx.clocks.escalate(q, item.clock.id, step.level))) {
      continue; // another run raised it first
    }
    counts.raised++;
    await recordEscalation(r, q, item, step.level);
    await step.record?.(q, item);
    if (to.length === 0) {
      counts.unaddressed++;
      r.log.warn(
        { referralId: item.referral.id, escalationLevel: step.level },
        "overdue-digest: nobody to tell; add leaders to the unit",
      );
    }
    for (const a of open) {
      push(inboxes, a.person.id, { item, section: a.section });
    }
  }

  const notBefore = ctx.outbox.officeTime(r.cal, r.now);
  for (const [personId, entries] of inboxes) {
    const queued = await ctx.outbox.enqueue(
      q,
      {
        dedupeKey: keyOf(personId),
        target: { type: "person", id: personId },
        body: { type: "markdown", ...(await step.message(entries)) },
        notBefore,
      },
      r.now,
    );
    if (!queued) {
      throw new KeyTaken(keyOf(personId));
    }
    counts.queued++;
  }
  return counts;
}

async function usedKeys(r: JobRun, q: Db, keys: string[]) {
  if (keys.length === 0) {
    return new Set<string>();
  }
  const { outbox } = r.bot.ctx.store.t;
  const rows = await q
    .select({ key: outbox.dedupeKey })
    .from(outbox)
    .where(inArray(outbox.dedupeKey, [...new Set(keys)]));
  return new Set(rows.map((x) => x.key));
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

/** People of a unit with a role, looked up once per run. */
function peopleOf(r: JobRun, role: Role) {
  const cache = new Map<number, Promise<Person[]>>();
  return (unitId: number) => {
    if (!cache.has(unitId)) {
      cache.set(unitId, r.bot.ctx.directory.peopleWithRole(unitId, [role]));
    }
    return cache.get(unitId)!;
  };
}

/** Step 1: the leaders of the handling and the supervising unit. */
function leaderDigest(r: JobRun, names: UnitNames): Step {
  const leaders = peopleOf(r, "leader");
  return {
    level: LEADERS_TOLD,
    overdueBy: 1,
    key: "digest",
    async addressees({ clock, referral }) {
      const own = (await leaders(clock.unitId)).map((person) => ({
        person,
        section: "own" as const,
      }));
      const supervisor = referral.supervisingUnitId;
      const supervising = supervisor
        ? (await leaders(supervisor)).map((person) => ({
            person,
            section: "supervised" as const,
          }))
        : [];
      return [...own, ...supervising];
    },
    async message(entries) {
      const own = entries.filter((e) => e.section === "own");
      const supervised = entries.filter((e) => e.section === "supervised");
      const lines = [`**逾期未反馈 · ${shortDate(r.today)}**`];
      if (own.length > 0) {
        lines.push(
          `本单位 ${own.length} 件移送案件已超过反馈期限，请督促办理：`,
        );
        for (const { item } of own) {
          const title = referralTitle(r.bot.ctx, item.referral);
          lines.push(`- ${title}｜${due(r, item)}`);
        }
      }
      if (supervised.length > 0) {
        lines.push(`本单位督办的 ${supervised.length} 件已超过反馈期限：`);
        for (const { item } of supervised) {
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
function governmentOfficeList(r: JobRun, names: UnitNames): Step {
  const leaders = peopleOf(r, "leader");
  return {
    level: REPORTED,
    overdueBy: ESCALATION_WORKDAYS,
    key: "escalate",
    async addressees({ referral }) {
      const people = await leaders(referral.referringUnitId);
      return people.map((person) => ({ person, section: "own" as const }));
    },
    async record(q, { clock }) {
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
