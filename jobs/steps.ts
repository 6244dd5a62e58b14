/**
 * How the overdue digest takes a step: it finds the items the step
 * applies to today, claims each once (a clock's escalation level rises,
 * or a register row is written), records it, and sends each person one
 * message a day listing their items. Claims, records and messages share
 * one transaction, so a level never rises without its message.
 */
import { inArray } from "drizzle-orm";
import type { Db } from "../db/index.js";
import type { Person } from "../src/units/directory.js";
import type { Role } from "../src/units/kinds.js";
import { push } from "./items.js";
import type { JobRun } from "./job.js";

/** Escalation levels of a clock (see the clocks table). */
export const LEADERS_TOLD = 1;
export const REPORTED = 2;

/** Who hears about an item, and in which section of their message. */
export interface Addressee {
  person: Person;
  section: string;
}

export interface Entry<T> {
  item: T;
  section: string;
}

export interface Step<T> {
  /** Dedupe key prefix: one message per person per day and step. */
  key: string;
  /** The items the step applies to today, a page at a time. */
  items(): AsyncGenerator<T[]>;
  /** Takes the item for this step; false when another run got there first. */
  claim(q: Db, item: T): Promise<boolean>;
  /** Writes what the step records beside the claim, in its transaction. */
  record(q: Db, item: T): Promise<void>;
  addressees(item: T): Promise<Addressee[]>;
  message(entries: Entry<T>[]): Promise<{ title: string; text: string }>;
  /** Names the item in a log line. */
  describe(item: T): Record<string, unknown>;
}

export interface StepCounts {
  raised: number;
  queued: number;
  deferred: number;
  unaddressed: number;
}

/** Signals a digest key taken by a concurrent run: roll back, try later. */
class KeyTaken extends Error {}

interface Plan<T> {
  item: T;
  to: Addressee[];
}

export async function runStep<T>(r: JobRun, step: Step<T>) {
  const plans: Plan<T>[] = [];
  for await (const page of step.items()) {
    for (const item of page) {
      plans.push({ item, to: await step.addressees(item) });
    }
  }
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

/** Claims the items and queues the messages, in one transaction. */
async function applyStep<T>(
  r: JobRun,
  step: Step<T>,
  q: Db,
  plans: Plan<T>[],
): Promise<StepCounts> {
  const { ctx } = r.bot;
  const counts = { raised: 0, queued: 0, deferred: 0, unaddressed: 0 };
  const keyOf = (personId: number) => `${step.key}:${personId}:${r.today}`;
  const everyone = plans.flatMap((p) => p.to.map((a) => a.person.id));
  const used = await usedKeys(r, q, everyone.map(keyOf));
  const inboxes = new Map<number, Entry<T>[]>();

  for (const { item, to } of plans) {
    // Whoever already had today's message would never hear of this one:
    // leave it for the next working day's message.
    const open = to.filter((a) => !used.has(keyOf(a.person.id)));
    if (to.length > 0 && open.length === 0) {
      counts.deferred++;
      continue;
    }
    if (!(await step.claim(q, item))) {
      continue; // another run claimed it first
    }
    counts.raised++;
    await step.record(q, item);
    if (to.length === 0) {
      counts.unaddressed++;
      r.log.warn(
        step.describe(item),
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

/** People of a unit with a role, looked up once per run. */
export function peopleOf(r: JobRun, role: Role) {
  const cache = new Map<number, Promise<Person[]>>();
  return (unitId: number) => {
    if (!cache.has(unitId)) {
      cache.set(unitId, r.bot.ctx.directory.peopleWithRole(unitId, [role]));
    }
    return cache.get(unitId)!;
  };
}

/** Addressees of several units, each person once, in one section. */
export async function addressed(
  units: (number | undefined)[],
  people: (unitId: number) => Promise<Person[]>,
  section: string,
): Promise<Addressee[]> {
  const seen = new Set<number>();
  const out: Addressee[] = [];
  for (const unitId of new Set(units)) {
    if (unitId === undefined) {
      continue;
    }
    for (const person of await people(unitId)) {
      if (!seen.has(person.id)) {
        seen.add(person.id);
        out.push({ person, section });
      }
    }
  }
  return out;
}

/** The entries of one section. */
export function section<T>(entries: Entry<T>[], name: string): T[] {
  return entries.filter((e) => e.section === name).map((e) => e.item);
}
