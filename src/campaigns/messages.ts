/**
 * The cards and texts of a reception campaign. Campaign messages go out
 * at once, holidays and weekends included: the campaign runs then.
 */
import type { Db } from "../../db/index.js";
import type { Card } from "../channels/types.js";
import type { AppContext } from "../context.js";
import { maskPhone } from "../mask.js";
import { formatDateCn, formatInstant, type IsoDate } from "../time.js";
import type { Unit } from "../units/directory.js";
import { formatYuan } from "../validation.js";
import {
  attendanceText,
  type dayCounts,
  type CampaignView,
  type DispatchRow,
  type SiteView,
} from "./view.js";

export const nominationCardKey = (campaignId: number, unitId: number) =>
  `campaign:${campaignId}:unit:${unitId}`;

export const dispatchCardKey = (
  campaignId: number,
  siteId: number,
  date: IsoDate,
) => `campaign:${campaignId}:dispatch:${siteId}:${date}`;

/** "10月1日" */
export function monthDay(date: IsoDate): string {
  const [, m, d] = date.split("-").map(Number);
  return `${m}月${d}日`;
}

export function periodText(view: CampaignView): string {
  const c = view.campaign;
  return `${formatDateCn(c.startDate)}至${monthDay(c.endDate)}，每日 ${c.dutyStart}–${c.dutyEnd}`;
}

/** "10月1日、10月2日、10月5日" with runs shortened: "10月1日—10月3日". */
export function daysText(dates: IsoDate[], all: IsoDate[]): string {
  const index = new Map(all.map((d, i) => [d, i]));
  const sorted = [...new Set(dates)].sort();
  const runs: IsoDate[][] = [];
  for (const d of sorted) {
    const last = runs.at(-1);
    if (last && index.get(d) === (index.get(last.at(-1)!) ?? -2) + 1) {
      last.push(d);
    } else {
      runs.push([d]);
    }
  }
  return runs
    .map((r) =>
      r.length === 1
        ? monthDay(r[0])
        : `${monthDay(r[0])}—${monthDay(r.at(-1)!)}`,
    )
    .join("、");
}

/** The days of the campaign a unit has nobody for. */
export function uncoveredDays(view: CampaignView, unitId: number): IsoDate[] {
  const covered = new Set(
    view.shifts.filter((s) => s.unitId === unitId).map((s) => s.date),
  );
  return view.days.filter((d) => !covered.has(d));
}

/** The card asking a unit to name its officers, kept in step with its list. */
export function nominationCard(
  ctx: AppContext,
  view: CampaignView,
  unit: Unit,
): Card {
  const c = view.campaign;
  const site = view.siteOfUnit.get(unit.id)!;
  const mine = view.shifts.filter((s) => s.unitId === unit.id);
  const missing = uncoveredDays(view, unit.id);
  const byPerson = new Map<number, IsoDate[]>();
  for (const s of mine) {
    byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), s.date]);
  }
  const named = [...byPerson].map(
    ([pid, dates]) =>
      `${view.officers.get(pid)?.name ?? "?"}（${daysText(dates, view.days)}）`,
  );
  const fields = [
    { label: "活动", value: c.name },
    { label: "期间", value: periodText(view) },
    {
      label: "接访点",
      value: site.site.address
        ? `${site.label}（${site.site.address}）`
        : site.label,
    },
    { label: "指派截止", value: formatInstant(c.nominateBy) },
  ];
  if (named.length > 0) {
    fields.push({ label: "已指派", value: named.join("；") });
  }
  const cancelled = c.status === "cancelled";
  return {
    key: nominationCardKey(c.id, unit.id),
    title: `集中接访：请${unit.shortName}指派接访人员`,
    fields,
    status: cancelled
      ? { text: "活动已取消", tone: "danger" }
      : mine.length === 0
        ? { text: "待指派", tone: "warning" }
        : missing.length > 0
          ? {
              text: `尚有 ${missing.length} 天未指派：${daysText(missing, view.days)}`,
              tone: "warning",
            }
          : { text: "已指派，每天都有人值班", tone: "success" },
    note: "每个单位每天至少派 1 名业务骨干到属地人社部门接访点。",
    buttons: cancelled
      ? []
      : [
          {
            label: mine.length === 0 ? "指派人员" : "修改指派",
            style: "primary",
            url: ctx.links.campaignOfficers(c.id),
          },
        ],
    url: ctx.links.campaign(c.id),
  };
}

/** The daily dispatch card a site's HRSS gets each campaign day. */
export function dispatchCard(
  ctx: AppContext,
  view: CampaignView,
  site: SiteView,
  date: IsoDate,
  report: DispatchRow | undefined,
): Card {
  const c = view.campaign;
  const fields = [
    { label: "活动", value: c.name },
    { label: "接访点", value: site.label },
    { label: "日期", value: formatDateCn(date) },
    { label: "报送截止", value: `${monthDay(date)} ${c.reportDue}` },
  ];
  if (report) {
    fields.push({ label: "已报送", value: dispatchLine(report) });
  }
  return {
    key: dispatchCardKey(c.id, site.site.id, date),
    title: `集中接访日调度：${monthDay(date)}`,
    fields,
    status: report
      ? {
          text: `已于 ${formatInstant(report.submittedAt)} 报送`,
          tone: "success",
        }
      : { text: "待报送", tone: "warning" },
    buttons: [
      {
        label: report ? "修改报送" : "填报",
        style: "primary",
        url: ctx.links.campaignDispatch(c.id, site.site.id, date),
      },
      {
        label: "今日到岗",
        url: ctx.links.campaignRoll(c.id, site.site.id, date),
      },
    ],
    url: ctx.links.campaign(c.id),
  };
}

export function dispatchLine(r: DispatchRow): string {
  return (
    `来访 ${r.visits} 批 ${r.visitors} 人，处理欠薪案件 ${r.cases} 件，` +
    `追回工资 ${formatYuan(r.amountFen)} 元，突发事件 ${r.incidents} 起`
  );
}

/** The roll of one site on one day, for people who keep it. */
export function rollText(
  view: CampaignView,
  site: SiteView,
  date: IsoDate,
  now: number,
): string {
  const c = view.campaign;
  const lines = [
    `${site.label} ${monthDay(date)} 到岗情况（${c.dutyStart}–${c.dutyEnd}）：`,
  ];
  let n = 0;
  for (const unit of site.units) {
    const shifts = view.shifts.filter(
      (s) => s.unitId === unit.id && s.date === date,
    );
    if (shifts.length === 0) {
      lines.push(`${++n}. ${unit.shortName}：未派员`);
      continue;
    }
    for (const s of shifts) {
      const o = view.officers.get(s.personId);
      const phone = o?.phone ? ` ${maskPhone(o.phone)}` : "";
      lines.push(
        `${++n}. ${unit.shortName} ${o?.name ?? "?"}${phone}：${attendanceText(c, s, now)}`,
      );
    }
  }
  if (site.units.length === 0) {
    lines.push("（本接访点没有派员单位）");
  }
  return lines.join("\n");
}

/** Queues a message to people now: campaign messages do not wait for office hours. */
export async function sendNow(
  ctx: AppContext,
  q: Db,
  now: number,
  dedupeKey: string,
  personIds: number[],
  body:
    | { type: "text"; text: string }
    | { type: "markdown"; title: string; text: string }
    | { type: "card"; card: Card },
): Promise<number> {
  let queued = 0;
  for (const id of [...new Set(personIds)]) {
    const fresh = await ctx.outbox.enqueue(
      q,
      {
        dedupeKey: `${dedupeKey}:${id}`,
        target: { type: "person", id },
        body,
        notBefore: now,
      },
      now,
    );
    queued += fresh ? 1 : 0;
  }
  return queued;
}

/** "应到 3 人，已到 2 人（迟到 1 人），未派员单位 1 个" */
export function countsText(counts: ReturnType<typeof dayCounts>): string {
  return (
    `应到 ${counts.due} 人，已到 ${counts.present} 人` +
    (counts.late > 0 ? `（迟到 ${counts.late} 人）` : "") +
    (counts.unsent.length > 0 ? `，未派员单位 ${counts.unsent.length} 个` : "")
  );
}
