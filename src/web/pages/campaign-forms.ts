/**
 * The forms of a reception campaign: HRSS creates it (period, hours,
 * deadlines, and per site the units that send people), a sending unit
 * names its duty officers and their days, a site files its daily
 * dispatch report. Lists post as nested JSON (form.js, data-nested).
 */
import {
  campaignLabels,
  dispatchLabels,
  nominationLabels,
} from "../../campaigns/input.js";
import {
  daysText,
  monthDay,
  periodText,
  uncoveredDays,
} from "../../campaigns/messages.js";
import {
  siteLabel,
  type CampaignView,
  type DispatchRow,
  type Officer,
  type SiteView,
} from "../../campaigns/view.js";
import { formatDateCn, formatInstant, type IsoDate } from "../../time.js";
import type { Person, Unit } from "../../units/directory.js";
import { formatYuan } from "../../validation.js";
import { html, type SafeHtml } from "../html.js";
import { campaignHref, dayLabel, rollHref } from "./campaigns.js";
import {
  apiForm,
  selectField,
  shownField,
  textArea,
  textField,
} from "./form-kit.js";
import { page } from "./layout.js";

const STYLES = ["/static/campaign.css"];

const OFFICERS_HINT =
  "可从本单位人员中选择接访人员，名单中没有的请选“新增人员”并填写姓名、" +
  "职务和联系电话。每天至少 1 人；已过去的日期不能修改。";

/** A checkbox, big enough to tap, in the style of the radio choices. */
function box(
  name: string,
  value: string | number,
  label: string,
  state: { checked?: boolean; disabled?: boolean; id?: string } = {},
): SafeHtml {
  return html`<label class="choice${state.disabled ? " fixed" : ""}"><input type="checkbox"${
    state.id ? html` id="${state.id}"` : ""
  } name="${name}" value="${value}"${state.checked ? html` checked` : ""}${
    state.disabled ? html` disabled` : ""
  }> ${label}</label>`;
}

/** A place for the message of a field that has no single input. */
function issueSlot(field: string): SafeHtml {
  return html`<div class="field" data-field="${field}"><p class="issue" data-issue-for="${
    field
  }" role="alert" hidden></p></div>`;
}

// ---------------------------------------------------------------------
// 新建集中接访

/**
 * Units of a site's own area that send people by default: all but the
 * host and the county's or park's government itself, which answers for
 * the area rather than sending staff. HRSS may tick or untick any.
 */
export function defaultSenders(host: Unit, units: Unit[]): Unit[] {
  return areaUnits(host, units).filter((u) => u.kind !== "gov");
}

function areaUnits(host: Unit, units: Unit[]): Unit[] {
  return units.filter((u) => u.region === host.region && u.id !== host.id);
}

export function newCampaignPage(options: {
  person: Person;
  units: Unit[];
  today: IsoDate;
}): string {
  const { person, units } = options;
  const hosts = units.filter((u) => u.kind === "hrss");
  const time = (name: string, value: string, hint?: string) =>
    textField({
      name, label: campaignLabels[name], type: "time", required: true,
      value, hint,
    });
  const minutes = (name: string, value: number, hint: string) =>
    textField({
      name, label: campaignLabels[name], required: true,
      inputmode: "numeric", value, hint,
    });

  const fields = [
    textField({
      name: "name", label: campaignLabels.name, required: true, max: 100,
      hint: "如：2027年春节集中接访",
    }),
    textField({
      name: "startDate", label: campaignLabels.startDate, type: "date",
      required: true, hint: `不早于今天（${options.today}），一期不超过 31 天`,
    }),
    textField({
      name: "endDate", label: campaignLabels.endDate, type: "date",
      required: true,
    }),
    time("dutyStart", "09:00"),
    time("dutyEnd", "17:00", "节假日、周末照常值班"),
    textField({
      name: "nominateBy", label: campaignLabels.nominateBy,
      type: "datetime-local", required: true,
      hint: "应早于第一天值班开始；到时仍未指派的单位会被提醒，再告知其负责人",
    }),
    minutes("remindAfterMin", 15, "值班开始后过了这么多分钟仍未签到，提醒本人"),
    minutes(
      "escalateAfterMin", 30,
      "值班开始后过了这么多分钟仍未签到，告知本单位联络员和负责人",
    ),
    time("reportDue", "17:00", "各接访点每日报送日调度的截止时间"),
    time("summaryAt", "18:00", "每日向本局推送各接访点汇总的时间"),
    html`<fieldset class="field" data-field="sites">
<legend>${campaignLabels.sites}<span class="req" title="必填">*</span></legend>
<p class="hint">勾选设为接访点的人社部门；派员单位默认为该地区除人社部门和政府（管委会）以外的成员单位，可增减。</p>
<p class="issue" data-issue-for="sites" role="alert" hidden></p>
${hosts.map((host, i) => siteBlock(i, host, units))}
</fieldset>`,
  ];

  return page({
    title: "新建集中接访",
    person,
    styles: STYLES,
    body: html`<p>组织单位：${person.unit.name}。带 <span class="req">*</span> 的为必填项。${
      "创建后各派员单位的联络员会收到指派接访人员的卡片。"
    }</p>
${apiForm({
  api: "/api/campaigns",
  submitLabel: "创建并通知各单位",
  fields,
  nested: true,
  done: { href: "/campaigns/{campaignId}", label: "查看活动" },
})}`,
  });
}

function siteBlock(i: number, host: Unit, units: Unit[]): SafeHtml {
  const name = `sites.${i}`;
  const senders = new Set(defaultSenders(host, units).map((u) => u.id));
  const choices = areaUnits(host, units).map((u) =>
    box(`${name}.unitIds[]`, u.id, u.shortName, { checked: senders.has(u.id) }),
  );
  return html`<div class="site-block" data-site="${host.code}">
<div class="field" data-field="${name}.hostUnitId">${box(
    `${name}.hostUnitId`, host.id, siteLabel(host),
    { checked: true, id: `f-sites-${i}-host` },
  )}
<p class="issue" data-issue-for="${name}.hostUnitId" role="alert" hidden></p></div>
<div data-show-when="${name}.hostUnitId=${host.id}">
${textField({
  name: `${name}.address`, id: `f-sites-${i}-address`, label: "接访地址",
  max: 200, hint: "会告知接访人员，如：船山区人社局一楼信访接待室",
})}<fieldset class="field" data-field="${name}.unitIds">
<legend>派员单位</legend>
<div class="choices">${choices}</div>
<p class="issue" data-issue-for="${name}.unitIds" role="alert" hidden></p>
</fieldset>
</div>
${issueSlot(name)}</div>
`;
}

// ---------------------------------------------------------------------
// 指派接访人员

/** One officer of the unit as the form starts: their days and locks. */
export interface OfficerRow {
  personId: number;
  dates: IsoDate[];
  /** Days checked in already: they stay on the list. */
  locked: IsoDate[];
}

export function officersPage(options: {
  person: Person;
  view: CampaignView;
  site: SiteView;
  people: Officer[];
  today: IsoDate;
}): string {
  const { person, view, site, today } = options;
  const c = view.campaign;
  const unitId = person.unit.id;
  const rows = officerRows(view, unitId);
  // Officers whose days are all past stay as they were; nothing to edit.
  const editable = rows.filter((r) => r.dates.some((d) => d >= today));
  const done = rows.filter((r) => !r.dates.some((d) => d >= today));
  const missing = uncoveredDays(view, unitId).filter((d) => d >= today);
  const row = (index: string, start?: OfficerRow) =>
    officerRow(index, { ...options, start });
  const first = editable.length
    ? editable.map((r, i) => row(String(i), r))
    : [row("0")];

  const fixed = done.length
    ? html`<div class="notice notice-info"><p>已值班完毕（不能修改）：${done
        .map((r) => {
          const name = view.officers.get(r.personId)?.name ?? "";
          return `${name}（${daysText(r.dates, view.days)}）`;
        })
        .join("；")}</p></div>`
    : "";
  const fields = [
    html`<p class="hint">${OFFICERS_HINT}</p>`,
    issueSlot("officers"),
    html`<div id="officer-rows" data-next="${first.length}">
${first}</div>
<template id="officer-row-template">${row("__i__")}</template>
<p><button type="button" id="add-officer" class="button">添加一名接访人员</button></p>`,
  ];

  return page({
    title: "指派接访人员",
    person,
    styles: STYLES,
    scripts: ["/static/campaign.js"],
    body: html`<section class="summary"><dl class="facts">
<dt>活动</dt><dd><a href="${campaignHref(c.id)}">${c.name}</a></dd>
<dt>期间</dt><dd>${periodText(view)}</dd>
<dt>接访点</dt><dd>${site.label}${site.site.address ? `（${site.site.address}）` : ""}</dd>
<dt>派员单位</dt><dd>${person.unit.shortName}</dd>
<dt>指派截止</dt><dd>${formatInstant(c.nominateBy)}</dd>
<dt>尚未指派</dt><dd>${missing.length ? daysText(missing, view.days) : "无"}</dd>
</dl></section>
${fixed}${apiForm({
  api: `/api/campaigns/${c.id}/officers`,
  submitLabel: "保存指派",
  fields,
  nested: true,
  done: { href: campaignHref(c.id), label: "查看活动" },
})}`,
  });
}

/** The unit's officers with their days, in the order they were named. */
export function officerRows(view: CampaignView, unitId: number): OfficerRow[] {
  const rows = new Map<number, OfficerRow>();
  for (const s of view.shifts.filter((x) => x.unitId === unitId)) {
    const row = rows.get(s.personId) ?? {
      personId: s.personId,
      dates: [],
      locked: [],
    };
    row.dates.push(s.date);
    if (s.checkedInAt !== null) {
      row.locked.push(s.date);
    }
    rows.set(s.personId, row);
  }
  return [...rows.values()];
}

function officerRow(
  index: string,
  options: {
    view: CampaignView;
    people: Officer[];
    today: IsoDate;
    start?: OfficerRow;
  },
): SafeHtml {
  const { view, today, start } = options;
  const name = `officers.${index}`;
  const id = (part: string) => `f-officers-${index}-${part}`;
  const days = view.days.map((date) => {
    const checked = start?.dates.includes(date) ?? false;
    const locked = start?.locked.includes(date) ?? false;
    const label = dayLabel(date);
    if (locked && date >= today) {
      // Checked in: shown fixed, but still sent so that it stays.
      return html`${box(`${name}.dates[]`, date, `${label}（已签到）`, {
        checked: true, disabled: true,
      })}<input type="hidden" name="${name}.dates[]" value="${date}">`;
    }
    return box(`${name}.dates[]`, date, label, {
      checked, disabled: date < today, id: id(date),
    });
  });
  const options_ = options.people.map((p) => ({
    value: p.id,
    label: p.title ? `${p.name}（${p.title}）` : p.name,
  }));
  const removable = !start?.locked.some((d) => d >= today);

  return html`<fieldset class="officer-row" data-row="${index}">
<legend>接访人员</legend>
${selectField({
  name: `${name}.personId`, id: id("personId"), label: "从本单位人员中选择",
  groups: [{ label: "", options: options_ }], value: start?.personId,
  prompt: "新增人员（在下方填写）",
})}<div data-show-when="${name}.personId=">
${textField({ name: `${name}.name`, id: id("name"), label: "姓名", max: 64 })}${
  textField({ name: `${name}.title`, id: id("title"), label: "职务", max: 64 })
}${textField({
  name: `${name}.phone`, id: id("phone"), label: "联系电话", type: "tel",
  hint: "手机 11 位，座机如 0825-2345678",
})}</div>
<fieldset class="field" data-field="${name}.dates">
<legend>${nominationLabels.dates}<span class="req" title="必填">*</span></legend>
<div class="choices">${days}</div>
<p class="issue" data-issue-for="${name}.dates" role="alert" hidden></p>
</fieldset>
${removable
  ? html`<p class="row-actions"><button type="button" class="remove-officer">删除此行</button></p>`
  : ""}
</fieldset>
`;
}

// ---------------------------------------------------------------------
// 日调度

export function dispatchPage(options: {
  person: Person;
  view: CampaignView;
  site: SiteView;
  date: IsoDate;
  report?: DispatchRow;
}): string {
  const { person, view, site, date, report } = options;
  const c = view.campaign;
  const count = (name: string, value?: number) =>
    textField({
      name, label: dispatchLabels[name], required: true,
      inputmode: "numeric", value: value ?? "",
    });
  const fields = [
    shownField("接访点", site.label),
    shownField("日期", formatDateCn(date)),
    count("visits", report?.visits),
    count("visitors", report?.visitors),
    count("cases", report?.cases),
    textField({
      name: "amount", label: dispatchLabels.amount, required: true,
      inputmode: "decimal",
      value: report ? formatYuan(report.amountFen).replace(/,/g, "") : "",
      hint: "单位为元，可带两位小数；没有追回填 0",
    }),
    count("incidents", report?.incidents),
    textArea({
      name: "remarks", label: dispatchLabels.remarks, max: 1000, rows: 3,
      value: report?.remarks,
      hint: "接访中的重要情况、突发事件经过等",
    }),
  ];
  const status = report
    ? html`<div class="notice notice-info"><p>已于 ${formatInstant(
        report.submittedAt,
      )} 报送；再次提交即更正。</p></div>`
    : "";

  return page({
    title: `日调度：${monthDay(date)}`,
    person,
    styles: STYLES,
    body: html`<section class="summary"><dl class="facts">
<dt>活动</dt><dd><a href="${campaignHref(c.id)}">${c.name}</a></dd>
<dt>报送截止</dt><dd>${monthDay(date)} ${c.reportDue}</dd>
</dl>
<p><a href="${rollHref(c.id, site.site.id, date)}">查看当日到岗情况</a></p></section>
${status}${apiForm({
  api: `/api/campaigns/${c.id}/sites/${site.site.id}/dispatch/${date}`,
  submitLabel: report ? "更正日调度" : "报送日调度",
  fields,
  done: { href: campaignHref(c.id), label: "查看活动" },
})}`,
  });
}
