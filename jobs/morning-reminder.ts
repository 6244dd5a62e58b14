/**
 * The morning reminder, on working days: one message to each liaison whose
 * unit has something to do. It lists the referrals waiting for the unit's
 * receipt, the unit's feedback due within REMIND_WITHIN_WORKDAYS working
 * days, due today or overdue, and the cases the unit passed down and
 * supervises (督办) that are due soon or overdue; for new projects, the
 * site checks its HRSS must make and the corrections its projects owe,
 * on the same horizon. A liaison whose unit has nothing to do gets
 * nothing.
 */
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { ClockRow } from "../src/clocks/engine.js";
import { REMIND_WITHIN_WORKDAYS } from "../src/clocks/rules.js";
import type { Config } from "../src/config.js";
import { findingsOf } from "../src/projects/view.js";
import type { ReferralRow } from "../src/referrals/view.js";
import { endOfDate, type IsoDate } from "../src/time.js";
import { findingsText } from "../src/projects/forms.js";
import {
  DEFAULT_BATCH,
  deadlineText,
  dueProjects,
  dueReferrals,
  projectTitle,
  referralTitle,
  shortDate,
  UnitNames,
  type ProjectItem,
} from "./items.js";
import type { JobResult, JobRun } from "./job.js";

export const schedule = (config: Config) => config.schedules.morningReminder;

export const runKey = (r: JobRun) => r.today;

export function skip(r: JobRun): string | undefined {
  return r.cal.isWorkday(r.today) ? undefined : "not a working day";
}

interface Line {
  referral: ReferralRow;
  pendingReceipt: boolean;
  /** The feedback deadline, when the referral has its clock. */
  dueDate?: IsoDate;
}

/**
 * One unit's items: its own referrals, those it supervises, the projects
 * it must check on site (an HRSS) and those it must see corrected.
 */
interface Agenda {
  own: Map<number, Line>;
  supervised: Map<number, Line>;
  checks: ProjectItem[];
  corrections: ProjectItem[];
}

export async function run(r: JobRun): Promise<JobResult> {
  const agendas = new Map<number, Agenda>();
  await collectReceipts(r, agendas);
  await collectDeadlines(r, agendas);
  await collectProjects(r, agendas);

  const { ctx } = r.bot;
  const names = new UnitNames(ctx);
  const notBefore = ctx.outbox.officeTime(r.cal, r.now);
  const counts = { units: 0, items: 0, queued: 0, already: 0, noLiaison: 0 };
  for (const [unitId, agenda] of agendas) {
    const liaisons = await ctx.directory.peopleWithRole(unitId, ["liaison"]);
    counts.units++;
    counts.items +=
      agenda.own.size +
      agenda.supervised.size +
      agenda.checks.length +
      agenda.corrections.length;
    if (liaisons.length === 0) {
      counts.noLiaison++;
      r.log.warn({ unitId }, "morning-reminder: unit has no liaison to remind");
      continue;
    }

    const text = await message(r, names, unitId, agenda);
    await ctx.store.tx(async (q) => {
      for (const person of liaisons) {
        const queued = await ctx.outbox.enqueue(
          q,
          {
            dedupeKey: `remind:${person.id}:${r.today}`,
            target: { type: "person", id: person.id },
            body: { type: "markdown", title: "待办提醒", text },
            notBefore,
          },
          r.now,
        );
        queued ? counts.queued++ : counts.already++;
      }
    });
  }

  return {
    summary:
      `${counts.queued} reminders queued for the liaisons of ` +
      `${counts.units} units (${counts.items} items), ` +
      `${counts.already} already queued today`,
    counts,
  };
}

function agendaOf(agendas: Map<number, Agenda>, unitId: number): Agenda {
  let agenda = agendas.get(unitId);
  if (!agenda) {
    agenda = {
      own: new Map(),
      supervised: new Map(),
      checks: [],
      corrections: [],
    };
    agendas.set(unitId, agenda);
  }
  return agenda;
}

/** Referrals waiting for a receipt, whatever their deadline. */
async function collectReceipts(r: JobRun, agendas: Map<number, Agenda>) {
  const { store } = r.bot.ctx;
  const { referrals, clocks } = store.t;
  const limit = r.batchSize ?? DEFAULT_BATCH;
  let afterId = 0;
  for (;;) {
    const page = await store.db
      .select()
      .from(referrals)
      .where(
        and(eq(referrals.status, "pending_receipt"), gt(referrals.id, afterId)),
      )
      .orderBy(asc(referrals.id))
      .limit(limit);
    if (page.length === 0) {
      return;
    }

    const ids = page.map((x) => x.id);
    const feedbackClocks: ClockRow[] = await store.db
      .select()
      .from(clocks)
      .where(
        and(
          eq(clocks.subjectType, "referral"),
          inArray(clocks.subjectId, ids),
          eq(clocks.rule, "referral.feedback"),
        ),
      );
    for (const referral of page) {
      const clock = feedbackClocks.find((c) => c.subjectId === referral.id);
      agendaOf(agendas, referral.handlingUnitId).own.set(referral.id, {
        referral,
        pendingReceipt: true,
        dueDate: clock?.dueDate,
      });
    }
    afterId = page[page.length - 1].id;
  }
}

/**
 * Feedback due by the end of the REMIND_WITHIN_WORKDAYS-th working day
 * after today (or earlier, overdue), from the clock engine's due index.
 */
async function collectDeadlines(r: JobRun, agendas: Map<number, Agenda>) {
  const last = r.cal.addWorkdays(r.today, REMIND_WITHIN_WORKDAYS).due;
  const pages = dueReferrals(r.bot.ctx, {
    horizon: endOfDate(last),
    batchSize: r.batchSize,
  });
  for await (const page of pages) {
    for (const { clock, referral } of page) {
      // A returned case waits for the referring unit, not for this one.
      if (referral.status === "returned") {
        continue;
      }
      const line = {
        referral,
        pendingReceipt: referral.status === "pending_receipt",
        dueDate: clock.dueDate,
      };
      agendaOf(agendas, clock.unitId).own.set(referral.id, line);
      if (referral.supervisingUnitId) {
        agendaOf(agendas, referral.supervisingUnitId).supervised.set(
          referral.id,
          line,
        );
      }
    }
  }
}

/** Site checks and corrections due on the same horizon as feedback. */
async function collectProjects(r: JobRun, agendas: Map<number, Agenda>) {
  const last = r.cal.addWorkdays(r.today, REMIND_WITHIN_WORKDAYS).due;
  const pages = dueProjects(r.bot.ctx, {
    horizon: endOfDate(last),
    batchSize: r.batchSize,
  });
  for await (const page of pages) {
    for (const item of page) {
      const agenda = agendaOf(agendas, item.clock.unitId);
      if (item.clock.rule === "project.check") {
        agenda.checks.push(item);
      } else {
        agenda.corrections.push(item);
      }
    }
  }
}

async function message(
  r: JobRun,
  names: UnitNames,
  unitId: number,
  agenda: Agenda,
): Promise<string> {
  const own = sorted(agenda.own);
  const supervised = sorted(agenda.supervised);
  const lines = [`**待办提醒 · ${shortDate(r.today)}**`];

  if (own.length > 0) {
    lines.push(`${await names.short(unitId)}有 ${own.length} 件待办：`);
    for (const line of own) {
      const parts = [referralTitle(r.bot.ctx, line.referral)];
      if (line.pendingReceipt) {
        parts.push("待签收");
      }
      if (line.dueDate) {
        parts.push(deadlineText(r.cal, line.dueDate, r.now));
      }
      lines.push(`- ${parts.join("｜")}`);
    }
  }

  if (supervised.length > 0) {
    lines.push(`督办 ${supervised.length} 件：`);
    for (const line of supervised) {
      const handler = await names.short(line.referral.handlingUnitId);
      lines.push(
        `- ${referralTitle(r.bot.ctx, line.referral)}｜${handler}办理｜` +
          deadlineText(r.cal, line.dueDate!, r.now),
      );
    }
  }

  const unit = await names.short(unitId);
  if (agenda.checks.length > 0) {
    lines.push(`${unit}待现场核查的新开工项目 ${agenda.checks.length} 个：`);
    for (const { clock, project } of agenda.checks) {
      lines.push(
        `- ${projectTitle(r.bot.ctx, project)}｜` +
          `${await names.short(project.unitId)}报送｜` +
          deadlineText(r.cal, clock.dueDate, r.now, "核查期限"),
      );
    }
  }
  if (agenda.corrections.length > 0) {
    lines.push(`${unit}待整改的项目 ${agenda.corrections.length} 个：`);
    for (const { clock, project, check } of agenda.corrections) {
      lines.push(
        `- ${projectTitle(r.bot.ctx, project)}｜` +
          `问题：${findingsText(findingsOf(check))}｜` +
          deadlineText(r.cal, clock.dueDate, r.now, "整改期限"),
      );
    }
  }
  return lines.join("\n");
}

/** Most urgent first: by deadline, then by number. */
function sorted(lines: Map<number, Line>): Line[] {
  return [...lines.values()].sort(
    (a, b) =>
      (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999") ||
      a.referral.id - b.referral.id,
  );
}
