/**
 * Who may do what to a referral. The service enforces these; the pages use
 * the same functions to refuse on load instead of showing a form that
 * would fail.
 */
import { forbidden } from "../errors.js";
import type { Person, Unit } from "../units/directory.js";
import { REFERRER_KINDS } from "../units/kinds.js";
import type { ReferralView } from "./view.js";

/** Caseworkers of HRSS or of the petitions bureau, at any level. */
export function canRefer(person: Person): boolean {
  return (
    REFERRER_KINDS.includes(person.unit.kind) && person.roles.has("caseworker")
  );
}

export function assertCanRefer(person: Person): void {
  if (!canRefer(person)) {
    throw forbidden(
      "只有人力资源社会保障部门或信访部门的经办人员可以移送案件。",
    );
  }
}

/** Caseworkers, liaisons and leaders take decisions for their unit. */
export function canDecide(person: Person): boolean {
  return ["caseworker", "leader", "liaison"].some((r) =>
    person.roles.has(r as never),
  );
}

/** The handling unit's liaisons and leaders sign, return, pass down, feed back. */
export function requireHandler(
  person: Person,
  view: ReferralView,
  what: string,
): void {
  const roleOk = person.roles.has("liaison") || person.roles.has("leader");
  if (person.unit.id !== view.referral.handlingUnitId || !roleOk) {
    throw forbidden(
      `该案件目前由${view.handlingUnit.shortName}办理，` +
        `您（${person.unit.shortName}${person.name}）无权${what}。`,
    );
  }
}

export function isReferrer(person: Person, view: ReferralView): boolean {
  return person.unit.id === view.referral.referringUnitId && canDecide(person);
}

/** The referring unit decides on extensions and reviews feedback. */
export function requireReferrer(
  person: Person,
  view: ReferralView,
  what: string,
): void {
  if (!isReferrer(person, view)) {
    throw forbidden(
      `只有移送单位${view.referringUnit.shortName}的经办人员或负责人可以${what}。`,
    );
  }
}

/** A returned case goes back to whoever sent it to the returning unit. */
export function returnDecider(view: ReferralView): Unit {
  return view.supervisingUnit ?? view.referringUnit;
}

export function requireReturnDecider(person: Person, view: ReferralView): void {
  const decider = returnDecider(view);
  if (person.unit.id !== decider.id || !canDecide(person)) {
    throw forbidden(`退回的案件由${decider.shortName}处理，您无权操作。`);
  }
}

/** The referring and the supervising unit may urge. */
export function mayUrge(person: Person, view: ReferralView): boolean {
  const r = view.referral;
  return (
    [r.referringUnitId, r.supervisingUnitId].includes(person.unit.id) &&
    canDecide(person)
  );
}

/** Urging makes sense only while the handling unit has to act. */
export function awaitsHandler(view: ReferralView): boolean {
  return ["pending_receipt", "in_progress"].includes(view.referral.status);
}
