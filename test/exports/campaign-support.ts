/**
 * National Day 2026 as the reception campaign's people lived it, for the
 * campaign export tests. Two sites: the city's (police, housing and
 * transport send officers) and Chuanshan's (its housing bureau).
 *
 * - 冯敏 (city housing) every day: on time and back at 17:05; on time
 *   but never checked out; 5 minutes late; 30 minutes early.
 * - 黄志 (city police) on 10-01 and 10-02 only: absent, then 40 minutes
 *   late.
 * - 钱进 (Chuanshan housing) on 10-01 to 10-03: 12 minutes late and 20
 *   early; recorded by the site (补登); absent. Nobody on 10-04.
 * - City transport names nobody at all.
 * - The city's site files its daily report on 10-01 to 10-03,
 *   Chuanshan's on 10-01 and 10-02.
 *
 * Leaves the clock at 2026-10-05 09:00 Shanghai, the evening before in
 * New York; or, `lastMorning`, at 10:00 on 10-04 with 冯敏 on duty.
 */
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { createNationalDay, nominate } from "../campaigns/support.js";
import { demo } from "../helpers/bot.js";
import { at } from "../helpers/time.js";

export const CHUANSHAN_SITE = "船山区人社局接访点";
export const CITY_SITE = "市人力资源社会保障局接访点";

export interface Lived {
  campaignId: number;
  citySiteId: number;
  chuanshanSiteId: number;
}

export async function nationalDayLived(
  bot: Bot,
  clock: ManualClock,
  options: { lastMorning?: boolean } = {},
): Promise<Lived> {
  clock.set(at("2026-09-25T10:00"));
  const campaignId = await createNationalDay(bot);
  const days = ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"];
  await nominate(bot, "张伟", campaignId, [{ name: "冯敏", dates: days }]);
  await nominate(bot, "周强", campaignId, [
    { name: "黄志", dates: days.slice(0, 2) },
  ]);
  await nominate(bot, "赵磊", campaignId, [
    { name: "钱进", dates: days.slice(0, 3) },
  ]);
  const { campaignSites } = bot.ctx.store.t;
  const sites = await bot.ctx.store.db
    .select()
    .from(campaignSites)
    .orderBy(campaignSites.id);
  const [citySiteId, chuanshanSiteId] = sites.map((s) => s.id);

  let seq = 0;
  const step = async (when: string, name: string, what: "in" | "out") => {
    clock.set(at(when));
    const acting = await demo(bot, name);
    const key = `lived-${++seq}`;
    await (what === "in"
      ? bot.attendance.checkIn(acting, key)
      : bot.attendance.checkOut(acting, key));
  };
  const wang = await demo(bot, "王建国");
  const ma = await demo(bot, "马晓林");
  const report = (
    who: typeof wang,
    siteId: number,
    date: string,
    figures: [number, number, number, string, number, string?],
  ) => {
    const [visits, visitors, cases, amount, incidents, remarks] = figures;
    return bot.campaigns.submitDispatch(who, campaignId, siteId, date, {
      visits: String(visits),
      visitors: String(visitors),
      cases: String(cases),
      amount,
      incidents: String(incidents),
      remarks: remarks ?? "",
    });
  };

  await step("2026-10-01T08:55", "冯敏", "in");
  await step("2026-10-01T09:12", "钱进", "in");
  await step("2026-10-01T16:40", "钱进", "out");
  await step("2026-10-01T17:05", "冯敏", "out");
  clock.set(at("2026-10-01T17:20"));
  await report(wang, citySiteId, "2026-10-01", [3, 11, 2, "56000", 0]);
  await report(ma, chuanshanSiteId, "2026-10-01", [
    2,
    5,
    1,
    "8000.05",
    1,
    "一起群体性讨薪，已现场化解",
  ]);

  await step("2026-10-02T09:00", "冯敏", "in");
  await step("2026-10-02T09:40", "黄志", "in");
  await step("2026-10-02T17:00", "黄志", "out");
  clock.set(at("2026-10-02T17:30"));
  const { dutyShifts } = bot.ctx.store.t;
  const qian = (await demo(bot, "钱进")).person;
  const shifts = await bot.ctx.store.db.select().from(dutyShifts);
  const missed = shifts.find(
    (s) => s.personId === qian.id && s.date === "2026-10-02",
  )!;
  await bot.campaigns.recordAttendance(ma, missed.id, {
    checkedIn: "08:55",
    checkedOut: "17:00",
    remarks: "手机没电，现场核实到岗",
  });
  await report(wang, citySiteId, "2026-10-02", [1, 1, 0, "0", 0]);
  await report(ma, chuanshanSiteId, "2026-10-02", [1, 2, 0, "300.10", 0]);

  await step("2026-10-03T09:05", "冯敏", "in");
  await step("2026-10-03T17:00", "冯敏", "out");
  clock.set(at("2026-10-03T17:10"));
  await report(wang, citySiteId, "2026-10-03", [
    4,
    6,
    1,
    "1234.56",
    0,
    "两起欠薪投诉转劳动监察立案",
  ]);

  await step("2026-10-04T08:50", "冯敏", "in");
  const ids = { campaignId, citySiteId, chuanshanSiteId };
  if (options.lastMorning) {
    clock.set(at("2026-10-04T10:00"));
    return ids;
  }
  await step("2026-10-04T16:30", "冯敏", "out");

  clock.set(at("2026-10-05T09:00"));
  return ids;
}
