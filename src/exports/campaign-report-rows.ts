/**
 * The figures of a campaign's report to the city government office,
 * worked out from the campaign as it stands at an instant: each site's
 * daily report (or that it is missing), and each sending unit's
 * attendance: days it had to cover, officers it named, who came, late or
 * left early, who never came, and the days it sent nobody.
 */
import {
  shiftStatus,
  type CampaignView,
  type DispatchRow,
  type SiteView,
} from "../campaigns/view.js";
import { atTime, type IsoDate } from "../time.js";
import type { Unit } from "../units/directory.js";

export interface DailyLine {
  date: IsoDate;
  site: SiteView;
  report?: DispatchRow;
  /** Without a report: past its due time, or still to come. */
  missing?: "overdue" | "pending";
}

/** Every site's report for every day, by date then site. */
export function dailyLines(
  view: CampaignView,
  reports: DispatchRow[],
  now: number,
): DailyLine[] {
  const filed = new Map(reports.map((r) => [`${r.siteId}:${r.date}`, r]));
  const lines: DailyLine[] = [];
  for (const date of view.days) {
    const due = atTime(date, view.campaign.reportDue);
    for (const site of view.sites) {
      const report = filed.get(`${site.site.id}:${date}`);
      lines.push(
        report
          ? { date, site, report }
          : { date, site, missing: now >= due ? "overdue" : "pending" },
      );
    }
  }
  return lines;
}

export interface DispatchTotals {
  visits: number;
  visitors: number;
  cases: number;
  /** Integer fen. */
  amountFen: number;
  incidents: number;
  filed: number;
  overdue: number;
  pending: number;
}

export function totalsOf(lines: DailyLine[]): DispatchTotals {
  const t: DispatchTotals = {
    visits: 0,
    visitors: 0,
    cases: 0,
    amountFen: 0,
    incidents: 0,
    filed: 0,
    overdue: 0,
    pending: 0,
  };
  for (const line of lines) {
    const r = line.report;
    if (r) {
      t.visits += r.visits;
      t.visitors += r.visitors;
      t.cases += r.cases;
      t.amountFen += r.amountFen;
      t.incidents += r.incidents;
      t.filed++;
    } else if (line.missing === "overdue") {
      t.overdue++;
    } else {
      t.pending++;
    }
  }
  return t;
}

export interface UnitTally {
  site: SiteView;
  unit: Unit;
  /** Campaign days: a unit sends someone every day. */
  daysRequired: number;
  /** Officer-days named. */
  named: number;
  /** Officer-days checked in, by message or recorded by the site. */
  present: number;
  late: number;
  lateMinutes: number;
  early: number;
  earlyMinutes: number;
  /** Officer-days whose duty ended without a check-in. */
  absent: number;
  /** Checked in, duty over, never checked out. */
  notCheckedOut: number;
  /** Attendance the site recorded for the officer (补登). */
  recorded: number;
  /** Days the unit named nobody for. */
  uncovered: IsoDate[];
}

/** Each sending unit's attendance, by site then unit. */
export function unitTallies(view: CampaignView, now: number): UnitTally[] {
  const c = view.campaign;
  const tallies: UnitTally[] = [];
  for (const site of view.sites) {
    for (const unit of site.units) {
      const shifts = view.shifts.filter(
        (s) => s.unitId === unit.id && s.siteId === site.site.id,
      );
      const covered = new Set(shifts.map((s) => s.date));
      const tally: UnitTally = {
        site,
        unit,
        daysRequired: view.days.length,
        named: shifts.length,
        present: 0,
        late: 0,
        lateMinutes: 0,
        early: 0,
        earlyMinutes: 0,
        absent: 0,
        notCheckedOut: 0,
        recorded: 0,
        uncovered: view.days.filter((d) => !covered.has(d)),
      };
      for (const shift of shifts) {
        const status = shiftStatus(c, shift, now);
        tally.absent += status.attendance === "absent" ? 1 : 0;
        if (shift.checkedInAt === null) {
          continue;
        }
        tally.present++;
        tally.late += status.lateMinutes > 0 ? 1 : 0;
        tally.lateMinutes += status.lateMinutes;
        tally.early += status.earlyMinutes > 0 ? 1 : 0;
        tally.earlyMinutes += status.earlyMinutes;
        tally.recorded += shift.recordedBy !== null ? 1 : 0;
        const over = now >= atTime(shift.date, c.dutyEnd);
        tally.notCheckedOut += shift.checkedOutAt === null && over ? 1 : 0;
      }
      tallies.push(tally);
    }
  }
  return tallies;
}
