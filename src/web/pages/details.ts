/**
 * The details page of a referral: both halves of the attachment, status,
 * receipts (attachment 2), returns, pass-downs, extensions, feedback, each
 * deadline with how it was counted, and the audit trail. Only people of
 * involved units reach it (assertCanView), so personal data is shown whole.
 */
import { REFERRAL_KINDS, feedbackLabels } from "../../referrals/input.js";
import { STATUS_LABELS } from "../../referrals/view.js";
import { formatDateCn, formatInstant } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { clause, formatYuan } from "../../validation.js";
import type { Details } from "../details.js";
import { canUrge, isReferrer, usableForms, type FormName } from "../guards.js";
import { html, type SafeHtml } from "../html.js";
import { apiForm } from "./form-kit.js";
import { page } from "./layout.js";

export const ACTION_LABELS: Record<string, string> = {
  "referral.create": "移送",
  "referral.sign": "签收",
  "referral.return": "退回",
  "referral.overrule_return": "维持原移送",
  "referral.redirect": "改派",
  "referral.pass_down": "转交下级",
  "referral.request_extension": "申请延期",
  "referral.approve_extension": "同意延期",
  "referral.refuse_extension": "不同意延期",
  "referral.urge": "催办",
  "referral.feedback": "提交反馈",
  "referral.send_back": "退回补充反馈",
  "referral.close": "采纳反馈，案件办结",
  "referral.overdue_told": "反馈逾期，已告知承办单位负责人",
  "referral.escalate": "反馈逾期 5 个工作日以上，已报市政府办公室",
  "referral.admin_read": "管理员查阅（含个人信息）",
};

export const CHANNEL_LABELS: Record<string, string> = {
  sim: "模拟器",
  wecom: "企业微信",
  dingtalk: "钉钉",
  web: "网页",
  job: "定时任务",
  cli: "命令行",
};

/** The lower halves of attachments 4 and 3, in their column order. */
const FEEDBACK_ORDER = {
  source: [
    "handlerContact", "handlerPhone", "penalty", "summary",
    "recoveredWorkers", "recoveredAmount", "remarks",
  ],
  crime: [
    "handlerContact", "handlerPhone", "caseOpened", "recoveredWorkers",
    "recoveredAmount", "arrestApproved", "prosecuted", "closedDate",
  ],
};

const FORM_LINKS: Record<FormName, { label: string; style?: string }> = {
  sign: { label: "签收并填写回执", style: "primary" },
  return: { label: "退回", style: "danger" },
  "resolve-return": { label: "改派或维持", style: "primary" },
  "pass-down": { label: "转交下级" },
  extension: { label: "申请延期" },
  feedback: { label: "填写反馈", style: "primary" },
  "send-back": { label: "退回补充", style: "danger" },
};

export function detailsPage(person: Person, details: Details): string {
  const r = details.view.referral;
  return page({
    title: r.caseName,
    person,
    body: html`${statusBlock(person, details)}
${upperHalf(details)}
${deadlines(details)}
${receipts(details)}
${returns(details)}
${passDowns(details)}
${extensions(details)}
${feedbacks(details)}
${auditTrail(details)}`,
  });
}

function statusBlock(person: Person, details: Details): SafeHtml {
  const { view } = details;
  const r = view.referral;
  const tone = r.status === "closed" ? "closed"
    : ["returned", "feedback_submitted"].includes(r.status) ? "warning" : "";
  const supervising = view.supervisingUnit
    ? html`<p>督办单位：${view.supervisingUnit.shortName}（已转交下级办理）</p>`
    : "";
  return html`<section><p>
<span class="status ${tone}">${STATUS_LABELS[r.status] ?? r.status}</span>
${r.number}</p>
<p>承办单位：${view.handlingUnit.shortName}</p>
${supervising}${actions(person, details)}</section>`;
}

/** What this person can do now: forms to open, one-tap commands. */
function actions(person: Person, details: Details): SafeHtml {
  const { view } = details;
  const id = view.referral.id;
  const links = usableForms(person, view).map((form) => {
    const { label, style } = FORM_LINKS[form];
    const href = `/referrals/${id}/${form}`;
    return html`<a class="button ${style ?? ""}" href="${href}">${label}</a> `;
  });
  const quick = (command: string, label: string, hidden = {}, danger = false) =>
    apiForm({
      api: `/api/referrals/${id}/${command}`,
      submitLabel: label,
      fields: [],
      hidden,
      danger,
      done: { href: `/referrals/${id}`, label: "刷新详情" },
    });
  const buttons: SafeHtml[] = [];
  if (isReferrer(person, view)) {
    if (view.referral.status === "feedback_submitted") {
      buttons.push(quick("review", "采纳反馈", { decision: "accept" }));
    }
    if (view.pendingExtension) {
      const x = view.pendingExtension;
      buttons.push(
        html`<p>申请延期 ${x.workdays} 个工作日，理由：${x.reason}</p>`,
        quick("extension-decision", "同意延期", { decision: "approve" }),
        quick("extension-decision", "不同意", { decision: "refuse" }, true),
      );
    }
  }
  if (canUrge(person, view)) {
    buttons.push(quick("urge", "催办"));
  }
  if (links.length === 0 && buttons.length === 0) {
    return html``;
  }
  const linkRow = links.length ? html`<p class="links">${links}</p>` : "";
  return html`<div class="quick-actions">${linkRow}${buttons}</div>`;
}

function upperHalf(details: Details): SafeHtml {
  const { view, kind } = details;
  const r = view.referral;
  const crime = kind === "crime";
  return html`<h2>移送情况</h2><section><dl class="facts">
<dt>案件类型</dt><dd>${REFERRAL_KINDS[kind]}</dd>
<dt>案件名称</dt><dd>${r.caseName}</dd>
<dt>案由</dt><dd>${r.cause}</dd>
<dt>投诉人</dt><dd>${r.complainantName}</dd>
<dt>${crime ? "涉嫌拒支单位" : "被投诉单位"}</dt><dd>${r.companyName}</dd>
<dt>${crime ? "涉及人数" : "投诉人数"}</dt><dd>${r.headCount} 人</dd>
<dt>${crime ? "涉及金额" : "投诉金额"}</dt><dd>${formatYuan(r.amountFen)} 元</dd>
<dt>发现日期</dt><dd>${formatDateCn(r.foundDate)}</dd>
<dt>移送时间</dt><dd>${formatDateCn(r.referralDate)}</dd>
<dt>移送单位</dt><dd>${view.referringUnit.name}</dd>
<dt>移送联系人</dt><dd>${r.contactName}</dd>
<dt>联系方式</dt><dd>${r.contactPhone}</dd>
<dt>移送案卷</dt><dd>${r.fileVolumes} 册 ${r.filePages} 页</dd>
<dt>涉案物品</dt><dd>${r.exhibits || "无"}</dd>
</dl></section>`;
}

function deadlines(details: Details): SafeHtml {
  const r = details.view.referral;
  const timely = r.referralLateDays > 0
    ? html`<span class="late">逾期 ${r.referralLateDays} 个工作日移送</span>`
    : html`按期移送（发现之日起 5 个工作日内）`;
  const clocks = details.clocks.map((c) => {
    const [first, ...days] = c.explanation;
    return html`<div class="clock"><p><strong>${c.label}</strong>：${c.line}</p>
<details class="explain"><summary>如何计算</summary>
<p>${first}</p><ul>${days.map((line) => html`<li>${line}</li>`)}</ul>
</details></div>`;
  });
  return html`<h2>期限</h2><section>
<p><strong>移送及时性</strong>：${timely}</p>
${clocks}</section>`;
}

function receipts(details: Details): SafeHtml {
  const list = details.view.receipts;
  if (list.length === 0) {
    return html`<h2>签收回执</h2><section><p class="empty">尚未签收。</p></section>`;
  }
  const number = encodeURIComponent(details.view.referral.number);
  return html`<h2>签收回执</h2>
<p><a class="button" href="/exports/file?table=receipt&amp;number=${number}"
>下载签收回执（Excel，附件2）</a></p>
${list.map((x) => html`<section><dl class="facts">
<dt>签收单位</dt><dd>${details.unitName(x.unitId)}</dd>
<dt>案卷</dt><dd>${x.volumes} 册 ${x.pages} 页</dd>
<dt>涉案物品</dt><dd>${x.exhibits || "无"}</dd>
<dt>移送人</dt><dd>${x.handedOverBy}</dd>
<dt>移送日期</dt><dd>${formatDateCn(x.handoverDate)}</dd>
<dt>签收人</dt><dd>${x.signerName}</dd>
<dt>签收日期</dt><dd>${formatDateCn(x.signedDate)}（${formatInstant(x.signedAt)}，${
    CHANNEL_LABELS[x.channel] ?? x.channel
  }）</dd>
</dl></section>`)}`;
}

function returns(details: Details): SafeHtml {
  if (details.returns.length === 0) {
    return html``;
  }
  const resolution = (x: Details["returns"][number]) => {
    if (x.resolution === "redirected") {
      return `已改派${details.unitName(x.redirectedTo ?? 0)}`;
    }
    if (x.resolution === "overruled") {
      return "已维持原移送";
    }
    return "待移送单位处理";
  };
  return html`<h2>退回记录</h2><section><ul class="history">${details.returns.map(
    (x) => html`<li><span class="when">${formatInstant(x.returnedAt)}</span><br>
${details.unitName(x.unitId)} ${details.personName(x.returnedBy)} 退回，理由：${clause(x.reason)}。
处理结果：${resolution(x)}</li>`,
  )}</ul></section>`;
}

function passDowns(details: Details): SafeHtml {
  if (details.passDowns.length === 0) {
    return html``;
  }
  return html`<h2>转交记录</h2><section><ul class="history">${details.passDowns.map(
    (x) => html`<li><span class="when">${formatInstant(x.at)}</span><br>
${details.unitName(x.fromUnitId)} ${details.personName(x.by)} 转交${
      details.unitName(x.toUnitId)
    }办理${x.note ? `，说明：${x.note}` : ""}</li>`,
  )}</ul></section>`;
}

function extensions(details: Details): SafeHtml {
  if (details.extensions.length === 0) {
    return html``;
  }
  const verdict: Record<string, string> = {
    pending: "待审批",
    approved: "已同意",
    refused: "未同意",
    withdrawn: "已提交反馈，申请自动撤回",
  };
  const decided = (x: Details["extensions"][number]) =>
    x.decidedAt
      ? `（${details.personName(x.decidedBy)}，${formatInstant(x.decidedAt)}）`
      : "";
  const items = details.extensions.map(
    (x) => html`<li><span class="when">${formatInstant(x.requestedAt)}</span><br>
${details.personName(x.requestedBy)} 申请延长 ${x.workdays} 个工作日，理由：${clause(x.reason)}。${
  verdict[x.status] ?? x.status
}${decided(x)}</li>`,
  );
  return html`<h2>延期申请</h2><section><ul class="history">${items}</ul></section>`;
}

function feedbacks(details: Details): SafeHtml {
  if (details.feedbacks.length === 0) {
    return html`<h2>反馈</h2><section><p class="empty">尚未反馈。</p></section>`;
  }
  const labels = feedbackLabels(details.kind);
  const verdict: Record<string, string> = {
    submitted: "待审核",
    accepted: "已采纳",
    sent_back: "已退回补充",
  };
  const value = (name: string, v: unknown) => {
    if (typeof v === "boolean") {
      return v ? "是" : "否";
    }
    if (name === "recoveredAmount" && typeof v === "number") {
      return `${formatYuan(v)} 元`;
    }
    if (name === "recoveredWorkers" && typeof v === "number") {
      return `${v} 人`;
    }
    if (name === "closedDate") {
      return typeof v === "string" ? formatDateCn(v) : "尚未结案";
    }
    return v === undefined || v === "" ? "无" : String(v);
  };
  return html`<h2>反馈</h2>${[...details.feedbacks].reverse().map((x) => {
    const data = JSON.parse(x.data) as Record<string, unknown>;
    const rows = FEEDBACK_ORDER[details.kind].map(
      (name) => html`<dt>${labels[name]}</dt><dd>${value(name, data[name])}</dd>`,
    );
    const review = x.reviewReason ? `，要求补充：${x.reviewReason}` : "";
    return html`<section><p>${formatInstant(x.submittedAt)} ${
      details.personName(x.submittedBy)
    } 提交（${verdict[x.status] ?? x.status}${review}）</p><dl class="facts">
<dt>${details.kind === "crime" ? "侦办单位" : "承办单位"}</dt><dd>${
      details.unitName(x.unitId)
    }</dd>
${rows}</dl></section>`;
  })}`;
}

function auditTrail(details: Details): SafeHtml {
  return html`<h2>操作记录</h2><section><ul class="history">${details.audit.map(
    (x) => html`<li><span class="when">${formatInstant(x.at)} · ${
      CHANNEL_LABELS[x.channel] ?? x.channel
    }</span><br>${x.actorName === "system" ? "系统" : x.actorName}：${
      ACTION_LABELS[x.action] ?? x.action
    }</li>`,
  )}</ul></section>`;
}
