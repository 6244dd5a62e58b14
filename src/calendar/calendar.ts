/**
 * The working-day calendar (spec section 2). Holidays and make-up working
 * days come from the chinese-days package for the years it covers; an
 * administrator's overrides, stored in the database, win over it and can
 * cover years the package does not. Every other module asks this one
 * whether a day is a working day.
 */
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { addDays, weekdayOf, yearOf, type IsoDate } from "../time.js";
import { statutoryHolidays } from "./statutory.js";

export type DayKind = "workday" | "weekend" | "holiday" | "makeup";

export interface DayInfo {
  date: IsoDate;
  workday: boolean;
  kind: DayKind;
  /** Holiday or make-up day name, e.g. 国庆节. */
  name?: string;
  /** False when no schedule covers the day and the weekend rule was guessed. */
  known: boolean;
}

export interface Override {
  date: IsoDate;
  workday: boolean;
  name?: string | null;
}

/** How a deadline was counted, for the "how was this computed" view. */
export interface WorkdayCount {
  start: IsoDate;
  due: IsoDate;
  /** Every day after the start up to the deadline, with what it was. */
  days: DayInfo[];
  /** Days counted without calendar data: the result is provisional. */
  unknownDays: IsoDate[];
}

/** The years the calendar will count in at all. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

type Table = Record<string, string>;
const packageHolidays = (chineseDays as { holidays: Table }).holidays;
const packageWorkdays = (chineseDays as { workdays: Table }).workdays;
const packageYears = new Set(
  Object.keys(packageHolidays).map((d) => Number(d.slice(0, 4))),
);

/** "National Day,国庆节,3" → "国庆节" */
function chineseName(entry: string): string {
  return entry.split(",")[1] ?? entry;
}

export class Calendar {
  private readonly overrides: Map<IsoDate, Override>;

  constructor(
    overrides: Override[] = [],
    private readonly completeYears: ReadonlySet<number> = new Set(),
  ) {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
  }

  /** Years with a full schedule, from the package or an administrator. */
  coveredYears(): number[] {
    return [...new Set([...packageYears, ...this.completeYears])].sort();
  }

  /**
   * Whether deadlines may be counted from this date: a year with a
   * schedule, or the year after the last one, whose schedule the State
   * Council publishes late (its deadlines are provisional until loaded).
   */
  canCount(date: IsoDate): boolean {
    const years = this.coveredYears();
    return this.hasData(date) || yearOf(date) === years[years.length - 1] + 1;
  }

  hasData(date: IsoDate): boolean {
    const year = yearOf(date);
    return packageYears.has(year) || this.completeYears.has(year);
  }

  day(date: IsoDate): DayInfo {
    const year = yearOf(date);
    // A date far outside any schedule is a bug or an attack, and a count
    // walking towards it would never end: stop it here.
    if (!(year >= MIN_YEAR && year <= MAX_YEAR)) {
      throw new RangeError(`date outside the calendar's range: ${date}`);
    }
    const known = this.hasData(date);
    const override = this.overrides.get(date);
    if (override) {
      return this.describe(
        date,
        override.workday,
        override.name ?? undefined,
        true,
      );
    }
    // A year an administrator loaded whole replaces the package's year.
    const fromPackage = !this.completeYears.has(yearOf(date));
    if (fromPackage && packageHolidays[date]) {
      return {
        date,
        workday: false,
        kind: "holiday",
        name: chineseName(packageHolidays[date]),
        known,
      };
    }
    if (fromPackage && packageWorkdays[date]) {
      return this.describe(
        date,
        true,
        chineseName(packageWorkdays[date]),
        known,
      );
    }
    // Without a schedule, the holidays the law fixes still hold; only the
    // bridging and make-up days are unknown.
    const statutory = known
      ? undefined
      : statutoryHolidays(yearOf(date)).get(date);
    if (statutory) {
      return { date, workday: false, kind: "holiday", name: statutory, known };
    }
    // No entry: an ordinary weekday or weekend, certain only if the year
    // has a published schedule.
    const weekend = weekdayOf(date) >= 6;
    return {
      date,
      workday: !weekend,
      kind: weekend ? "weekend" : "workday",
      known,
    };
  }

  isWorkday(date: IsoDate): boolean {
    return this.day(date).workday;
  }

  /**
   * The deadline N working days after an event: the event day does not
   * count, the deadline is the end of the Nth working day after it.
   */
  addWorkdays(start: IsoDate, n: number): WorkdayCount {
    const days: DayInfo[] = [];
    let date = start;
    let counted = 0;
    while (counted < n) {
      date = addDays(date, 1);
      const info = this.day(date);
      days.push(info);
      if (info.workday) {
        counted++;
      }
    }
    const unknownDays = days.filter((d) => !d.known).map((d) => d.date);
    return { start, due: n === 0 ? start : date, days, unknownDays };
  }

  /** Working days in (after, upTo]: how late something due `after` is. */
  workdaysAfter(after: IsoDate, upTo: IsoDate): number {
    let count = 0;
    for (let d = addDays(after, 1); d <= upTo; d = addDays(d, 1)) {
      if (this.isWorkday(d)) {
        count++;
      }
    }
    return count;
  }

  /**
   * The latest date D such that something due at the end of D is overdue by
   * at least `k` working days on `today`. Undefined for k = 0.
   */
  dueDateOverdueBy(today: IsoDate, k: number): IsoDate {
    // Below 1 the walk back would never stop: refuse instead of hanging.
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`overdue days must be 1 or more, got ${k}`);
    }
    let found = 0;
    let date = today;
    while (true) {
      if (this.isWorkday(date)) {
        found++;
        if (found === k) {
          return addDays(date, -1);
        }
      }
      date = addDays(date, -1);
    }
  }

  /** The first working day on or after a date. */
  nextWorkday(date: IsoDate): IsoDate {
    let d = date;
    while (!this.isWorkday(d)) {
      d = addDays(d, 1);
    }
    return d;
  }

  private describe(
    date: IsoDate,
    workday: boolean,
    name: string | undefined,
    known: boolean,
  ): DayInfo {
    const weekend = weekdayOf(date) >= 6;
    let kind: DayKind;
    if (workday) {
      kind = weekend ? "makeup" : "workday";
    } else {
      kind = weekend && !name ? "weekend" : "holiday";
    }
    return { date, workday, kind, name, known };
  }
}
