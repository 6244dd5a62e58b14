/**
 * The statutory public holidays every year has by law (全国年节及纪念日放假
 * 办法, as revised in 2024), before the State Council publishes the year's
 * arrangement of bridging days and make-up working days. The calendar
 * counts with these for a year it has no schedule for, so a provisional
 * deadline already skips 元旦, 春节 and the rest.
 */
import { addDays, type IsoDate } from "../time.js";
import lunarTable from "./lunar-holidays.json" with { type: "json" };
import type { LunarHolidays } from "./lunar-table.js";

const LUNAR = lunarTable as Record<string, LunarHolidays | undefined>;
const cache = new Map<number, Map<IsoDate, string>>();

/** The statutory holidays of a year, by date. */
export function statutoryHolidays(year: number): Map<IsoDate, string> {
  const known = cache.get(year);
  if (known) {
    return known;
  }
  const days = new Map<IsoDate, string>();
  const add = (date: IsoDate, name: string) => days.set(date, name);

  add(`${year}-01-01`, "元旦");
  add(`${year}-05-01`, "劳动节");
  add(`${year}-05-02`, "劳动节");
  for (const day of ["01", "02", "03"]) {
    add(`${year}-10-${day}`, "国庆节");
  }
  // The lunar and solar-term holidays come from a table made in Shanghai
  // time (see lunar-table.ts).
  const lunar = LUNAR[year];
  if (lunar) {
    // 春节: New Year's Eve and the first three days of the first month.
    for (let i = -1; i <= 2; i++) {
      add(addDays(lunar.springFestival, i), "春节");
    }
    add(lunar.qingming, "清明节");
    add(lunar.duanwu, "端午节");
    add(lunar.midAutumn, "中秋节");
  }

  cache.set(year, days);
  return days;
}
