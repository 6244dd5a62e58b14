/**
 * Which form a person may open now, checked when the page loads so that a
 * person who may not act sees a refusal instead of a form that would fail.
 * The permission rules are the service's own (referrals/permissions.ts).
 */
import { conflict } from "../errors.js";
import {
  awaitsHandler,
  mayUrge,
  requireHandler,
  requireReferrer,
  requireReturnDecider,
} from "../referrals/permissions.js";
import { STATUS_LABELS, type ReferralView } from "../referrals/view.js";
import type { Person } from "../units/directory.js";

export {
  assertCanRefer,
  canRefer,
  isReferrer,
} from "../referrals/permissions.js";

export const FORMS = [
  "sign",
  "return",
  "resolve-return",
  "pass-down",
  "extension",
  "feedback",
  "send-back",
] as const;

export type FormName = (typeof FORMS)[number];

export function isFormName(name: string): name is FormName {
  return (FORMS as readonly string[]).includes(name);
}

/** Throws the refusal (403) or the state conflict (409) for a form. */
export function assertCanUseForm(
  form: FormName,
  person: Person,
  view: ReferralView,
): void {
  switch (form) {
    case "sign":
      return handlerWhen(person, view, "签收", ["pending_receipt"]);
    case "return":
      return handlerWhen(person, view, "退回", ["pending_receipt"]);
    case "pass-down":
      handlerWhen(person, view, "转交", ["in_progress"]);
      if (view.handlingUnit.level !== "city" || view.supervisingUnit) {
        throw conflict(
          "cannot_pass_down",
          "只有市级部门可以把案件转交县（市、区）或园区的同类部门。",
        );
      }
      return;
    case "extension":
      handlerWhen(person, view, "申请延期", ["in_progress"]);
      if (view.pendingExtension) {
        throw conflict(
          "extension_pending",
          "已有一份延期申请在等待审批，请勿重复申请。",
        );
      }
      return;
    case "feedback":
      return handlerWhen(person, view, "反馈", ["in_progress"]);
    case "resolve-return":
      return assertCanResolveReturn(person, view);
    case "send-back":
      requireReferrer(person, view, "审核反馈");
      if (view.referral.status !== "feedback_submitted") {
        throw conflict("no_feedback", "该案件没有待审核的反馈。");
      }
  }
}

/** The forms this person could open now, for the details page. */
export function usableForms(person: Person, view: ReferralView): FormName[] {
  return FORMS.filter((form) => {
    try {
      assertCanUseForm(form, person, view);
      return true;
    } catch {
      return false;
    }
  });
}

/** Liaisons and leaders of the referring or supervising unit. */
export function canUrge(person: Person, view: ReferralView): boolean {
  return mayUrge(person, view) && awaitsHandler(view);
}

function handlerWhen(
  person: Person,
  view: ReferralView,
  what: string,
  statuses: string[],
): void {
  requireHandler(person, view, what);
  if (!statuses.includes(view.referral.status)) {
    throw conflict("wrong_status", stateMessage(view, what));
  }
}

function assertCanResolveReturn(person: Person, view: ReferralView) {
  requireReturnDecider(person, view);
  if (view.referral.status !== "returned" || !view.openReturn) {
    throw conflict("not_returned", "该案件当前没有待处理的退回。");
  }
}

/** Why a form cannot be used in the referral's current state. */
function stateMessage(view: ReferralView, what: string): string {
  const status = view.referral.status;
  if (status === "pending_receipt") {
    return `请先签收，签收后才能${what}。`;
  }
  const receipt = view.receipts.find(
    (x) => x.unitId === view.referral.handlingUnitId,
  );
  if (what === "签收" && receipt) {
    return `该案件已由${receipt.signerName}签收，无需重复签收。`;
  }
  return `该案件当前状态为“${STATUS_LABELS[status] ?? status}”，不能${what}。`;
}
