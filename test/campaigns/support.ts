/**
 * A reception campaign over National Day 2026 for the campaign tests: the
 * city's site with three city units, Chuanshan's site with its housing
 * bureau; officers from the demo set.
 */
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/referrals/service.js";
import { demo, unitId } from "../helpers/bot.js";

export async function nationalDayInput(
  bot: Bot,
  extra: Record<string, unknown> = {},
) {
  return {
    name: "2026年国庆节集中接访",
    startDate: "2026-10-01",
    endDate: "2026-10-04",
    dutyStart: "09:00",
    dutyEnd: "17:00",
    nominateBy: "2026-09-28 18:00",
    remindAfterMin: "15",
    escalateAfterMin: "30",
    reportDue: "17:00",
    summaryAt: "18:00",
    sites: [
      {
        hostUnitId: await unitId(bot, "city.hrss"),
        address: "遂宁市河东新区人社大厦一楼",
        unitIds: [
          await unitId(bot, "city.housing"),
          await unitId(bot, "city.police"),
          await unitId(bot, "city.transport"),
        ],
      },
      {
        hostUnitId: await unitId(bot, "chuanshan.hrss"),
        address: "船山区人社局信访接待室",
        unitIds: [await unitId(bot, "chuanshan.housing")],
      },
    ],
    ...extra,
  };
}

export async function createNationalDay(bot: Bot): Promise<number> {
  const wang = await demo(bot, "王建国");
  const out = await bot.campaigns.create(wang, await nationalDayInput(bot));
  return out.campaignId;
}

export const ALL_DAYS = [
  "2026-10-01",
  "2026-10-02",
  "2026-10-03",
  "2026-10-04",
];

/** A unit's liaison names demo officers for days. */
export async function nominate(
  bot: Bot,
  liaison: string,
  campaignId: number,
  officers: { name: string; dates: string[] }[],
): Promise<void> {
  const acting: Acting = await demo(bot, liaison);
  const list = [];
  for (const o of officers) {
    const person = (await demo(bot, o.name)).person;
    list.push({ personId: String(person.id), dates: o.dates });
  }
  await bot.campaigns.nominate(acting, campaignId, { officers: list });
}
