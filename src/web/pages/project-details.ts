/**
 * A reported project's page: the fourteen columns of attachment 1, who
 * reported it and how late, the site-check clock and record, the
 * correction and its deadline, and the buttons of what the person may do
 * now. The manager's name and phone are whole only for the units the
 * project concerns (project-guards.ts).
 */
import type { Calendar } from "../../calendar/calendar.js";
import { explainClock, type ClockRow } from "../../clocks/engine.js";
import { maskName, maskPhone } from "../../mask.js";
import { findingsText } from "../../projects/forms.js";
import { projectLabels as labels } from "../../projects/input.js";
import { timelinessText } from "../../projects/messages.js";
import {
  findingsOf,
  PROJECT_STATUS,
  type ProjectView,
} from "../../projects/view.js";
import { deadlineLine } from "../../referrals/view.js";
import { formatDateCn, formatInstant } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { html, type SafeHtml } from "../html.js";
import { page } from "./layout.js";
import { projectHref, STYLES } from "./project-forms.js";

export interface ProjectPageData {
  person: Person;
  view: ProjectView;
  cal: Calendar;
  now: number;
  /** The manager's name and phone whole, or masked. */
  seesPhone: boolean;
  canCheck: boolean;
  canCorrect: boolean;
}

const SOURCES: Record<string, string> = {
  form: "网页表单",
  sheet: "上传附件1表格",
};

/** 12 345 670 000 fen → "12345.67" 万元, exactly. */
export function wanText(fen: number): string {
  return scaled(fen, 6);
}

/** 3050 hundredths of a percent → "30.5". */
export function percentText(bp: number): string {
  return scaled(bp, 2);
}

function scaled(value: number, decimals: number): string {
  const unit = 10 ** decimals;
  const whole = Math.floor(value / unit);
  const part = String(value % unit).padStart(decimals, "0").replace(/0+$/, "");
  return part ? `${whole}.${part}` : String(whole);
}

export function projectPage(data: ProjectPageData): string {
  const p = data.view.project;
  return page({
    title: p.name,
    person: data.person,
    styles: STYLES,
    body: html`${statusBlock(data)}
${columns(data)}
${reportBlock(data)}
${checkBlock(data)}`,
  });
}

function statusBlock(data: ProjectPageData): SafeHtml {
  const { view } = data;
  const p = view.project;
  const tone =
    p.status === "corrected" || p.status === "checked"
      ? "closed"
      : p.status === "correcting"
        ? "warning"
        : "";
  const id = p.id;
  const links: SafeHtml[] = [];
  if (data.canCheck) {
    links.push(html`<a class="button primary" href="${projectHref(id)}/check">记录现场核查</a> `);
  }
  if (data.canCorrect) {
    links.push(html`<a class="button primary" href="${projectHref(id)}/corrected">整改完成</a> `);
  }
  return html`<section><p><span class="status ${tone}">${
    PROJECT_STATUS[p.status] ?? p.status
  }</span></p>
<p>报送单位：${view.unit.shortName}；现场核查：${view.hrssUnit.shortName}</p>
${links.length ? html`<p class="links">${links}</p>` : ""}</section>`;
}

/** Attachment 1's columns, in its order and with its headings. */
function columns(data: ProjectPageData): SafeHtml {
  const p = data.view.project;
  const manager = data.seesPhone ? p.manager : maskName(p.manager);
  const phone = data.seesPhone ? p.phone : maskPhone(p.phone);
  const row = (label: string, value: string) =>
    html`<dt>${label}</dt><dd>${value}</dd>\n`;
  return html`<h2>项目情况（附件1）</h2><section><dl class="facts">
${row(labels.jurisdiction, p.jurisdiction)}${row(labels.name, p.name)}${row(
    labels.address,
    p.address,
  )}${row(labels.builder, p.builder)}${row(
    labels.startDate,
    formatDateCn(p.startDate),
  )}${row(labels.duration, p.duration)}${row(
    labels.government,
    p.government ? "是" : "否",
  )}${row(labels.contractor, p.contractor)}${row(labels.manager, manager)}${row(
    labels.phone,
    phone,
  )}${row(labels.contractPrice, wanText(p.contractPriceFen))}${row(
    labels.paymentMethod,
    p.paymentMethod,
  )}${row(labels.paymentProgress, percentText(p.paymentProgressBp))}${row(
    labels.remarks,
    p.remarks || "无",
  )}</dl></section>`;
}

/** A deadline with the day-by-day count behind it. */
function clockBlock(
  data: ProjectPageData,
  clock: ClockRow | undefined,
  explain = true,
): SafeHtml {
  if (!clock) {
    return html``;
  }
  const { lines, rule } = explainClock(data.cal, clock);
  const [first, ...days] = lines;
  const how = explain
    ? html`<details class="explain"><summary>如何计算</summary>
<p>${first}</p><ul>${days.map((line) => html`<li>${line}</li>`)}</ul>
</details>`
    : "";
  return html`<div class="clock"><p><strong>${rule}</strong>：${deadlineLine(
    data.cal,
    clock,
    data.now,
  )}</p>
${how}</div>`;
}

function reportBlock(data: ProjectPageData): SafeHtml {
  const { view } = data;
  const p = view.project;
  const timely =
    p.reportLateDays > 0
      ? html`<span class="late">${timelinessText(p)}</span>`
      : html`按时报送（开工之日起 5 个工作日内）`;
  return html`<h2>报送情况</h2><section><dl class="facts">
<dt>报送单位</dt><dd>${view.unit.name}</dd>
<dt>报送方式</dt><dd>${SOURCES[p.source] ?? p.source}</dd>
<dt>报送时间</dt><dd>${formatInstant(p.reportedAt)}</dd>
<dt>是否及时</dt><dd>${timely}</dd>
</dl>
${clockBlock(data, view.reportClock)}</section>`;
}

function checkBlock(data: ProjectPageData): SafeHtml {
  const { view } = data;
  const check = view.check;
  if (!check) {
    return html`<h2>现场核查</h2><section>
${clockBlock(data, view.checkClock)}<p class="empty">尚未现场核查。</p></section>`;
  }
  const findings = findingsOf(check);
  const late =
    check.lateDays > 0
      ? html`<span class="late">（超过核查期限 ${check.lateDays} 个工作日）</span>`
      : "";
  return html`<h2>现场核查</h2><section>
${clockBlock(data, view.checkClock)}<dl class="facts">
<dt>核查日期</dt><dd>${formatDateCn(check.checkDate)}${late}</dd>
<dt>核查人员</dt><dd>${check.inspectors}</dd>
<dt>发现问题</dt><dd>${findings.length ? findingsText(findings) : "未发现问题"}</dd>
<dt>核查情况</dt><dd>${check.note || "无"}</dd>
</dl></section>
${findings.length ? correctionBlock(data) : ""}`;
}

function correctionBlock(data: ProjectPageData): SafeHtml {
  const check = data.view.check!;
  const done = check.correctedDate
    ? html`<dt>整改完成</dt><dd>${formatDateCn(check.correctedDate)}${
        check.correctionLateDays
          ? html`<span class="late">（超过整改期限 ${check.correctionLateDays} 个工作日）</span>`
          : ""
      }</dd>
<dt>整改情况</dt><dd>${check.correctionNote || "无"}</dd>`
    : html`<dt>整改完成</dt><dd class="late">尚未整改完成</dd>`;
  return html`<h2>整改</h2><section>
${clockBlock(data, data.view.correctionClock, false)}<dl class="facts">
<dt>整改期限</dt><dd>${formatDateCn(check.correctionDeadline!)}前</dd>
${done}
</dl></section>`;
}
