/**
 * A city-wide campaign: every HRSS a site, every other unit sending one
 * officer with one liaison, ten days; a tenth of the units leave the last
 * day uncovered. Used by the attack tests and by bench/campaign-tick.
 */
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import type { Unit } from "../../src/units/directory.js";
import { demo } from "../helpers/bot.js";

export interface LargeCampaign {
  id: number;
  hosts: Unit[];
  sending: Unit[];
  days: string[];
  /** The units that leave the last day uncovered. */
  uncovered: Unit[];
}

export async function largeCampaign(
  bot: Bot,
  clock: ManualClock,
): Promise<LargeCampaign> {
  const t = bot.ctx.store.t;
  const units = await bot.ctx.directory.units();
  const hosts = units.filter((u) => u.kind === "hrss");
  const hostOf = (code: string) =>
    hosts.find((h) => h.code.split(".")[0] === code.split(".")[0])!;
  const sending = units.filter((u) => u.kind !== "hrss");
  const days = Array.from(
    { length: 10 },
    (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`,
  );
  const wang = await demo(bot, "王建国");
  const { campaignId: id } = await bot.campaigns.create(wang, {
    name: "2026年国庆节全市集中接访",
    startDate: days[0],
    endDate: days[9],
    dutyStart: "09:00",
    dutyEnd: "17:00",
    nominateBy: "2026-09-28 18:00",
    sites: hosts.map((h) => ({
      hostUnitId: h.id,
      unitIds: sending
        .filter((u) => hostOf(u.code).id === h.id)
        .map((u) => u.id),
    })),
  });
  const sites = await bot.ctx.store.db.select().from(t.campaignSites);
  const siteOf = new Map(
    sites.filter((s) => s.campaignId === id).map((s) => [s.hostUnitId, s.id]),
  );
  let phone = 13_700_000_000;
  await bot.ctx.store.tx(async (q) => {
    for (const [i, u] of sending.entries()) {
      const liaison = await bot.ctx.store.insert(q, t.people, {
        unitId: u.id,
        name: `联络员${i}`,
        title: "科员",
        phone: String(phone++),
        demo: true,
        active: true,
      });
      await q
        .insert(t.personRoles)
        .values({ personId: liaison, role: "liaison" });
      const officer = await bot.ctx.store.insert(q, t.people, {
        unitId: u.id,
        name: `接访员${i}`,
        title: "科员",
        phone: String(phone++),
        demo: true,
        active: true,
      });
      for (const date of i % 10 === 0 ? days.slice(0, 9) : days) {
        await q.insert(t.dutyShifts).values({
          campaignId: id,
          siteId: siteOf.get(hostOf(u.code).id)!,
          unitId: u.id,
          personId: officer,
          date,
          nominatedBy: wang.person.id,
          nominatedAt: clock.now(),
        });
      }
    }
  });
  const uncovered = sending.filter((_, i) => i % 10 === 0);
  return { id, hosts, sending, days, uncovered };
}
