/**
 * Reception campaigns' reminders (spec 3.5), every few minutes and every
 * day: campaigns run on holidays and weekends, so nothing here asks the
 * working-day calendar. Each run sends whatever has become due and has
 * not gone out yet; every message has a dedupe key, so each goes once
 * however often the job runs, and a run missed by a stopped server is
 * caught up on the same day.
 *
 * What becomes due, per campaign:
 * - after the nomination deadline: liaisons of units with days nobody
 *   covers; a day later, their leaders;
 * - each campaign day, an hour before duty: each officer's duty notice;
 * - at the duty start: each site's daily dispatch card;
 * - remindAfterMin later: officers not checked in; escalateAfterMin
 *   later: their unit's liaisons and leaders;
 * - at the report deadline: sites without the day's report;
 * - at the duty end: officers who have not checked out;
 * - at the summary hour: the organizer's consolidated summary, and the
 *   leaders of sites that never reported.
 */
import { plainInMarkdown as plain } from "../src/channels/text.js";
import type { Config } from "../src/config.js";
import type { AppContext } from "../src/context.js";
import {
  daysText,
  dispatchCard,
  dispatchLine,
  monthDay,
  sendNow,
  uncoveredDays,
} from "../src/campaigns/messages.js";
import {
  campaignsFrom,
  dayCounts,
  dispatchesOn,
  loadCampaign,
  shiftStatus,
  type CampaignView,
} from "../src/campaigns/view.js";
import { atTime, endOfDate, formatInstant, type IsoDate } from "../src/time.js";
import type { Role } from "../src/units/kinds.js";
import { formatYuan } from "../src/validation.js";
import type { JobResult, JobRun } from "./job.js";

export const schedule = (config: Config) => config.schedules.campaignTick;

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** The duty notice goes this long before the duty starts. */
export const DUTY_NOTICE_BEFORE_MIN = 60;

type Counts = Record<string, number>;

export async function run(r: JobRun): Promise<JobResult> {
  const { ctx } = r.bot;
  const counts: Counts = { campaigns: 0, queued: 0 };
  const campaigns = await campaignsFrom(ctx, ctx.store.db, r.today);
  for (const c of campaigns) {
    if (r.now < c.nominateBy) {
      continue;
    }
    counts.campaigns++;
    const view = await loadCampaign(ctx, ctx.store.db, c.id);
    await new Tick(ctx, r, view, counts).run();
  }
  return {
    summary: `${counts.campaigns} campaign(s), ${counts.queued} message(s) queued`,
    counts,
  };
}

class Tick {
  constructor(
    private readonly ctx: AppContext,
    private readonly r: JobRun,
    private readonly view: CampaignView,
    private readonly counts: Counts,
  ) {}

  private get c() {
    return this.view.campaign;
  }

  private at(hhmm: string, plusMin = 0) {
    return atTime(this.r.today, hhmm) + plusMin * MIN;
  }

  async run() {
    await this.nominations();
    if (this.r.today < this.c.startDate) {
      return;
    }
    const { now } = this.r;
    const c = this.c;
    const end = this.at(c.dutyEnd);
    if (now >= this.at(c.dutyStart, -DUTY_NOTICE_BEFORE_MIN) && now < end) {
      await this.dutyNotices();
    }
    if (now >= this.at(c.dutyStart)) {
      await this.dispatchCards();
    }
    if (now >= this.at(c.dutyStart, c.remindAfterMin) && now < end) {
      await this.lateOfficers();
    }
    if (now >= this.at(c.dutyStart, c.escalateAfterMin) && now < end) {
      await this.absentUnits();
    }
    if (now >= this.at(c.reportDue)) {
      await this.missingReports();
    }
    if (now >= end) {
      await this.checkOutReminders();
    }
    if (now >= this.at(c.summaryAt)) {
      await this.summary();
    }
  }

  private async send(
    key: string,
    to: number[],
    body: Parameters<typeof sendNow>[5],
    what: string,
  ) {
    const queued = await this.ctx.store.tx((q) =>
      sendNow(this.ctx, q, this.r.now, key, to, body),
    );
    this.counts.queued += queued;
    this.counts[what] = (this.counts[what] ?? 0) + queued;
  }

  private async people(unitId: number, roles: Role[]) {
    const found = await this.ctx.directory.peopleWithRole(unitId, roles);
    if (found.length === 0) {
      this.r.log.warn(
        { unitId, roles, campaignId: this.c.id },
        "campaign-tick: unit has nobody with these roles to tell",
      );
    }
    return found.map((p) => p.id);
  }

  private officerName(personId: number) {
    return this.view.officers.get(personId)?.name ?? "";
  }

  /** Units with days nobody covers, from today on. */
  private async nominations() {
    const { c, view, r } = this;
    const from = r.today > c.startDate ? r.today : c.startDate;
    for (const site of view.sites) {
      for (const unit of site.units) {
        const missing = uncoveredDays(view, unit.id).filter((d) => d >= from);
        if (missing.length === 0) {
          continue;
        }
        const none = !view.shifts.some((s) => s.unitId === unit.id);
        const what = none
          ? "还没有指派接访人员"
          : `还有 ${missing.length} 天没有指派接访人员（${daysText(missing, view.days)}）`;
        const link = this.ctx.links.campaignOfficers(c.id);
        await this.send(
          `campaign:${c.id}:nominate-late:${unit.id}`,
          await this.people(unit.id, ["liaison"]),
          {
            type: "text",
            text:
              `【集中接访】“${c.name}”指派截止时间（${formatInstant(c.nominateBy)}）已过，` +
              `${unit.shortName}${what}。请尽快指派：${link}`,
          },
          "nominateReminders",
        );
        if (r.now >= c.nominateBy + DAY) {
          await this.send(
            `campaign:${c.id}:nominate-leader:${unit.id}`,
            await this.people(unit.id, ["leader"]),
            {
              type: "text",
              text:
                `【集中接访】“${c.name}”：${unit.shortName}${what}，` +
                `指派截止时间 ${formatInstant(c.nominateBy)} 已过一天，联络员已提醒过。` +
                `请督促落实：每个单位每天至少派 1 名业务骨干到${site.label}。`,
            },
            "nominateLeaders",
          );
        }
      }
    }
  }

  private todays() {
    return this.view.shifts.filter((s) => s.date === this.r.today);
  }

  private async dutyNotices() {
    const c = this.c;
    for (const shift of this.todays()) {
      const site = this.view.sites.find((s) => s.site.id === shift.siteId)!;
      await this.send(
        `campaign:${c.id}:duty:${shift.id}`,
        [shift.personId],
        {
          type: "text",
          text:
            `【集中接访】今天（${monthDay(shift.date)}）您在${site.label}值班，` +
            `${c.dutyStart}–${c.dutyEnd}` +
            (site.site.address ? `，地点：${site.site.address}` : "") +
            "。到岗后请向我发送“签到”，结束时发送“签退”。",
        },
        "dutyNotices",
      );
    }
  }

  private async dispatchCards() {
    const c = this.c;
    const reports = await dispatchesOn(
      this.ctx,
      this.ctx.store.db,
      c.id,
      this.r.today,
    );
    for (const site of this.view.sites) {
      const card = dispatchCard(
        this.ctx,
        this.view,
        site,
        this.r.today,
        reports.get(site.site.id),
      );
      await this.send(
        `campaign:${c.id}:dispatch-card:${site.site.id}:${this.r.today}`,
        await this.people(site.host.id, ["liaison", "caseworker"]),
        { type: "card", card },
        "dispatchCards",
      );
    }
  }

  private notCheckedIn() {
    return this.todays().filter(
      (s) => shiftStatus(this.c, s, this.r.now).attendance === "not_yet",
    );
  }

  private async lateOfficers() {
    const c = this.c;
    for (const shift of this.notCheckedIn()) {
      const site = this.view.sites.find((s) => s.site.id === shift.siteId)!;
      await this.send(
        `campaign:${c.id}:late:${shift.id}`,
        [shift.personId],
        {
          type: "text",
          text:
            `【集中接访】您今天（${monthDay(shift.date)}）在${site.label}值班` +
            `（${c.dutyStart} 开始），还没有签到。` +
            "到岗后请立即发送“签到”；如无法到岗，请马上告知本单位联络员安排替班。",
        },
        "lateReminders",
      );
    }
  }

  private async absentUnits() {
    const { c, view, r } = this;
    const missing = this.notCheckedIn();
    for (const site of view.sites) {
      for (const unit of site.units) {
        const mine = this.todays().filter((s) => s.unitId === unit.id);
        const absent = missing.filter((s) => s.unitId === unit.id);
        if (mine.length > 0 && absent.length === 0) {
          continue;
        }
        const what =
          mine.length === 0
            ? `${unit.shortName}今天没有指派人员到${site.label}值班`
            : `${unit.shortName}指派到${site.label}的${absent
                .map((s) => this.officerName(s.personId))
                .join("、")}，值班开始 ${c.escalateAfterMin} 分钟后仍未签到`;
        await this.send(
          `campaign:${c.id}:absent:${unit.id}:${r.today}`,
          await this.people(unit.id, ["liaison", "leader"]),
          {
            type: "text",
            text:
              `【集中接访】${monthDay(r.today)}“${c.name}”：${what}（${c.dutyStart} 开始）。` +
              "请立即落实到岗或安排替班，并在名单中修改指派。",
          },
          "absentUnits",
        );
      }
    }
  }

  private async missingReports() {
    const { c, view, r } = this;
    const reports = await dispatchesOn(
      this.ctx,
      this.ctx.store.db,
      c.id,
      r.today,
    );
    for (const site of view.sites) {
      if (reports.has(site.site.id)) {
        continue;
      }
      await this.send(
        `campaign:${c.id}:dispatch-late:${site.site.id}:${r.today}`,
        await this.people(site.host.id, ["liaison", "caseworker"]),
        {
          type: "text",
          text:
            `【集中接访】${site.label}${monthDay(r.today)}的日调度应于 ${c.reportDue} 前报送，` +
            `目前还没有收到。请尽快填报：${this.ctx.links.campaignDispatch(c.id, site.site.id, r.today)}`,
        },
        "dispatchReminders",
      );
    }
  }

  private async checkOutReminders() {
    const c = this.c;
    if (this.r.now >= endOfDate(this.r.today)) {
      return;
    }
    for (const shift of this.todays()) {
      if (
        shift.checkedInAt === null ||
        shift.checkedOutAt !== null ||
        shift.recordedBy !== null
      ) {
        continue;
      }
      await this.send(
        `campaign:${c.id}:checkout:${shift.id}`,
        [shift.personId],
        {
          type: "text",
          text:
            `【集中接访】${monthDay(shift.date)}的值班已于 ${c.dutyEnd} 结束，` +
            "离开时请发送“签退”。",
        },
        "checkOutReminders",
      );
    }
  }

  /** The organizer's summary of the day, and the leaders of silent sites. */
  private async summary() {
    const { c, view, r } = this;
    const reports = await dispatchesOn(
      this.ctx,
      this.ctx.store.db,
      c.id,
      r.today,
    );
    const text = daySummary(view, r.today, r.now, reports);
    const organizer = await this.people(c.organizerUnitId, [
      "liaison",
      "leader",
      "caseworker",
    ]);
    await this.send(
      `campaign:${c.id}:summary:${r.today}`,
      [...organizer, c.createdBy],
      { type: "markdown", title: `集中接访${monthDay(r.today)}汇总`, text },
      "summaries",
    );
    for (const site of view.sites) {
      if (reports.has(site.site.id)) {
        continue;
      }
      await this.send(
        `campaign:${c.id}:dispatch-missing:${site.site.id}:${r.today}`,
        await this.people(site.host.id, ["leader"]),
        {
          type: "text",
          text:
            `【集中接访】${site.label}${monthDay(r.today)}的日调度至 ${c.summaryAt} 仍未报送，` +
            `未能纳入全市汇总。请督促于今天内补报。`,
        },
        "dispatchLeaders",
      );
    }
  }
}

/** The consolidated daily summary (markdown) for the organizer. */
export function daySummary(
  view: CampaignView,
  date: IsoDate,
  now: number,
  reports: Map<number, import("../src/campaigns/view.js").DispatchRow>,
): string {
  const c = view.campaign;
  const shifts = view.shifts.filter((s) => s.date === date);
  const status = (s: (typeof shifts)[number]) => shiftStatus(c, s, now);
  const present = shifts.filter((s) =>
    ["on_time", "late"].includes(status(s).attendance),
  );
  const late = shifts.filter((s) => status(s).attendance === "late");
  const absent = shifts.filter((s) =>
    ["absent", "not_yet"].includes(status(s).attendance),
  );
  const unsent = view.sites.flatMap((site) =>
    site.units
      .filter((u) => !shifts.some((s) => s.unitId === u.id))
      .map((u) => ({ site, u })),
  );
  const total = {
    visits: 0,
    visitors: 0,
    cases: 0,
    amountFen: 0,
    incidents: 0,
  };
  for (const rep of reports.values()) {
    total.visits += rep.visits;
    total.visitors += rep.visitors;
    total.cases += rep.cases;
    total.amountFen += rep.amountFen;
    total.incidents += rep.incidents;
  }
  const unitName = (id: number) =>
    view.sites.flatMap((s) => s.units).find((u) => u.id === id)?.shortName ??
    "";
  const who = (s: (typeof shifts)[number]) =>
    `${unitName(s.unitId)} ${plain(view.officers.get(s.personId)?.name ?? "")}`;
  const lines = [
    `**“${plain(c.name)}”${monthDay(date)}汇总**`,
    "",
    `到岗：应到 ${shifts.length} 人，到岗 ${present.length} 人` +
      `（迟到 ${late.length} 人），未到岗 ${absent.length} 人；未派员 ${unsent.length} 个单位次。`,
    `日调度：${reports.size}/${view.sites.length} 个接访点已报送；合计来访 ${total.visits} 批 ` +
      `${total.visitors} 人，处理欠薪案件 ${total.cases} 件，追回工资 ` +
      `${formatYuan(total.amountFen)} 元，突发事件 ${total.incidents} 起。`,
    "",
  ];
  for (const site of view.sites) {
    const rep = reports.get(site.site.id);
    const day = dayCounts(view, site, date, now);
    lines.push(
      `- ${site.label}：到岗 ${day.present}/${day.due}；` +
        (rep
          ? dispatchLine(rep) + (rep.remarks ? `。${plain(rep.remarks)}` : "")
          : "**未报送日调度**"),
    );
  }
  if (absent.length > 0) {
    lines.push("", `未到岗：${absent.map(who).join("；")}`);
  }
  if (late.length > 0) {
    lines.push(
      "",
      `迟到：${late.map((s) => `${who(s)}（${status(s).lateMinutes} 分钟）`).join("；")}`,
    );
  }
  // Leaving early and never signing out are failing the duty too (履职不到位).
  const early = shifts.filter((s) => status(s).earlyMinutes > 0);
  if (early.length > 0) {
    lines.push(
      "",
      `早退：${early.map((s) => `${who(s)}（${status(s).earlyMinutes} 分钟）`).join("；")}`,
    );
  }
  const ended = now >= atTime(date, c.dutyEnd);
  const noCheckOut = shifts.filter(
    (s) =>
      ended &&
      s.checkedInAt !== null &&
      s.checkedOutAt === null &&
      s.recordedBy === null,
  );
  if (noCheckOut.length > 0) {
    lines.push("", `未签退：${noCheckOut.map(who).join("；")}`);
  }
  if (unsent.length > 0) {
    lines.push(
      "",
      `未派员：${unsent.map((x) => `${x.u.shortName}（${x.site.label}）`).join("、")}`,
    );
  }
  return lines.join("\n");
}
