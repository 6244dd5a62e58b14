/**
 * Writes lunar-holidays.json: the solar dates of the lunar and solar-term
 * holidays (春节, 清明, 端午, 中秋) for the years after the chinese-days
 * package's schedules. The package computes these in the process's time
 * zone and is a day off west of UTC, so the table is made once, in
 * Shanghai time, and shipped:
 *
 *   TZ=Asia/Shanghai npx tsx src/calendar/lunar-table.ts
 */
import { writeFileSync } from "node:fs";
import chineseDays from "chinese-days";
import { MAX_YEAR } from "./calendar.js";

const { getSolarDateFromLunar, getSolarTermDate } = chineseDays;
export const FIRST_YEAR = 2027;

export interface LunarHolidays {
  springFestival: string;
  qingming: string;
  duanwu: string;
  midAutumn: string;
}

export function computeLunarHolidays(year: number): LunarHolidays {
  const lunar = (md: string) => getSolarDateFromLunar(`${year}-${md}`).date;
  return {
    springFestival: lunar("01-01"),
    qingming: getSolarTermDate(year, 4, "pure_brightness"),
    duanwu: lunar("05-05"),
    midAutumn: lunar("08-15"),
  };
}

if (process.argv[1]?.endsWith("lunar-table.ts")) {
  if (process.env.TZ !== "Asia/Shanghai") {
    console.error("run with TZ=Asia/Shanghai");
    process.exit(2);
  }
  const table: Record<number, LunarHolidays> = {};
  for (let year = FIRST_YEAR; year <= MAX_YEAR; year++) {
    table[year] = computeLunarHolidays(year);
  }
  const file = new URL("./lunar-holidays.json", import.meta.url);
  writeFileSync(file, JSON.stringify(table, null, 1) + "\n");
  console.log(`wrote ${Object.keys(table).length} years`);
}
