/**
 * The action forms a card's buttons open: sign with a receipt, return,
 * resolve a return, pass down, ask for an extension, feed back, send the
 * feedback back. Each posts to the matching API command.
 */
import type { Calendar } from "../../calendar/calendar.js";
import {
  feedbackLabels,
  REFERRAL_KINDS,
  type ReferralKind,
} from "../../referrals/input.js";
import {
  deadlineLine,
  type FeedbackRow,
  type ReferralView,
} from "../../referrals/view.js";
import { formatDateCn } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { formatYuan } from "../../validation.js";
import type { FormName } from "../guards.js";
import { html, type SafeHtml } from "../html.js";
import {
  apiForm,
  radioField,
  selectField,
  shownField,
  textArea,
  textField,
  type OptionGroup,
} from "./form-kit.js";
import { page } from "./layout.js";

export interface FormContext {
  person: Person;
  view: ReferralView;
  cal: Calendar;
  now: number;
  /** pass-down, resolve-return: the units that may be chosen. */
  unitGroups?: OptionGroup[];
  /** resolve-return under supervision: "take it back" is an option. */
  takeBackUnitId?: number;
  /** sign: who handed the file over, and when. */
  handover?: { by: string; date: string };
  /** feedback: the last one, to start from after a send-back. */
  lastFeedback?: FeedbackRow;
}

const TITLES: Record<FormName, string> = {
  sign: "签收并填写回执",
  return: "退回移送",
  "resolve-return": "处理退回：改派或维持",
  "pass-down": "转交下级部门",
  extension: "申请延期",
  feedback: "填写反馈",
  "send-back": "退回补充反馈",
};

export function formPage(form: FormName, data: FormContext): string {
  const id = data.view.referral.id;
  const api = (command: string) => `/api/referrals/${id}/${command}`;
  const done = { href: `/referrals/${id}`, label: "查看案件详情" };
  const build: Record<FormName, () => SafeHtml> = {
    sign: () => apiForm({
      api: api("sign"), submitLabel: "确认签收", done,
      fields: receiptFields(data),
    }),
    return: () => apiForm({
      api: api("return"), submitLabel: "确认退回", done, danger: true,
      fields: [reason("退回理由", "请写明不属于本单位职责的理由，以及应由哪个单位办理")],
    }),
    "resolve-return": () => apiForm({
      api: api("resolve-return"), submitLabel: "提交", done,
      fields: resolveReturnFields(data),
    }),
    "pass-down": () => apiForm({
      api: api("pass-down"), submitLabel: "确认转交", done,
      fields: passDownFields(data),
    }),
    extension: () => apiForm({
      api: api("extension"), submitLabel: "提交延期申请", done,
      fields: extensionFields(),
    }),
    feedback: () => apiForm({
      api: api("feedback"), submitLabel: "提交反馈", done,
      fields: feedbackFields(data),
    }),
    "send-back": () => apiForm({
      api: api("review"), submitLabel: "退回补充", done, danger: true,
      hidden: { decision: "send_back" },
      fields: [reason("需要补充的内容", "请写明反馈缺少或需要更正的内容")],
    }),
  };
  return page({
    title: TITLES[form],
    person: data.person,
    body: html`${summary(data)}${build[form]()}`,
  });
}

/** The case in a few lines, above every form. */
function summary(data: FormContext): SafeHtml {
  const { view, cal, now } = data;
  const r = view.referral;
  const deadline = view.feedbackClock
    ? html`<dt>反馈期限</dt><dd>${deadlineLine(cal, view.feedbackClock, now)}</dd>`
    : "";
  return html`<section class="summary"><dl class="facts">
<dt>文号</dt><dd><a href="/referrals/${r.id}">${r.number}</a></dd>
<dt>案件名称</dt><dd>${r.caseName}</dd>
<dt>类型</dt><dd>${REFERRAL_KINDS[r.kind as ReferralKind]}</dd>
<dt>移送单位</dt><dd>${view.referringUnit.shortName}</dd>
<dt>承办单位</dt><dd>${view.handlingUnit.shortName}</dd>
${deadline}
</dl></section>
`;
}

function reason(label: string, hint: string): SafeHtml {
  return textArea({ name: "reason", label, required: true, max: 500, hint });
}

function receiptFields(data: FormContext): SafeHtml[] {
  const r = data.view.referral;
  return [
    shownField("签收单位", data.view.handlingUnit.name),
    shownField("移送案件", `${formatDateCn(r.referralDate)}移送，案由：${r.cause}`),
    textField({
      name: "volumes", label: "案卷册数", required: true,
      inputmode: "numeric", value: r.fileVolumes,
    }),
    textField({
      name: "pages", label: "案卷页数", required: true,
      inputmode: "numeric", value: r.filePages,
    }),
    textArea({
      name: "exhibits", label: "涉案物品", max: 500, rows: 2,
      value: r.exhibits,
    }),
    textField({
      name: "handedOverBy", label: "移送人", required: true, max: 64,
      value: data.handover?.by,
    }),
    textField({
      name: "handoverDate", label: "移送日期", type: "date", required: true,
      value: data.handover?.date,
    }),
    textField({
      name: "signerName", label: "签收人", required: true, max: 64,
      value: data.person.name,
    }),
  ];
}

function resolveReturnFields(data: FormContext): SafeHtml[] {
  const { view } = data;
  const open = view.openReturn;
  const groups = [...(data.unitGroups ?? [])];
  if (data.takeBackUnitId) {
    groups.unshift({
      label: "",
      options: [{ value: data.takeBackUnitId, label: "收回本单位自办" }],
    });
  }
  return [
    shownField(
      "退回情况",
      `${view.handlingUnit.shortName}退回，理由：${open?.reason ?? ""}`,
    ),
    radioField({
      name: "decision", label: "处理方式", required: true,
      options: [
        { value: "redirect", label: "改派其他单位" },
        { value: "overrule", label: "维持原移送" },
      ],
    }),
    html`<div data-show-when="decision=redirect">${selectField({
      name: "unitId", label: "改派给", required: true, groups,
      prompt: "请选择单位",
    })}</div>`,
    html`<div data-show-when="decision=overrule">${textArea({
      name: "note", label: "维持理由", required: true, max: 500,
      hint: `将通知${view.handlingUnit.shortName}签收办理`,
    })}</div>`,
  ];
}

function passDownFields(data: FormContext): SafeHtml[] {
  return [
    selectField({
      name: "unitId", label: "转交给", required: true,
      groups: data.unitGroups ?? [], prompt: "请选择县（市、区）或园区的部门",
      hint: "转交后本单位继续督办，反馈期限仍自原移送之日起算",
    }),
    textArea({ name: "note", label: "转交说明", max: 500, rows: 3 }),
  ];
}

function extensionFields(): SafeHtml[] {
  return [
    textField({
      name: "workdays", label: "延长工作日数", required: true,
      inputmode: "numeric", hint: "1 至 30 个工作日，由移送单位审批",
    }),
    reason("延期理由", "请写明不能按期反馈的原因"),
  ];
}

function feedbackFields(data: FormContext): SafeHtml[] {
  const kind = data.view.referral.kind as ReferralKind;
  const labels = feedbackLabels(kind);
  const last = data.lastFeedback
    ? (JSON.parse(data.lastFeedback.data) as Record<string, unknown>)
    : {};
  const prior = (name: string) => {
    const v = last[name];
    return typeof v === "string" || typeof v === "number" ? v : undefined;
  };
  const money = () => {
    const fen = last.recoveredAmount;
    return typeof fen === "number" ? formatYuan(fen).replace(/,/g, "") : "";
  };
  const yesNo = (name: string) => {
    const v = last[name];
    return radioField({
      name, label: labels[name], required: true,
      value: v === true ? "是" : v === false ? "否" : undefined,
      options: [{ value: "是", label: "是" }, { value: "否", label: "否" }],
    });
  };

  const fields: SafeHtml[] = [];
  if (data.lastFeedback?.status === "sent_back") {
    fields.push(html`<div class="notice notice-info"><p>上次反馈被退回补充：${
      data.lastFeedback.reviewReason ?? ""
    }</p></div>`);
  }
  fields.push(
    shownField(kind === "crime" ? "侦办单位" : "承办单位",
      data.view.handlingUnit.name),
    textField({
      name: "handlerContact", label: labels.handlerContact, required: true,
      max: 64, value: prior("handlerContact") ?? data.person.name,
    }),
    textField({
      name: "handlerPhone", label: labels.handlerPhone, type: "tel",
      required: true, value: prior("handlerPhone") ?? data.person.phone,
    }),
  );
  if (kind === "crime") {
    fields.push(yesNo("caseOpened"));
  } else {
    fields.push(
      textArea({
        name: "penalty", label: labels.penalty, max: 1000, rows: 3,
        value: prior("penalty") as string | undefined,
      }),
      textArea({
        name: "summary", label: labels.summary, required: true, max: 2000,
        value: prior("summary") as string | undefined,
      }),
    );
  }
  fields.push(
    textField({
      name: "recoveredWorkers", label: `${labels.recoveredWorkers}（人）`,
      required: true, inputmode: "numeric", value: prior("recoveredWorkers"),
    }),
    textField({
      name: "recoveredAmount", label: `${labels.recoveredAmount}（元）`,
      required: true, inputmode: "decimal", value: money(),
      hint: "单位为元，可带两位小数，如 12345.67；没有追回填 0",
    }),
  );
  if (kind === "crime") {
    fields.push(
      yesNo("arrestApproved"),
      yesNo("prosecuted"),
      textField({
        name: "closedDate", label: labels.closedDate, type: "date",
        value: prior("closedDate"), hint: "尚未结案的可不填",
      }),
    );
  } else {
    fields.push(textArea({
      name: "remarks", label: labels.remarks, max: 500, rows: 2,
      value: prior("remarks") as string | undefined,
    }));
  }
  return fields;
}
