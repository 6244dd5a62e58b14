/**
 * Duty officers check in and out by message (签到 / 签退), from any
 * platform; a location, where the platform sends one, is kept with the
 * check-in. The site's staff, the organizer and the sending units ask for
 * the day's roll (今日到岗). Wrong check-ins get a clear answer and change
 * nothing.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppError, conflict } from "../errors.js";
import { once } from "../once.js";
import type { Acting } from "../referrals/commands.js";
import { addDays, atTime, dateOf, timeOf, type IsoDate } from "../time.js";
import type { Person } from "../units/directory.js";
import { countsText, monthDay, rollText } from "./messages.js";
import { isOrganizer, isSiteStaff } from "./permissions.js";
import { siteOf } from "./service.js";
import {
  attendanceText,
  campaignsOn,
  dayCounts,
  loadCampaign,
  shiftsOf,
  shiftStatus,
  type CampaignRow,
  type ShiftRow,
} from "./view.js";

/** Check-in opens this long before the duty starts. */
export const EARLY_CHECK_IN_MIN = 120;

/** Where the platform said the person was. */
export interface Location {
  latitude: number;
  longitude: number;
  /** The place's name, when the platform gives one. */
  label?: string;
  /** Accuracy in metres, when given. */
  precision?: number;
}

export interface AttendanceAnswer {
  message: string;
  duplicate?: boolean;
}

const notOnDuty = (message: string) =>
  new AppError("not_on_duty", message, 409);

export class Attendance {
  constructor(private readonly ctx: AppContext) {}

  checkIn(acting: Acting, key: string, location?: Location) {
    return this.once(acting, "duty.check_in", key, { location }, (q, now) =>
      this.doCheckIn(q, acting, now, location),
    );
  }

  checkOut(acting: Acting, key: string, location?: Location) {
    return this.once(acting, "duty.check_out", key, { location }, (q, now) =>
      this.doCheckOut(q, acting, now, location),
    );
  }

  /**
   * A location message: checks in if the officer has not yet; otherwise
   * it is kept with the check-in (or check-out) that has none.
   */
  shareLocation(acting: Acting, key: string, location: Location) {
    return this.once(
      acting,
      "duty.location",
      key,
      { location },
      async (q, now) => {
        const { shift } = await this.todays(q, acting.person, now);
        if (shift.checkedInAt === null) {
          return this.doCheckIn(q, acting, now, location);
        }
        const { dutyShifts } = this.ctx.store.t;
        const where =
          shift.checkedOutAt === null ? "checkInLocation" : "checkOutLocation";
        if (shift[where] !== null) {
          return {
            message: "位置已收到。您今天的签到位置已经记录，无需再次发送。",
          };
        }
        await q
          .update(dutyShifts)
          .set({ [where]: stored(location) })
          .where(eq(dutyShifts.id, shift.id));
        await this.audit(q, acting, now, shift, "duty.location", { location });
        return {
          message: `已记录您的${where === "checkInLocation" ? "签到" : "签退"}位置：${placeText(location)}。`,
        };
      },
    );
  }

  private once(
    acting: Acting,
    action: string,
    key: string,
    payload: unknown,
    fn: (q: Db, now: number) => Promise<AttendanceAnswer>,
  ): Promise<AttendanceAnswer> {
    return once(
      this.ctx,
      `${action}:${acting.person.id}:${key}`,
      acting.channel,
      payload,
      (q) => fn(q, this.ctx.clock.now()),
    );
  }

  private async doCheckIn(
    q: Db,
    acting: Acting,
    now: number,
    location?: Location,
  ): Promise<AttendanceAnswer> {
    const { shift, campaign } = await this.todays(q, acting.person, now);
    const opens =
      atTime(shift.date, campaign.dutyStart) - EARLY_CHECK_IN_MIN * 60_000;
    const ends = atTime(shift.date, campaign.dutyEnd);
    if (shift.checkedInAt !== null) {
      throw conflict(
        "already_checked_in",
        `您今天已于 ${timeOf(shift.checkedInAt)} 签到，无需重复签到。` +
          (shift.checkedOutAt === null ? "值班结束时请发送“签退”。" : ""),
      );
    }
    if (now < opens) {
      throw notOnDuty(
        `还没到签到时间：今天 ${campaign.dutyStart} 开始值班，` +
          `${timeOf(opens)} 起可以签到。到岗后请再发送“签到”。`,
      );
    }
    if (now >= ends) {
      throw notOnDuty(
        `今天的值班已于 ${campaign.dutyEnd} 结束，不能再签到。` +
          "如您确已到岗，请联系接访点人社部门补登。",
      );
    }
    const { dutyShifts } = this.ctx.store.t;
    const result = await q
      .update(dutyShifts)
      .set({
        checkedInAt: now,
        checkInChannel: acting.channel,
        checkInLocation: location ? stored(location) : null,
      })
      .where(and(eq(dutyShifts.id, shift.id), isNull(dutyShifts.checkedInAt)));
    if (this.ctx.store.changes(result) !== 1) {
      throw conflict("already_checked_in", "您今天已经签到，无需重复签到。");
    }
    await this.audit(q, acting, now, shift, "duty.check_in", {
      location: location ?? null,
    });
    const view = await loadCampaign(this.ctx, q, campaign.id);
    const site = siteOf(view, shift.siteId);
    const checked = { ...shift, checkedInAt: now };
    const { lateMinutes } = shiftStatus(campaign, checked, now);
    const others = view.shifts
      .filter(
        (s) =>
          s.siteId === site.site.id &&
          s.date === shift.date &&
          s.id !== shift.id,
      )
      .map((s) => {
        const unit = site.units.find((u) => u.id === s.unitId)?.shortName ?? "";
        const name = view.officers.get(s.personId)?.name ?? "";
        return `${unit} ${name}（${attendanceText(campaign, s, now)}）`;
      });
    return {
      message: [
        `签到成功：${monthDay(shift.date)} ${timeOf(now)}，${site.label}` +
          (site.site.address ? `（${site.site.address}）` : "") +
          (lateMinutes > 0
            ? `。比值班开始（${campaign.dutyStart}）晚 ${lateMinutes} 分钟，记为迟到。`
            : "。"),
        location ? `位置：${placeText(location)}` : "",
        others.length > 0
          ? `今天同在本接访点值班：${others.join("；")}`
          : "今天本接访点只有您一人值班。",
        `值班至 ${campaign.dutyEnd}，结束时请发送“签退”。`,
      ]
        .filter(Boolean)
        .join("\n"),
    };
  }

  private async doCheckOut(
    q: Db,
    acting: Acting,
    now: number,
    location?: Location,
  ): Promise<AttendanceAnswer> {
    const { shift, campaign } = await this.todays(
      q,
      acting.person,
      now,
      "签退",
    );
    if (shift.checkedInAt === null) {
      throw conflict(
        "not_checked_in",
        "您今天还没有签到，不能签退。到岗后请先发送“签到”。",
      );
    }
    if (shift.checkedOutAt !== null) {
      throw conflict(
        "already_checked_out",
        `您今天已于 ${timeOf(shift.checkedOutAt)} 签退，无需重复签退。`,
      );
    }
    const { dutyShifts } = this.ctx.store.t;
    const result = await q
      .update(dutyShifts)
      .set({
        checkedOutAt: now,
        checkOutChannel: acting.channel,
        checkOutLocation: location ? stored(location) : null,
      })
      .where(and(eq(dutyShifts.id, shift.id), isNull(dutyShifts.checkedOutAt)));
    if (this.ctx.store.changes(result) !== 1) {
      throw conflict("already_checked_out", "您今天已经签退，无需重复签退。");
    }
    await this.audit(q, acting, now, shift, "duty.check_out", {
      location: location ?? null,
    });
    const { earlyMinutes } = shiftStatus(
      campaign,
      { ...shift, checkedOutAt: now },
      now,
    );
    return {
      message:
        `签退成功：${monthDay(shift.date)} ${timeOf(now)}（${timeOf(shift.checkedInAt)} 签到）。` +
        (earlyMinutes > 0
          ? `比值班结束（${campaign.dutyEnd}）早 ${earlyMinutes} 分钟，记为早退。`
          : "辛苦了！"),
    };
  }

  /**
   * The person's shift today. Without one, the answer says why: no
   * campaign, not on today's list, or when their next duty is.
   */
  private async todays(
    q: Db,
    person: Person,
    now: number,
    action: "签到" | "签退" = "签到",
  ) {
    const today = dateOf(now);
    const [found, ...more] = await shiftsOf(
      this.ctx,
      q,
      person.id,
      today,
      today,
    );
    if (found) {
      // Two campaigns on one day: the one whose duty is nearest now.
      const nearest = [found, ...more].sort(
        (a, b) =>
          Math.abs(atTime(today, a.campaign.dutyStart) - now) -
          Math.abs(atTime(today, b.campaign.dutyStart) - now),
      )[0];
      return nearest;
    }
    const [next] = await shiftsOf(
      this.ctx,
      q,
      person.id,
      addDays(today, 1),
      "9999-12-31",
    );
    if (next) {
      const view = await loadCampaign(this.ctx, q, next.campaign.id);
      const site = siteOf(view, next.shift.siteId);
      throw notOnDuty(
        `您今天没有接访值班安排。您的下一次值班：${monthDay(next.shift.date)} ` +
          `${next.campaign.dutyStart}–${next.campaign.dutyEnd}，${site.label}。`,
      );
    }
    const running = await campaignsOn(this.ctx, q, today);
    if (running.length > 0) {
      throw notOnDuty(
        `您今天不在“${running[0].name}”的接访人员名单中，无需${action}。` +
          "如需替换值班人员，请联系本单位联络员修改指派。",
      );
    }
    throw notOnDuty(
      `目前没有正在进行的集中接访活动，您也没有值班安排，无需${action}。`,
    );
  }

  private async audit(
    q: Db,
    acting: Acting,
    now: number,
    shift: ShiftRow,
    action: string,
    detail: Record<string, unknown>,
  ) {
    await audit(this.ctx.store, q, {
      actor: {
        personId: acting.person.id,
        name: acting.person.name,
        channel: acting.channel,
      },
      at: now,
      subjectType: "campaign",
      subjectId: shift.campaignId,
      action,
      detail: { shiftId: shift.id, date: shift.date, ...detail },
    });
  }

  /**
   * 今日到岗: the site's staff see their site, the organizer every site,
   * a sending unit's liaisons and leaders their own officers.
   */
  async roll(
    person: Person,
    now: number = this.ctx.clock.now(),
  ): Promise<string> {
    const today = dateOf(now);
    const db = this.ctx.store.db;
    const running = await campaignsOn(this.ctx, db, today);
    if (running.length === 0) {
      return "今天没有正在进行的集中接访活动。";
    }
    const parts: string[] = [];
    for (const c of running) {
      const view = await loadCampaign(this.ctx, db, c.id);
      if (isOrganizer(person, view)) {
        parts.push(organizerRoll(view.campaign, view, today, now));
        continue;
      }
      const own = view.sites.filter((s) => isSiteStaff(person, s));
      for (const site of own) {
        parts.push(rollText(view, site, today, now));
      }
      const site = view.siteOfUnit.get(person.unit.id);
      const leads = person.roles.has("liaison") || person.roles.has("leader");
      if (own.length === 0 && site && leads) {
        const mine = view.shifts.filter(
          (s) => s.unitId === person.unit.id && s.date === today,
        );
        parts.push(
          mine.length === 0
            ? `${person.unit.shortName}今天没有指派人员到${site.label}值班。`
            : [
                `${person.unit.shortName}今天在${site.label}值班：`,
                ...mine.map(
                  (s) =>
                    `${view.officers.get(s.personId)?.name ?? ""}：${attendanceText(c, s, now)}`,
                ),
              ].join("\n"),
        );
      }
    }
    return parts.length > 0
      ? parts.join("\n\n")
      : "只有接访点人社部门、组织单位和派员单位的联络员、负责人可以查看到岗情况。";
  }
}

/** For the organizer: every site in one line each, then who is missing. */
function organizerRoll(
  c: CampaignRow,
  view: Awaited<ReturnType<typeof loadCampaign>>,
  today: IsoDate,
  now: number,
): string {
  const lines = [`“${c.name}”${monthDay(today)}到岗情况：`];
  const missing: string[] = [];
  for (const site of view.sites) {
    const shifts = view.shifts.filter(
      (s) => s.siteId === site.site.id && s.date === today,
    );
    lines.push(
      `${site.label}：${countsText(dayCounts(view, site, today, now))}`,
    );
    for (const s of shifts) {
      const a = shiftStatus(c, s, now).attendance;
      if (a === "not_yet" || a === "absent") {
        const unit = site.units.find((u) => u.id === s.unitId)?.shortName ?? "";
        missing.push(
          `${site.label} ${unit} ${view.officers.get(s.personId)?.name ?? ""}`,
        );
      }
    }
  }
  if (missing.length > 0) {
    lines.push(`尚未签到：${missing.join("；")}`);
  }
  return lines.join("\n");
}

/** As kept in the row (500 characters): a platform's long place name is cut. */
function stored(l: Location): string {
  return JSON.stringify({
    ...l,
    ...(l.label ? { label: [...l.label].slice(0, 120).join("") } : {}),
  });
}

function placeText(l: Location): string {
  const where = `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`;
  return l.label ? `${l.label}（${where}）` : where;
}
