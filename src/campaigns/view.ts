/**
 * Reading campaigns: one campaign with its sites, units and officers, the
 * roll of a site on a day, and an officer's shifts. Everything a card, a
 * page, a command or a job shows is computed here from the rows.
 */
import { and, asc, eq, gte, inArray, lte } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import type { AppContext } from "../context.js";
import { notFound } from "../errors.js";
import { addDays, atTime, timeOf, type IsoDate } from "../time.js";
import type { Unit } from "../units/directory.js";

type Schema = typeof import("../../db/schema.js");
export type CampaignRow = Schema["campaigns"]["$inferSelect"];
export type SiteRow = Schema["campaignSites"]["$inferSelect"];
export type ShiftRow = Schema["dutyShifts"]["$inferSelect"];
export type DispatchRow = Schema["dispatchReports"]["$inferSelect"];

export interface Officer {
  id: number;
  name: string;
  title: string | null;
  phone: string | null;
}

export interface SiteView {
  site: SiteRow;
  host: Unit;
  /** "船山区人社局接访点" */
  label: string;
  units: Unit[];
}

export interface CampaignView {
  campaign: CampaignRow;
  organizer: Unit;
  sites: SiteView[];
  /** Sending unit id → its site. */
  siteOfUnit: Map<number, SiteView>;
  shifts: ShiftRow[];
  officers: Map<number, Officer>;
  days: IsoDate[];
}

export const siteLabel = (host: Unit) => `${host.shortName}接访点`;

/** Every date from start to end, both included. */
export function campaignDays(c: { startDate: IsoDate; endDate: IsoDate }) {
  const days: IsoDate[] = [];
  for (let d = c.startDate; d <= c.endDate; d = addDays(d, 1)) {
    days.push(d);
  }
  return days;
}

export async function loadCampaign(
  ctx: AppContext,
  q: Db,
  id: number,
): Promise<CampaignView> {
  const t = ctx.store.t;
  const [campaign] = await q
    .select()
    .from(t.campaigns)
    .where(eq(t.campaigns.id, id));
  if (!campaign) {
    throw notFound("该集中接访活动");
  }
  const [sites, links, shifts, units] = await Promise.all([
    q
      .select()
      .from(t.campaignSites)
      .where(eq(t.campaignSites.campaignId, id))
      .orderBy(asc(t.campaignSites.id)),
    q
      .select()
      .from(t.campaignUnits)
      .where(eq(t.campaignUnits.campaignId, id))
      .orderBy(asc(t.campaignUnits.unitId)),
    q
      .select()
      .from(t.dutyShifts)
      .where(eq(t.dutyShifts.campaignId, id))
      .orderBy(asc(t.dutyShifts.date), asc(t.dutyShifts.id)),
    q.select().from(t.units),
  ]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const unit = (uid: number) => {
    const found = unitById.get(uid);
    if (!found) {
      throw new Error(`campaign ${id} refers to missing unit ${uid}`);
    }
    return found;
  };
  const siteViews = sites.map((site) => ({
    site,
    host: unit(site.hostUnitId),
    label: siteLabel(unit(site.hostUnitId)),
    units: links.filter((l) => l.siteId === site.id).map((l) => unit(l.unitId)),
  }));
  const siteOfUnit = new Map<number, SiteView>();
  for (const view of siteViews) {
    for (const u of view.units) {
      siteOfUnit.set(u.id, view);
    }
  }
  const personIds = [...new Set(shifts.map((s) => s.personId))];
  const officers = new Map<number, Officer>();
  if (personIds.length > 0) {
    const rows = await q
      .select({
        id: t.people.id,
        name: t.people.name,
        title: t.people.title,
        phone: t.people.phone,
      })
      .from(t.people)
      .where(inArray(t.people.id, personIds));
    for (const row of rows) {
      officers.set(row.id, row);
    }
  }
  return {
    campaign,
    organizer: unit(campaign.organizerUnitId),
    sites: siteViews,
    siteOfUnit,
    shifts,
    officers,
    days: campaignDays(campaign),
  };
}

/** Campaigns not cancelled whose period includes a date. */
export async function campaignsOn(
  ctx: AppContext,
  q: Db,
  date: IsoDate,
): Promise<CampaignRow[]> {
  const { campaigns } = ctx.store.t;
  return q
    .select()
    .from(campaigns)
    .where(
      and(
        eq(campaigns.status, "active"),
        lte(campaigns.startDate, date),
        gte(campaigns.endDate, date),
      ),
    )
    .orderBy(asc(campaigns.id));
}

/** Campaigns not cancelled that have not ended by a date. */
export async function campaignsFrom(
  ctx: AppContext,
  q: Db,
  date: IsoDate,
): Promise<CampaignRow[]> {
  const { campaigns } = ctx.store.t;
  return q
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.status, "active"), gte(campaigns.endDate, date)))
    .orderBy(asc(campaigns.startDate), asc(campaigns.id));
}

/** How an officer stands on their day, as of an instant. */
export type Attendance = "upcoming" | "on_time" | "late" | "absent" | "not_yet";

export interface ShiftStatus {
  attendance: Attendance;
  /** Minutes after the duty start the officer checked in; 0 if on time. */
  lateMinutes: number;
  /** Minutes before the duty end the officer checked out; 0 if not early. */
  earlyMinutes: number;
}

/**
 * "not_yet": the duty has started and the officer has not checked in, but
 * the day is not over; "absent": the duty ended without a check-in.
 */
export function shiftStatus(
  c: CampaignRow,
  shift: ShiftRow,
  now: number,
): ShiftStatus {
  const start = atTime(shift.date, c.dutyStart);
  const end = atTime(shift.date, c.dutyEnd);
  // Whole minutes as people read them: 15:00:40 is 15:00, two hours early.
  const minute = (at: number) => Math.floor(at / 60_000) * 60_000;
  const minutes = (ms: number) => Math.max(0, Math.floor(ms / 60_000));
  const earlyMinutes =
    shift.checkedOutAt !== null ? minutes(end - minute(shift.checkedOutAt)) : 0;
  if (shift.checkedInAt !== null) {
    const lateMinutes = minutes(minute(shift.checkedInAt) - start);
    return {
      attendance: lateMinutes > 0 ? "late" : "on_time",
      lateMinutes,
      earlyMinutes,
    };
  }
  const attendance =
    now < start ? "upcoming" : now < end ? "not_yet" : "absent";
  return { attendance, lateMinutes: 0, earlyMinutes: 0 };
}

/** "08:52 签到（迟到 12 分钟），17:05 签退" and the like. */
export function attendanceText(
  c: CampaignRow,
  shift: ShiftRow,
  now: number,
): string {
  const s = shiftStatus(c, shift, now);
  if (s.attendance === "upcoming") {
    return "未到值班时间";
  }
  if (s.attendance === "not_yet") {
    return "未签到";
  }
  if (s.attendance === "absent") {
    return "未到岗";
  }
  const parts = [`${timeOf(shift.checkedInAt!)} 签到`];
  if (s.lateMinutes > 0) {
    parts[0] += `（迟到 ${s.lateMinutes} 分钟）`;
  }
  if (shift.checkedOutAt !== null) {
    parts.push(
      `${timeOf(shift.checkedOutAt)} 签退` +
        (s.earlyMinutes > 0 ? `（早退 ${s.earlyMinutes} 分钟）` : ""),
    );
  }
  if (shift.recordedBy !== null) {
    parts.push("接访点补登");
  }
  return parts.join("，");
}

/** Shifts of one person on a date, in campaigns not cancelled. */
export async function shiftsOf(
  ctx: AppContext,
  q: Db,
  personId: number,
  from: IsoDate,
  to: IsoDate,
): Promise<{ shift: ShiftRow; campaign: CampaignRow }[]> {
  const { dutyShifts, campaigns } = ctx.store.t;
  const rows = await q
    .select({ shift: dutyShifts, campaign: campaigns })
    .from(dutyShifts)
    .innerJoin(campaigns, eq(campaigns.id, dutyShifts.campaignId))
    .where(
      and(
        eq(dutyShifts.personId, personId),
        gte(dutyShifts.date, from),
        lte(dutyShifts.date, to),
        eq(campaigns.status, "active"),
      ),
    )
    .orderBy(asc(dutyShifts.date), asc(dutyShifts.id));
  return rows;
}

/** The day's report of every site that filed one. */
export async function dispatchesOn(
  ctx: AppContext,
  q: Db,
  campaignId: number,
  date: IsoDate,
): Promise<Map<number, DispatchRow>> {
  const { dispatchReports } = ctx.store.t;
  const rows = await q
    .select()
    .from(dispatchReports)
    .where(
      and(
        eq(dispatchReports.campaignId, campaignId),
        eq(dispatchReports.date, date),
      ),
    );
  return new Map(rows.map((r) => [r.siteId, r]));
}

/** How many of a site's officers were due on a day, came, came late. */
export function dayCounts(
  view: CampaignView,
  site: SiteView,
  date: IsoDate,
  now: number,
) {
  const shifts = view.shifts.filter(
    (s) => s.siteId === site.site.id && s.date === date,
  );
  const states = shifts.map(
    (s) => shiftStatus(view.campaign, s, now).attendance,
  );
  return {
    due: shifts.length,
    present: states.filter((a) => a === "on_time" || a === "late").length,
    late: states.filter((a) => a === "late").length,
    unsent: site.units.filter((u) => !shifts.some((s) => s.unitId === u.id)),
  };
}
