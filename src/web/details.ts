/**
 * Everything the details page and GET /api/referrals/:id show about one
 * referral: the view, its whole history, and each deadline with how it was
 * counted. Loaded only after the caller may see the case.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { audit as appendAudit } from "../audit.js";
import { canDecide } from "../referrals/permissions.js";
import type { Bot } from "../boot.js";
import { explainClock } from "../clocks/engine.js";
import type { ReferralKind } from "../referrals/input.js";
import {
  assertCanView,
  deadlineLine,
  involvedUnitIds,
  loadView,
  type ReferralView,
} from "../referrals/view.js";
import type { Person } from "../units/directory.js";

export interface ClockDetails {
  rule: string;
  label: string;
  dueDate: string;
  open: boolean;
  /** "2026年11月20日前（剩余 12 个工作日）" */
  line: string;
  /** Day-by-day explanation, holidays and make-up days named. */
  explanation: string[];
}

export async function loadDetails(bot: Bot, person: Person, id: number) {
  const { store } = bot.ctx;
  const t = store.t;
  const view = await loadView(bot.ctx, store.db, id);
  assertCanView(person, view);
  // An administrator reading a case is logged unless they also act for a
  // unit the case involves (then it is their own work).
  const ownWork =
    involvedUnitIds(view).includes(person.unit.id) && canDecide(person);
  if (person.roles.has("admin") && !ownWork) {
    // Spec section 5: an administrator's read of personal data is logged,
    // in the trail an accountability review reads.
    await store.tx((q) =>
      appendAudit(store, q, {
        actor: { personId: person.id, name: person.name, channel: "web" },
        at: bot.ctx.clock.now(),
        subjectType: "referral",
        subjectId: id,
        action: "referral.admin_read",
      }),
    );
  }

  const [returns, passDowns, extensions, feedbacks, audit] = await Promise.all([
    store.db.select().from(t.referralReturns)
      .where(eq(t.referralReturns.referralId, id))
      .orderBy(asc(t.referralReturns.id)),
    store.db.select().from(t.passDowns)
      .where(eq(t.passDowns.referralId, id))
      .orderBy(asc(t.passDowns.id)),
    store.db.select().from(t.extensionRequests)
      .where(eq(t.extensionRequests.referralId, id))
      .orderBy(asc(t.extensionRequests.id)),
    store.db.select().from(t.feedbacks)
      .where(eq(t.feedbacks.referralId, id))
      .orderBy(asc(t.feedbacks.id)),
    store.db.select().from(t.auditLog)
      .where(and(
        eq(t.auditLog.subjectType, "referral"),
        eq(t.auditLog.subjectId, id),
      ))
      .orderBy(asc(t.auditLog.id)),
  ]);

  const unitIds = [
    ...returns.flatMap((x) => [x.unitId, x.redirectedTo ?? x.unitId]),
    ...passDowns.flatMap((x) => [x.fromUnitId, x.toUnitId]),
    ...extensions.map((x) => x.unitId),
    ...feedbacks.map((x) => x.unitId),
    ...view.receipts.map((x) => x.unitId),
  ];
  const personIds = [
    ...returns.flatMap((x) => [x.returnedBy, x.resolvedBy]),
    ...passDowns.map((x) => x.by),
    ...extensions.flatMap((x) => [x.requestedBy, x.decidedBy]),
    ...feedbacks.flatMap((x) => [x.submittedBy, x.reviewedBy]),
  ].filter((x): x is number => x !== null);
  const names = await namesOf(bot, unitIds, personIds);

  return {
    view,
    kind: view.referral.kind as ReferralKind,
    returns,
    passDowns,
    extensions,
    feedbacks,
    audit,
    unitName: (unitId: number) => names.units.get(unitId) ?? `单位${unitId}`,
    personName: (personId: number | null) =>
      personId === null ? "" : names.people.get(personId) ?? `人员${personId}`,
    clocks: await clockDetails(bot, view),
  };
}

export type Details = Awaited<ReturnType<typeof loadDetails>>;

/** Names of units and people, inactive ones included: history keeps them. */
async function namesOf(bot: Bot, unitIds: number[], personIds: number[]) {
  const { store } = bot.ctx;
  const { units, people } = store.t;
  const [unitRows, personRows] = await Promise.all([
    unitIds.length
      ? store.db.select({ id: units.id, name: units.shortName }).from(units)
        .where(inArray(units.id, [...new Set(unitIds)]))
      : [],
    personIds.length
      ? store.db.select({ id: people.id, name: people.name }).from(people)
        .where(inArray(people.id, [...new Set(personIds)]))
      : [],
  ]);
  return {
    units: new Map(unitRows.map((u) => [u.id, u.name])),
    people: new Map(personRows.map((p) => [p.id, p.name])),
  };
}

async function clockDetails(
  bot: Bot,
  view: ReferralView,
): Promise<ClockDetails[]> {
  const cal = await bot.ctx.calendars.get();
  const now = bot.ctx.clock.now();
  const clocks = [view.referClock, view.feedbackClock].filter(
    (c) => c !== undefined,
  );
  return clocks.map((clock) => {
    const explanation = explainClock(cal, clock);
    return {
      rule: clock.rule,
      label: explanation.rule,
      dueDate: clock.dueDate,
      open: clock.status === "open",
      line: deadlineLine(cal, clock, now),
      explanation: explanation.lines,
    };
  });
}

/** The JSON the API gives: plain data, no functions, names resolved. */
export function detailsJson(details: Details) {
  const { view } = details;
  const name = details.unitName;
  return {
    referral: view.referral,
    referringUnit: view.referringUnit.shortName,
    handlingUnit: view.handlingUnit.shortName,
    supervisingUnit: view.supervisingUnit?.shortName ?? null,
    clocks: details.clocks,
    receipts: view.receipts.map((x) => ({ ...x, unit: name(x.unitId) })),
    returns: details.returns.map((x) => ({
      ...x,
      unit: name(x.unitId),
      returnedByName: details.personName(x.returnedBy),
    })),
    passDowns: details.passDowns.map((x) => ({
      ...x,
      from: name(x.fromUnitId),
      to: name(x.toUnitId),
    })),
    extensions: details.extensions,
    feedbacks: details.feedbacks.map((x) => ({
      ...x,
      data: JSON.parse(x.data) as Record<string, unknown>,
    })),
    audit: details.audit.map((x) => ({
      ...x,
      detail: JSON.parse(x.detail) as Record<string, unknown>,
    })),
  };
}
