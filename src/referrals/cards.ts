/**
 * The neutral cards of a referral: the notice a receiving unit's liaisons
 * get, and the tracking card of the person who referred it. Both are
 * rendered from the current state, so every copy shows the same thing.
 */
import type { Card, CardButton, CardField } from "../channels/types.js";
import type { Links } from "../context.js";
import { formatDateCn, formatInstant } from "../time.js";
import { formatYuan } from "../validation.js";
import { REFERRAL_KINDS, type ReferralKind } from "./input.js";
import { awaitsHandler } from "./permissions.js";
import { cardDeadline, STATUS_LABELS, type ReferralView } from "./view.js";

export const unitCardKey = (referralId: number, unitId: number) =>
  `referral:${referralId}:unit:${unitId}`;

export const referrerCardKey = (referralId: number) =>
  `referral:${referralId}:referrer`;

function baseFields(view: ReferralView): CardField[] {
  const r = view.referral;
  const crime = r.kind === "crime";
  const fields: CardField[] = [
    { label: "文号", value: r.number },
    { label: "类型", value: REFERRAL_KINDS[r.kind as ReferralKind] },
    { label: "案件名称", value: r.caseName },
    { label: crime ? "涉嫌拒支单位" : "被投诉单位", value: r.companyName },
    {
      label: crime ? "涉及人数/金额" : "投诉人数/金额",
      value: `${r.headCount} 人 / ${formatYuan(r.amountFen)} 元`,
    },
    {
      label: "移送单位",
      value: `${view.referringUnit.shortName}（${formatDateCn(r.referralDate)}）`,
    },
  ];
  if (view.feedbackClock) {
    fields.push({
      label: "反馈期限",
      value: cardDeadline(view.feedbackClock),
    });
  }
  return fields;
}

function signedLine(view: ReferralView, unitId: number): string | undefined {
  const receipt = view.receipts.find((x) => x.unitId === unitId);
  return receipt
    ? `${receipt.signerName} 已于 ${formatInstant(receipt.signedAt)} 签收`
    : undefined;
}

/** The notice card as a given receiving unit sees it. */
export function unitCard(
  view: ReferralView,
  unitId: number,
  links: Links,
): Card {
  const r = view.referral;
  const card: Card = {
    key: unitCardKey(r.id, unitId),
    title: `【移送通知】${r.caseName}`,
    fields: baseFields(view),
    buttons: [],
    url: links.referral(r.id),
  };
  const signed = signedLine(view, unitId);
  const handling = r.handlingUnitId === unitId;

  if (!handling) {
    card.status = statusForFormerUnit(view, unitId);
    card.note = signed;
    const supervising = r.supervisingUnitId === unitId;
    if (supervising && awaitsHandler(view)) {
      card.buttons.push({ label: "催办", action: "referral.urge" });
    }
  } else if (r.status === "pending_receipt") {
    card.status = { text: "待签收", tone: "warning" };
    card.buttons = [
      { label: "签收", style: "primary", action: "referral.sign" },
      {
        label: "退回",
        style: "danger",
        url: links.referralForm(r.id, "return"),
      },
    ];
    if (view.supervisingUnit) {
      card.note = `${view.supervisingUnit.shortName}转交，督办中；期限自原移送之日起算。`;
    }
  } else if (r.status === "returned") {
    card.status = { text: "已退回，等待移送单位处理", tone: "info" };
    card.note = view.openReturn
      ? `退回理由：${view.openReturn.reason}`
      : undefined;
  } else if (r.status === "in_progress") {
    card.status = { text: "办理中", tone: "info" };
    card.note = [signed, view.pendingExtension ? "延期申请待审批" : undefined]
      .filter(Boolean)
      .join("；");
    card.buttons = inProgressButtons(view, links);
  } else if (r.status === "feedback_submitted") {
    card.status = { text: "已反馈，待移送单位审核", tone: "info" };
    card.note = signed;
  } else {
    card.status = { text: "已办结", tone: "success" };
    card.note = signed;
  }
  card.buttons.push({ label: "详情", url: links.referral(r.id) });
  return card;
}

function inProgressButtons(view: ReferralView, links: Links): CardButton[] {
  const id = view.referral.id;
  const buttons: CardButton[] = [
    {
      label: "填写反馈",
      style: "primary",
      url: links.referralForm(id, "feedback"),
    },
  ];
  if (!view.pendingExtension) {
    buttons.push({
      label: "申请延期",
      url: links.referralForm(id, "extension"),
    });
  }
  if (view.handlingUnit.level === "city" && !view.supervisingUnit) {
    buttons.push({
      label: "转交下级",
      url: links.referralForm(id, "pass-down"),
    });
  }
  return buttons;
}

function statusForFormerUnit(
  view: ReferralView,
  unitId: number,
): Card["status"] {
  const r = view.referral;
  if (r.supervisingUnitId === unitId) {
    const handler = view.handlingUnit.shortName;
    return r.status === "closed"
      ? { text: `已转交${handler}办理，已办结`, tone: "success" }
      : {
          text: `已转交${handler}办理，督办中（${STATUS_LABELS[r.status]}）`,
          tone: "info",
        };
  }
  return { text: `已改由${view.handlingUnit.shortName}办理`, tone: "info" };
}

/** The tracking card of the person who referred the case. */
export function referrerCard(view: ReferralView, links: Links): Card {
  const r = view.referral;
  const fields = baseFields(view);
  fields.splice(5, 1, {
    label: "承办单位",
    value: view.handlingUnit.shortName,
  });
  const card: Card = {
    key: referrerCardKey(r.id),
    title: `【已移送】${r.caseName}`,
    fields,
    status: {
      text: STATUS_LABELS[r.status],
      tone: r.status === "closed" ? "success" : "info",
    },
    buttons: [],
    url: links.referral(r.id),
  };
  const notes: string[] = [];
  const signed = signedLine(view, r.handlingUnitId);
  if (signed) {
    notes.push(signed);
  }
  if (view.supervisingUnit && r.status !== "closed") {
    notes.push(`由${view.supervisingUnit.shortName}转交，督办中`);
  }

  if (r.status === "returned" && view.openReturn) {
    card.status = { text: "被退回，请改派或维持", tone: "warning" };
    notes.push(`退回理由：${view.openReturn.reason}`);
    card.buttons.push({
      label: "改派或维持",
      style: "primary",
      url: links.referralForm(r.id, "resolve-return"),
    });
  } else if (r.status === "feedback_submitted") {
    card.status = { text: "已反馈，请审核", tone: "warning" };
    card.buttons.push(
      { label: "采纳反馈", style: "primary", action: "referral.accept" },
      {
        label: "退回补充",
        style: "danger",
        url: links.referralForm(r.id, "send-back"),
      },
    );
  } else if (view.pendingExtension) {
    const x = view.pendingExtension;
    notes.push(`申请延期 ${x.workdays} 个工作日，理由：${x.reason}`);
    card.buttons.push(
      { label: "同意延期", style: "primary", action: "extension.approve" },
      { label: "不同意", style: "danger", action: "extension.refuse" },
    );
  }
  if (awaitsHandler(view)) {
    card.buttons.push({ label: "催办", action: "referral.urge" });
  }
  card.buttons.push({ label: "详情", url: links.referral(r.id) });
  card.note = notes.join("；") || undefined;
  return card;
}
