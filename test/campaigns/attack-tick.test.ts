/**
 * campaign-tick under attack, on both engines: two runs at the same
 * instant, a campaign cancelled in the middle of a day, units with nobody
 * to tell, and a campaign of nine sites, seventy units and ten days (its
 * tick times are printed for the report, not asserted).
 */
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import { largeCampaign } from "./large-campaign.js";
import { ALL_DAYS, createNationalDay, nominate } from "./support.js";

/** The instants at which something becomes due on a National Day day. */
const DAY_STEPS = ["08:00", "09:00", "09:15", "09:30", "17:00", "18:00"];

describe.each(engines())("campaign-tick under attack on $name", (engine) => {
  afterEach(() => engine.release());

  /** A bot with the National Day campaign and three units' officers. */
  async function lived(): Promise<{
    bot: Bot;
    clock: ManualClock;
    id: number;
  }> {
    const clock = clockAt("2026-09-25T10:00");
    const bot = await openBot(engine, clock);
    const id = await createNationalDay(bot);
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    await nominate(bot, "张伟", id, [
      { name: "冯敏", dates: ALL_DAYS.slice(0, 2) },
    ]);
    return { bot, clock, id };
  }

  async function outbox(bot: Bot) {
    const { outbox: table } = bot.ctx.store.t;
    return bot.ctx.store.db.select().from(table).orderBy(table.id);
  }

  /** Key and content of every queued message, in a stable order. */
  async function messages(bot: Bot) {
    return (await outbox(bot))
      .map((r) => `${r.dedupeKey} ${r.targetId} ${r.payload}`)
      .sort();
  }

  it("queues each message once when two ticks run at the same instant", async () => {
    const a = await lived();
    const b = await lived();
    const instants = [
      "2026-09-28T18:00",
      "2026-09-29T18:00",
      ...DAY_STEPS.map((t) => `2026-10-01T${t}`),
    ];
    const checkIn = async (bot: Bot) => {
      await bot.attendance.checkIn(await demo(bot, "钱进"), "in-1");
    };

    let claimed = 0;
    for (const when of instants) {
      a.clock.set(at(when));
      b.clock.set(at(when));
      if (when === "2026-10-01T09:00") {
        await checkIn(a.bot);
        await checkIn(b.bot);
      }
      const before = (await outbox(a.bot)).length;
      const runs = await Promise.all([
        runJob("campaign-tick", a.bot),
        runJob("campaign-tick", a.bot),
      ]);
      const queued = runs.reduce((n, r) => n + r.counts.queued, 0);
      expect(queued).toBe((await outbox(a.bot)).length - before);
      claimed += queued;
      await runJob("campaign-tick", b.bot);
    }

    expect(await messages(a.bot)).toEqual(await messages(b.bot));
    expect(claimed).toBeGreaterThan(0);
    const again = await runJob("campaign-tick", a.bot);
    expect(again.counts.queued).toBe(0);
  });

  it("sends no reminder for a campaign cancelled in the middle of a day", async () => {
    const { bot, clock, id } = await lived();
    clock.set(at("2026-10-01T09:00"));
    await runJob("campaign-tick", bot);
    clock.set(at("2026-10-01T09:05"));
    await bot.campaigns.cancel(await demo(bot, "王建国"), id);
    const cancelledAt = (await outbox(bot)).length;

    for (const when of [
      ...DAY_STEPS.map((t) => `2026-10-01T${t}`).slice(2),
      ...DAY_STEPS.map((t) => `2026-10-02T${t}`),
    ]) {
      clock.set(at(when));
      const run = await runJob("campaign-tick", bot);
      expect(run.counts.campaigns).toBe(0);
    }

    const after = (await outbox(bot)).slice(cancelledAt);
    expect(after).toEqual([]);
    const told = (await outbox(bot)).filter((r) =>
      r.dedupeKey.startsWith(`campaign:${id}:cancelled:`),
    );
    const qian = (await demo(bot, "钱进")).person.id;
    const feng = (await demo(bot, "冯敏")).person.id;
    const targets = told.map((r) => r.targetId);
    expect(targets).toEqual(expect.arrayContaining([qian, feng]));
    expect(new Set(targets).size).toBe(targets.length);
  });

  it("carries on past units and sites with nobody to tell", async () => {
    const { bot, clock } = await lived();
    const { personRoles, people } = bot.ctx.store.t;
    const nobody = [
      (await demo(bot, "周强")).person.id,
      (await demo(bot, "黄志")).person.id,
      (await demo(bot, "马晓林")).person.id,
    ];
    await bot.ctx.store.db
      .delete(personRoles)
      .where(inArray(personRoles.personId, nobody));
    const liu = (await demo(bot, "刘洋")).person.id;
    await bot.ctx.store.db
      .update(people)
      .set({ active: false })
      .where(eq(people.id, liu));
    const createdWith = (await outbox(bot)).length;

    const steps = [
      "2026-09-28T18:00",
      "2026-09-29T18:00",
      ...DAY_STEPS.map((t) => `2026-10-01T${t}`),
      ...DAY_STEPS.map((t) => `2026-10-02T${t}`),
    ];
    for (const when of steps) {
      clock.set(at(when));
      await runJob("campaign-tick", bot);
    }

    const all = await outbox(bot);
    const keys = all.map((r) => r.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const rows = all.slice(createdWith);
    const silent = [...nobody, liu];
    const toSilent = rows.filter((r) => silent.includes(r.targetId));
    expect(toSilent.map((r) => r.dedupeKey)).toEqual([]);
    // The city's site still hears about its day; the summary still goes out.
    const wang = (await demo(bot, "王建国")).person.id;
    const summaries = rows.filter(
      (r) => r.targetId === wang && r.dedupeKey.includes(":summary:"),
    );
    expect(summaries).toHaveLength(2);
  });

  it("runs a campaign of nine sites, seventy units and ten days", async () => {
    const clock = clockAt("2026-09-25T10:00");
    const bot = await openBot(engine, clock);
    const { hosts, sending, uncovered } = await largeCampaign(bot, clock);
    expect(hosts).toHaveLength(9);
    expect(sending).toHaveLength(70);
    const t = bot.ctx.store.t;
    expect(await bot.ctx.store.db.select().from(t.dutyShifts)).toHaveLength(
      693,
    );

    const tellable = async (
      list: typeof sending,
      roles: ("liaison" | "leader")[],
    ) => {
      let n = 0;
      for (const u of list) {
        n += (await bot.ctx.directory.peopleWithRole(u.id, roles)).length;
      }
      return n;
    };
    // Each tick sends what became due; the same tick again sends nothing.
    const tick = async (when: string) => {
      clock.set(at(when));
      const run = await runJob("campaign-tick", bot);
      const again = await runJob("campaign-tick", bot);
      expect(again.counts.queued).toBe(0);
      return run.counts;
    };

    const liaisons = await tellable(uncovered, ["liaison"]);
    expect(liaisons).toBeGreaterThanOrEqual(7);
    expect((await tick("2026-09-28T18:00")).nominateReminders).toBe(liaisons);
    expect((await tick("2026-10-01T08:00")).dutyNotices).toBe(70);
    let keepers = 0;
    for (const h of hosts) {
      keepers += (
        await bot.ctx.directory.peopleWithRole(h.id, ["liaison", "caseworker"])
      ).length;
    }
    expect((await tick("2026-10-01T09:00")).dispatchCards ?? 0).toBe(keepers);
    expect((await tick("2026-10-01T09:15")).lateReminders).toBe(70);
    const everyone = await tellable(sending, ["liaison", "leader"]);
    expect((await tick("2026-10-01T09:30")).absentUnits).toBe(everyone);
    await tick("2026-10-01T17:00");
    const summary = await tick("2026-10-01T18:00");
    expect(summary.summaries).toBeGreaterThan(0);
    const last = await tick("2026-10-10T09:30");
    expect(last.absentUnits).toBe(everyone);

    const rows = await outbox(bot);
    expect(new Set(rows.map((r) => r.dedupeKey)).size).toBe(rows.length);
    const hrss = await unitId(bot, "city.hrss");
    expect(hosts.some((h) => h.id === hrss)).toBe(true);
  }, 300_000);
});
