/**
 * The rows of attachment 6 (集中接访考勤表), worked out from a campaign as
 * it stands at an instant: one row per officer per day, and one row for
 * each sending unit that has nobody on a day (未派员), which is what the
 * notice's accountability rule asks about. Rows run by date, then site,
 * then unit, in the campaign's order of sites and units.
 */
import { monthDay } from "../campaigns/messages.js";
import {
  shiftStatus,
  type CampaignRow,
  type CampaignView,
  type Officer,
  type ShiftRow,
  type SiteView,
} from "../campaigns/view.js";
import { atTime, timeOf, type IsoDate } from "../time.js";
import type { Unit } from "../units/directory.js";

export interface AttendanceLine {
  date: IsoDate;
  site: SiteView;
  unit: Unit;
  /** Absent for a unit that sent nobody that day. */
  shift?: ShiftRow;
  officer?: Officer;
  /** 接访时间: "10月1日 08:52–16:40", or the day alone. */
  time: string;
  /** 备注: "迟到 12 分钟；未签退", "未到岗", "未派员"… */
  remarks: string;
}

export const NOT_SENT = "未派员";

/** The lines of one site, or of every site when `only` is undefined. */
export function attendanceLines(
  view: CampaignView,
  now: number,
  only?: SiteView,
): AttendanceLine[] {
  const sites = only ? [only] : view.sites;
  const lines: AttendanceLine[] = [];
  for (const date of view.days) {
    for (const site of sites) {
      for (const unit of site.units) {
        const shifts = view.shifts.filter(
          (s) =>
            s.date === date &&
            s.unitId === unit.id &&
            s.siteId === site.site.id,
        );
        if (shifts.length === 0) {
          const time = monthDay(date);
          lines.push({ date, site, unit, time, remarks: NOT_SENT });
        }
        for (const shift of shifts) {
          lines.push({
            date,
            site,
            unit,
            shift,
            officer: view.officers.get(shift.personId),
            time: dutyTime(shift),
            remarks: shiftRemarks(view.campaign, shift, now),
          });
        }
      }
    }
  }
  return lines;
}

/** "10月1日 08:52–16:40"; "10月1日 08:52–" before the check-out. */
export function dutyTime(shift: ShiftRow): string {
  const day = monthDay(shift.date);
  if (shift.checkedInAt === null) {
    return day;
  }
  const out = shift.checkedOutAt === null ? "" : timeOf(shift.checkedOutAt);
  return `${day} ${timeOf(shift.checkedInAt)}–${out}`;
}

/**
 * 迟到 N 分钟, 早退 N 分钟, 未签退 (the duty is over and nobody checked
 * out), 接访点补登：reason, joined by "；"; 未到岗 for a day that ended
 * without a check-in, 未签到 for one still going. Blank for an officer on
 * time, or a day still to come.
 */
export function shiftRemarks(
  c: CampaignRow,
  shift: ShiftRow,
  now: number,
): string {
  const status = shiftStatus(c, shift, now);
  if (status.attendance === "absent") {
    return "未到岗";
  }
  if (status.attendance === "not_yet") {
    return "未签到";
  }
  const parts: string[] = [];
  if (status.lateMinutes > 0) {
    parts.push(`迟到 ${status.lateMinutes} 分钟`);
  }
  if (status.earlyMinutes > 0) {
    parts.push(`早退 ${status.earlyMinutes} 分钟`);
  }
  const over = now >= atTime(shift.date, c.dutyEnd);
  if (shift.checkedInAt !== null && shift.checkedOutAt === null && over) {
    parts.push("未签退");
  }
  if (shift.recordedBy !== null) {
    parts.push(`接访点补登：${shift.remarks?.trim() ?? ""}`);
  }
  return parts.join("；");
}
