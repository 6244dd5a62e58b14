/**
 * The roll of one reception site on one day: every sending unit, its
 * officers with post, phone, attendance and where they checked in; for an
 * officer who has not checked in, the site records the attendance (补登).
 * Only the site's staff and the organizer open it, so phones show whole.
 */
import { attendanceLabels } from "../../campaigns/input.js";
import { countsText, monthDay } from "../../campaigns/messages.js";
import {
  attendanceText,
  dayCounts,
  type CampaignView,
  type ShiftRow,
  type SiteView,
} from "../../campaigns/view.js";
import type { IsoDate } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { html, type SafeHtml } from "../html.js";
import {
  campaignHref,
  dayLabel,
  dispatchHref,
  rollHref,
} from "./campaigns.js";
import { apiForm, textField } from "./form-kit.js";
import { page } from "./layout.js";

export function rollPage(options: {
  person: Person;
  view: CampaignView;
  site: SiteView;
  date: IsoDate;
  now: number;
  today: IsoDate;
}): string {
  const { person, view, site, date, now, today } = options;
  const c = view.campaign;
  const entries = site.units.flatMap((unit) => {
    const shifts = view.shifts.filter(
      (s) => s.unitId === unit.id && s.date === date,
    );
    if (shifts.length === 0) {
      return [html`<li><strong>${unit.shortName}</strong>：<span class="late">未派员</span></li>
`];
    }
    return shifts.map((s) => officerEntry(options, unit.shortName, s));
  });
  const report = c.status === "active" && date <= today
    ? html` · <a href="${dispatchHref(c.id, site.site.id, date)}">日调度</a>`
    : "";

  return page({
    title: `到岗情况：${monthDay(date)}`,
    person,
    styles: ["/static/campaign.css"],
    body: html`<section class="summary"><dl class="facts">
<dt>活动</dt><dd><a href="${campaignHref(c.id)}">${c.name}</a></dd>
<dt>接访点</dt><dd>${site.label}${site.site.address ? `（${site.site.address}）` : ""}</dd>
<dt>日期</dt><dd>${dayLabel(date)}，${c.dutyStart}–${c.dutyEnd}</dd>
<dt>到岗</dt><dd>${countsText(dayCounts(view, site, date, now))}</dd>
</dl><p><a href="${campaignHref(c.id)}">活动详情</a>${report}</p></section>
<section>${entries.length
  ? html`<ul class="history roll">${entries}</ul>`
  : html`<p class="empty">本接访点没有派员单位。</p>`}</section>`,
  });
}

function officerEntry(
  options: { view: CampaignView; now: number; today: IsoDate },
  unitName: string,
  shift: ShiftRow,
): SafeHtml {
  const { view, now, today } = options;
  const o = view.officers.get(shift.personId);
  const state = attendanceText(view.campaign, shift, now);
  const missing = shift.checkedInAt === null;
  const places = [
    place("签到位置", shift.checkInLocation),
    place("签退位置", shift.checkOutLocation),
  ].filter((p) => p !== undefined);
  const record = missing && shift.date <= today
    ? recordForm(view, shift, o?.name ?? "")
    : "";

  return html`<li data-shift="${shift.id}"><strong>${unitName}</strong> ${
    o?.name ?? ""
  }${o?.title ? `（${o.title}）` : ""} ${o?.phone ?? ""}
<br><span class="${missing ? "late" : ""}">${state}</span>${places.map(
    (p) => html`<br><span class="when">${p}</span>`,
  )}${shift.remarks ? html`<br><span class="when">补登原因：${shift.remarks}</span>` : ""}
${record}</li>
`;
}

/** "签到位置：遂宁市人社大厦（30.51234, 105.57123）" from the stored JSON. */
function place(what: string, json: string | null): string | undefined {
  if (!json) {
    return undefined;
  }
  try {
    const l = JSON.parse(json) as Record<string, unknown>;
    if (typeof l.latitude !== "number" || typeof l.longitude !== "number") {
      return undefined;
    }
    const where = `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`;
    const label = typeof l.label === "string" && l.label ? l.label : "";
    return label ? `${what}：${label}（${where}）` : `${what}：${where}`;
  } catch {
    return undefined;
  }
}

/** 补登: the site records an officer's attendance, with the reason. */
function recordForm(
  view: CampaignView,
  shift: ShiftRow,
  name: string,
): SafeHtml {
  const id = (field: string) => `f-${shift.id}-${field}`;
  return html`<details class="explain record"><summary>为${name}补登到岗</summary>
${apiForm({
  api: `/api/campaigns/${view.campaign.id}/shifts/${shift.id}/attendance`,
  submitLabel: "补登",
  done: {
    href: rollHref(view.campaign.id, shift.siteId, shift.date),
    label: "刷新到岗情况",
  },
  fields: [
    textField({
      name: "checkedIn", id: id("checkedIn"), type: "time", required: true,
      label: attendanceLabels.checkedIn, value: view.campaign.dutyStart,
    }),
    textField({
      name: "checkedOut", id: id("checkedOut"), type: "time",
      label: attendanceLabels.checkedOut, hint: "尚未离岗的可不填",
    }),
    textField({
      name: "remarks", id: id("remarks"), required: true, max: 200,
      label: attendanceLabels.remarks,
      hint: "如：手机没电未能签到，已到岗（经接访点核实）",
    }),
  ],
})}</details>`;
}
