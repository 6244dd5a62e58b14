/**
 * Who may export which referrals. HRSS (the city's lead unit, or an
 * administrator) sees every unit's; a unit that takes part in referrals
 * sees those it sent, handles or supervises; nobody else gets a file.
 * Exports carry personal data in full, so this is checked before anything
 * is read.
 */
import type { Actor } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppError, forbidden } from "../errors.js";
import type { Acting } from "../referrals/commands.js";
import { assertCanView, type ReferralView } from "../referrals/view.js";
import type { Person, Unit } from "../units/directory.js";
import {
  CRIME_CASE_KINDS,
  REFERRER_KINDS,
  SOURCE_CASE_KINDS,
} from "../units/kinds.js";

/**
 * A person acting through a channel, or the system itself (an
 * administrator's command line), which sees everything.
 */
export type Requester = Acting | Actor;

/** Kinds of unit that send or take referrals. */
const PARTICIPANT_KINDS = new Set([
  ...REFERRER_KINDS,
  ...SOURCE_CASE_KINDS,
  ...CRIME_CASE_KINDS,
]);

export function personOf(who: Requester): Person | undefined {
  if ("person" in who) {
    return who.person;
  }
  if (who.personId !== null) {
    throw new Error("a person exports as Acting, not as an Actor");
  }
  return undefined;
}

export function actorOf(who: Requester): Actor {
  return "person" in who
    ? { personId: who.person.id, name: who.person.name, channel: who.channel }
    : who;
}

/** The city's lead unit, or an administrator. */
export function isHrss(person: Person): boolean {
  return (
    person.roles.has("admin") ||
    (person.unit.kind === "hrss" && person.unit.level === "city")
  );
}

/**
 * The unit whose referrals `who` may export, given the unit asked for:
 * undefined means every unit's. Refuses in Chinese otherwise.
 */
export async function exportScope(
  ctx: AppContext,
  who: Requester,
  unitId: number | undefined,
): Promise<Unit | undefined> {
  const person = personOf(who);
  const asked = unitId === undefined ? undefined : await unitById(ctx, unitId);
  if (!person || isHrss(person)) {
    return asked;
  }
  const own = person.unit;
  if (!PARTICIPANT_KINDS.has(own.kind)) {
    throw forbidden(
      `${own.shortName}不参与案件移送，没有可导出的移送案件表格。` +
        "如需全市汇总，请向市人力资源社会保障局索取。",
    );
  }
  if (person.roles.size === 0) {
    throw forbidden(
      `您在${own.shortName}没有登记联络员、负责人或经办人角色，不能导出表格。`,
    );
  }
  if (asked && asked.id !== own.id) {
    throw forbidden(
      `您只能导出${own.shortName}移送或接收的案件，` +
        `不能导出${asked.shortName}的表格。`,
    );
  }
  return own;
}

/** Receipts: the people of the units involved in the case, and HRSS. */
export function assertMayExportReferral(
  who: Requester,
  view: ReferralView,
): void {
  const person = personOf(who);
  if (person && !isHrss(person)) {
    assertCanView(person, view);
  }
}

async function unitById(ctx: AppContext, id: number): Promise<Unit> {
  const unit = await ctx.directory.unit(id);
  if (!unit) {
    throw new AppError(
      "unknown_unit",
      "单位：没有这个单位，请核对单位代码。",
      422,
      "unitId",
    );
  }
  return unit;
}
