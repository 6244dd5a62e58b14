/**
 * The statutory public holidays every year has by law (全国年节及纪念日放假
 * 办法, as revised in 2024), before the State Council publishes the year's
 * arrangement of bridging days and make-up working days. The calendar
 * counts with these for a year it has no schedule for, so a provisional
 * deadline already skips 元旦, 春节 and the rest.
 */
import chineseDays from "chinese-days";
import { addDays, type IsoDate } from "../time.js";

// The package is CommonJS: Node's ESM loader sees only its default export.
const { getSolarDateFromLunar, getSolarTermDate } = chineseDays;

const cache = new Map<number, Map<IsoDate, string>>();

function lunar(year: number, month: number, day: number): IsoDate {
  const mm = String(month).padStart(2, "0");
  const dd = String(day).padStart(2, "0");
  return getSolarDateFromLunar(`${year}-${mm}-${dd}`).date;
}

/** The statutory holidays of a year, by date. */
export function statutoryHolidays(year: number): Map<IsoDate, string> {
  const known = cache.get(year);
  if (known) {
    return known;
  }
  const days = new Map<IsoDate, string>();
  const add = (date: IsoDate, name: string) => days.set(date, name);

  add(`${year}-01-01`, "元旦");
  // 春节: New Year's Eve and the first three days of the first month.
  const newYear = lunar(year, 1, 1);
  for (let i = -1; i <= 2; i++) {
    add(addDays(newYear, i), "春节");
  }
  add(getSolarTermDate(year, 4, "pure_brightness"), "清明节");
  add(`${year}-05-01`, "劳动节");
  add(`${year}-05-02`, "劳动节");
  add(lunar(year, 5, 5), "端午节");
  add(lunar(year, 8, 15), "中秋节");
  for (const day of ["01", "02", "03"]) {
    add(`${year}-10-${day}`, "国庆节");
  }

  cache.set(year, days);
  return days;
}
