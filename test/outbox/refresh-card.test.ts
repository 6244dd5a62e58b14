import { afterEach, describe, expect, it } from "vitest";
import { at, clockAt } from "../helpers/time.js";
import {
  botEngines,
  person,
  simInbox,
  sourceCase,
  unitId,
} from "../jobs/harness.js";

describe.each(botEngines())("refreshing a card on $name", (engine) => {
  afterEach(() => engine.release());

  it("keeps one copy when it changes twice before delivery", async () => {
    const clock = clockAt("2026-09-29T10:00");
    const { bot } = await engine.open(clock);
    const wang = await person(bot, "王建国");
    const zhang = await person(bot, "张伟");
    const { referralId } = await bot.referrals.create(
      wang,
      sourceCase(await unitId(bot, "city.housing")),
    );
    await bot.deliverNow();

    // Signed, then passed down: two updates wait in the outbox.
    clock.set(at("2026-10-09T10:00"));
    await bot.referrals.sign(zhang, referralId, undefined, "sign-0001");
    await bot.referrals.passDown(zhang, referralId, {
      submissionId: "pass-down-0001",
      unitId: await unitId(bot, "chuanshan.housing"),
    });
    await bot.deliverNow();

    const cards = (await simInbox(bot, `person:${zhang.person.id}`)).filter(
      (m) => m.text.startsWith("【移送通知】"),
    );
    expect(cards).toHaveLength(1);
    expect(cards[0].text).toContain("船山区住建局");
  });
});
