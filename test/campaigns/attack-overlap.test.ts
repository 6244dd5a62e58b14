/**
 * Two campaigns over the same days created at the same moment: on MariaDB
 * both passed the overlap check until creations took the organizer's
 * lock. One campaign per period holds under concurrency.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError, ValidationError } from "../../src/errors.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { nationalDayInput } from "./support.js";

describe.each(engines())("campaign bugs on $name", (engine) => {
  let bot: Bot;

  beforeEach(async () => {
    const clock: ManualClock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
  });
  afterEach(() => engine.release());

  /** Fulfilled, or refused with an AppError: never an internal error. */
  function expectNoInternalError(results: PromiseSettledResult<unknown>[]) {
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(AppError);
      }
    }
  }

  it("never holds two campaigns over the same days, even created at once", async () => {
    const wang = await demo(bot, "王建国");
    const li = await demo(bot, "李红梅");
    const first = await bot.campaigns.create(wang, await nationalDayInput(bot));
    const again = await bot.campaigns
      .create(wang, await nationalDayInput(bot, { name: "另一期" }))
      .catch((e: unknown) => e);
    if (!(again instanceof ValidationError)) {
      return; // No one-campaign-per-period rule to keep.
    }
    await bot.campaigns.cancel(wang, first.campaignId);

    const results = await Promise.allSettled([
      bot.campaigns.create(
        wang,
        await nationalDayInput(bot, { name: "同期甲" }),
        "create-0001",
      ),
      bot.campaigns.create(
        li,
        await nationalDayInput(bot, { name: "同期乙" }),
        "create-0002",
      ),
    ]);

    expectNoInternalError(results);
    const { campaigns } = bot.ctx.store.t;
    const rows = await bot.ctx.store.db.select().from(campaigns);
    expect(rows.filter((c) => c.status === "active")).toHaveLength(1);
  });
});
