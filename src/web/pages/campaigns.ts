/**
 * Reception campaigns (集中接访) on the web: the list of campaigns a
 * person takes part in, and one campaign's page with its sites, the units
 * each site expects, who each unit named for which days, and how each day
 * went. What a person may do shows as buttons beside it.
 */
import {
  countsText,
  daysText,
  monthDay,
  periodText,
  uncoveredDays,
} from "../../campaigns/messages.js";
import {
  dayCounts,
  type CampaignRow,
  type CampaignView,
  type DispatchRow,
  type SiteView,
} from "../../campaigns/view.js";
import { maskPhone } from "../../mask.js";
import {
  formatDateCn,
  formatInstant,
  weekdayOf,
  type IsoDate,
} from "../../time.js";
import type { Person, Unit } from "../../units/directory.js";
import {
  canNominate,
  canRunCampaigns,
  isOrganizer,
  isSiteStaff,
  keepsSite,
  seesPhone,
} from "../campaign-guards.js";
import { html, type SafeHtml } from "../html.js";
import { apiForm } from "./form-kit.js";
import { page } from "./layout.js";

const WEEKDAYS = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/** "10月1日 周四" */
export function dayLabel(date: IsoDate): string {
  return `${monthDay(date)} ${WEEKDAYS[weekdayOf(date)]}`;
}

/** Where a campaign stands on a date, with the tone of its badge. */
export function campaignState(c: CampaignRow, today: IsoDate) {
  if (c.status === "cancelled") {
    return { text: "已取消", tone: "warning" };
  }
  if (today < c.startDate) {
    return { text: "未开始", tone: "" };
  }
  return today > c.endDate
    ? { text: "已结束", tone: "closed" }
    : { text: "进行中", tone: "" };
}

export const campaignHref = (id: number) => `/campaigns/${id}`;

export const dispatchHref = (id: number, siteId: number, date: IsoDate) =>
  `/campaigns/${id}/sites/${siteId}/dispatch/${date}`;

export const rollHref = (id: number, siteId: number, date: IsoDate) =>
  `/campaigns/${id}/sites/${siteId}/roll/${date}`;

export function campaignListPage(options: {
  person: Person;
  campaigns: CampaignRow[];
  units: Map<number, Unit>;
  today: IsoDate;
}): string {
  const { person, campaigns, today } = options;
  const create = canRunCampaigns(person)
    ? html`<p class="links"><a class="button primary" href="/campaigns/new">新建集中接访</a></p>`
    : "";
  const items = campaigns.map((c) => {
    const state = campaignState(c, today);
    const organizer = options.units.get(c.organizerUnitId)?.shortName ?? "";
    return html`<li><a href="${campaignHref(c.id)}">${c.name}</a>
<span class="status ${state.tone}">${state.text}</span>
<span class="when">${formatDateCn(c.startDate)}至${monthDay(c.endDate)}，每日 ${
      c.dutyStart
    }–${c.dutyEnd}；${organizer}组织</span></li>
`;
  });
  const list = items.length
    ? html`<section><ul class="history campaign-list">${items}</ul></section>`
    : html`<p class="empty">近期没有您参与的集中接访活动。</p>`;
  return page({
    title: "集中接访",
    person,
    styles: ["/static/campaign.css"],
    body: html`${create}<p class="hint">列出正在进行、即将开始和近期结束的活动中，与${
      person.unit.shortName
    }或您本人有关的。</p>
${list}`,
  });
}

export function campaignPage(options: {
  person: Person;
  view: CampaignView;
  dispatches: Map<string, DispatchRow>;
  now: number;
  today: IsoDate;
}): string {
  const { person, view } = options;
  return page({
    title: view.campaign.name,
    person,
    styles: ["/static/campaign.css"],
    body: html`${overview(options)}
<h2>接访点与派员单位</h2>
${view.sites.map((site) => siteSection(person, view, site))}
<h2>每日情况</h2>
${days(options)}`,
  });
}

function overview(options: {
  person: Person;
  view: CampaignView;
  today: IsoDate;
}): SafeHtml {
  const { view, today } = options;
  const c = view.campaign;
  const state = campaignState(c, today);
  return html`<section><p><span class="status ${state.tone}">${state.text}</span></p>
<dl class="facts">
<dt>组织单位</dt><dd>${view.organizer.shortName}</dd>
<dt>期间</dt><dd>${periodText(view)}</dd>
<dt>指派截止</dt><dd>${formatInstant(c.nominateBy)}</dd>
<dt>签到提醒</dt><dd>值班开始 ${c.remindAfterMin} 分钟后未签到的提醒本人，${
    c.escalateAfterMin
  } 分钟后告知本单位联络员和负责人</dd>
<dt>日调度</dt><dd>各接访点每日 ${c.reportDue} 前报送，${c.summaryAt} 汇总</dd>
</dl>
${actions(options)}</section>`;
}

/** The buttons of what this person may do now. */
function actions(options: {
  person: Person;
  view: CampaignView;
  today: IsoDate;
}): SafeHtml {
  const { person, view, today } = options;
  const c = view.campaign;
  const open = c.status === "active" && today <= c.endDate;
  const links: SafeHtml[] = [];
  if (open && canNominate(person, view)) {
    const named = view.shifts.some((s) => s.unitId === person.unit.id);
    links.push(html`<a class="button primary" href="${campaignHref(c.id)}/officers">${
      named ? "修改指派" : "指派人员"
    }</a> `);
  }
  if (view.days.includes(today)) {
    // A unit hosts one site at most.
    for (const site of view.sites.filter((s) => isSiteStaff(person, s))) {
      if (c.status === "active") {
        const href = dispatchHref(c.id, site.site.id, today);
        links.push(html`<a class="button" href="${href}">今日日调度</a> `);
      }
      const href = rollHref(c.id, site.site.id, today);
      links.push(html`<a class="button" href="${href}">今日到岗</a> `);
    }
  }
  // The official tables of the campaign (attachment 6, the report).
  const exportHref = (table: string, unit?: number) =>
    `/exports/file?table=${table}&period=%23${c.id}` +
    (unit === undefined ? "" : `&unit=${unit}`);
  if (isOrganizer(person, view)) {
    links.push(html`<a class="button" href="${exportHref("attendance")}">导出考勤表</a> `);
    links.push(html`<a class="button" href="${exportHref("campaign-report")}">导出接访报告</a> `);
  } else {
    for (const site of view.sites.filter((s) => isSiteStaff(person, s))) {
      const href = exportHref("attendance", site.host.id);
      links.push(html`<a class="button" href="${href}">导出本接访点考勤表</a> `);
    }
  }
  const cancel = open && isOrganizer(person, view)
    ? html`<details class="explain"><summary>取消活动…</summary>
<p>取消后不再提醒和汇总，已指派的接访人员会收到取消通知。</p>
${apiForm({
  api: `/api/campaigns/${c.id}/cancel`,
  submitLabel: "确认取消活动",
  fields: [],
  danger: true,
  done: { href: campaignHref(c.id), label: "刷新" },
})}</details>`
    : "";
  return html`${links.length ? html`<p class="links">${links}</p>` : ""}${cancel}`;
}

function siteSection(
  person: Person,
  view: CampaignView,
  site: SiteView,
): SafeHtml {
  const address = site.site.address
    ? html`<p>地址：${site.site.address}</p>`
    : "";
  const units = site.units.length
    ? html`<ul class="history">${site.units.map((u) =>
        unitItem(person, view, u),
      )}</ul>`
    : html`<p class="empty">本接访点没有派员单位。</p>`;
  return html`<section>
<h3>${site.label}</h3>
${address}${units}</section>
`;
}

/** A sending unit: its officers with their days, and days nobody covers. */
function unitItem(person: Person, view: CampaignView, unit: Unit): SafeHtml {
  const shifts = view.shifts.filter((s) => s.unitId === unit.id);
  const byPerson = new Map<number, typeof shifts>();
  for (const s of shifts) {
    byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), s]);
  }
  const officers = [...byPerson].map(([personId, own]) => {
    const o = view.officers.get(personId);
    const phone = o?.phone
      ? seesPhone(person, view, own[0]) ? o.phone : maskPhone(o.phone)
      : "";
    const dates = own.map((s) => s.date);
    return html`<li>${o?.name ?? ""}${o?.title ? `（${o.title}）` : ""} ${
      phone
    }：${daysText(dates, view.days)}</li>`;
  });
  const missing = uncoveredDays(view, unit.id);
  const gap = shifts.length === 0
    ? html`<p class="late">尚未指派接访人员</p>`
    : missing.length
      ? html`<p class="late">未指派：${daysText(missing, view.days)}</p>`
      : "";
  return html`<li><strong>${unit.shortName}</strong>
${officers.length ? html`<ul class="officers">${officers}</ul>` : ""}${gap}</li>
`;
}

/** Each day up to today: per site, the roll's counts and the report. */
function days(options: {
  person: Person;
  view: CampaignView;
  dispatches: Map<string, DispatchRow>;
  now: number;
  today: IsoDate;
}): SafeHtml {
  const { view, today } = options;
  const past = view.days.filter((d) => d <= today).reverse();
  if (past.length === 0) {
    return html`<p class="empty">活动${formatDateCn(
      view.campaign.startDate,
    )}开始，届时这里按日显示到岗和日调度情况。</p>`;
  }
  return html`${past.map((date) => html`<section>
<h3>${dayLabel(date)}</h3>
<ul class="history">${view.sites.map((site) =>
    siteDay(options, site, date),
  )}</ul></section>
`)}`;
}

function siteDay(
  options: {
    person: Person;
    view: CampaignView;
    dispatches: Map<string, DispatchRow>;
    now: number;
  },
  site: SiteView,
  date: IsoDate,
): SafeHtml {
  const { person, view } = options;
  const c = view.campaign;
  const report = options.dispatches.get(`${site.site.id}:${date}`);
  const reported = report
    ? html`日调度已于 ${formatInstant(report.submittedAt)} 报送`
    : html`<span class="late">日调度未报送</span>`;
  const links = keepsSite(person, view, site)
    ? html`<br><a href="${rollHref(c.id, site.site.id, date)}">到岗明细</a>${
        c.status === "active"
          ? html` · <a href="${dispatchHref(c.id, site.site.id, date)}">${
              report ? "查看或更正日调度" : "填报日调度"
            }</a>`
          : ""
      }`
    : "";
  const counts = countsText(dayCounts(view, site, date, options.now));
  return html`<li><strong>${site.label}</strong>：${counts}；${reported}${links}</li>
`;
}
