import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/referrals/service.js";
import { atTime, type ManualClock } from "../../src/time.js";
import { at, clockAt } from "../helpers/time.js";
import {
  botEngines,
  outboxSize,
  person,
  queued,
  sourceCase,
  unitId,
} from "./harness.js";

describe.each(botEngines())("morning reminder on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let wang: Acting;
  let zhang: Acting;
  let chen: Acting;
  let housing: number;

  beforeEach(async () => {
    clock = clockAt("2026-09-29T10:00");
    ({ bot } = await engine.open(clock));
    wang = await person(bot, "王建国");
    zhang = await person(bot, "张伟");
    chen = await person(bot, "陈静");
    housing = await unitId(bot, "city.housing");
  });

  afterEach(() => engine.release());

  /** Runs the reminder at 09:00 on a date. */
  async function remindOn(date: string) {
    clock.set(atTime(date, "09:00"));
    return runJob("morning-reminder", bot);
  }

  const refer = (extra = {}) =>
    bot.referrals.create(wang, sourceCase(housing, extra));

  const sign = (actor: Acting, id: number) =>
    bot.referrals.sign(actor, id, undefined, `sign-${actor.person.id}-${id}`);

  it("reminds every liaison of a unit with a referral to sign", async () => {
    const { referralId } = await refer();

    const result = await remindOn("2026-09-30");

    const sent = await queued(bot, "remind:");
    expect(result.ran).toBe(true);
    expect(sent.map((m) => m.dedupeKey)).toEqual([
      `remind:${zhang.person.id}:2026-09-30`,
      `remind:${chen.person.id}:2026-09-30`,
    ]);
    const lines = sent[0].text.split("\n");
    expect(lines[0]).toBe("**待办提醒 · 9月30日**");
    expect(lines[1]).toBe("市住房城乡建设局有 1 件待办：");
    expect(lines[2]).toBe(
      `- [遂人社移〔2026〕1号](http://localhost:3000/referrals/${referralId})` +
        " 滨江花园项目欠薪案｜待签收｜反馈期限 11月16日（剩余 29 个工作日）",
    );
    expect(sent[0].notBefore).toBe(at("2026-09-30T09:00"));
  });

  it("sends nothing to a liaison whose unit has nothing due", async () => {
    const { referralId } = await refer();
    clock.set(at("2026-10-09T10:00"));
    await sign(zhang, referralId);

    const result = await remindOn("2026-10-12");

    expect(result.counts.queued).toBe(0);
    expect(await queued(bot, "remind:")).toEqual([]);
  });

  it("sends no reminders on a holiday or a weekend", async () => {
    await refer();

    const holiday = await remindOn("2026-10-02");
    const sunday = await remindOn("2026-10-11");

    expect(holiday.ran).toBe(false);
    expect(holiday.summary).toMatch(/not a working day/);
    expect(sunday.ran).toBe(false);
    expect(await queued(bot, "remind:")).toEqual([]);
  });

  it("reminds on a make-up working Saturday", async () => {
    await refer();

    await remindOn("2026-10-10");

    expect((await queued(bot, "remind:")).map((m) => m.dedupeKey)).toEqual([
      `remind:${zhang.person.id}:2026-10-10`,
      `remind:${chen.person.id}:2026-10-10`,
    ]);
  });

  it("adds no outbox rows when run again the same day", async () => {
    await refer();
    await remindOn("2026-09-30");
    const before = await outboxSize(bot);

    const again = await runJob("morning-reminder", bot);
    const forced = await runJob("morning-reminder", bot, { force: true });

    expect(again.ran).toBe(false);
    expect(again.summary).toMatch(/already done/);
    expect(forced.ran).toBe(true);
    expect(forced.counts).toMatchObject({ queued: 0, already: 2 });
    expect(await outboxSize(bot)).toBe(before);
  });

  it("counts down the last two working days, then counts overdue", async () => {
    const { referralId } = await refer();
    clock.set(at("2026-10-09T10:00"));
    await sign(zhang, referralId);
    const lineOn = async (date: string) => {
      await remindOn(date);
      const mine = await queued(bot, `remind:${zhang.person.id}:${date}`);
      return mine[0]?.text.split("\n")[2];
    };

    // 11-12 is 3 working days before 11-16 is over: 11-13, 11-16.
    expect(await lineOn("2026-11-11")).toBeUndefined();
    expect(await lineOn("2026-11-12")).toMatch(/剩余 2 个工作日）$/);
    expect(await lineOn("2026-11-13")).toMatch(/剩余 1 个工作日）$/);
    expect(await lineOn("2026-11-16")).toMatch(
      /反馈期限 11月16日（今天到期）$/,
    );
    expect(await lineOn("2026-11-17")).toMatch(/已逾期 1 个工作日）$/);
    expect(await lineOn("2026-11-23")).toMatch(/已逾期 5 个工作日）$/);
  });

  it("lists a case passed down under 督办 for the supervising unit", async () => {
    const { referralId } = await refer();
    const chuanshan = await unitId(bot, "chuanshan.housing");
    const zhao = await person(bot, "赵磊");
    clock.set(at("2026-10-09T10:00"));
    await sign(zhang, referralId);
    await bot.referrals.passDown(zhang, referralId, {
      submissionId: "pass-down-1",
      unitId: chuanshan,
    });

    await remindOn("2026-10-12");
    const beforeDeadline = await queued(bot, "remind:");
    await remindOn("2026-11-12");

    // Waiting for 赵磊's receipt is the county's business, not the city's.
    expect(beforeDeadline.map((m) => m.targetId)).toEqual([zhao.person.id]);
    const city = await queued(bot, `remind:${chen.person.id}:2026-11-12`);
    const county = await queued(bot, `remind:${zhao.person.id}:2026-11-12`);
    expect(city[0].text.split("\n").slice(1)).toEqual([
      "督办 1 件：",
      `- [遂人社移〔2026〕1号](http://localhost:3000/referrals/${referralId})` +
        " 滨江花园项目欠薪案｜船山区住建局办理｜" +
        "反馈期限 11月16日（剩余 2 个工作日）",
    ]);
    expect(county[0].text).toMatch(/船山区住建局有 1 件待办：\n- .*待签收/);
  });

  it("reads every due clock when they span several pages", async () => {
    // Later ids with earlier deadlines: paging by id alone would skip some.
    const dates = ["2026-09-29", "2026-09-28", "2026-09-25", "2026-09-23"];
    for (const referralDate of dates) {
      const { referralId } = await refer({
        foundDate: "2026-09-21",
        referralDate,
      });
      await sign(zhang, referralId);
    }

    clock.set(atTime("2026-11-17", "09:00"));
    const result = await runJob("morning-reminder", bot, { batchSize: 1 });

    const [message] = await queued(bot, `remind:${zhang.person.id}:`);
    expect(result.counts.items).toBe(4);
    expect(message.text).toMatch(/有 4 件待办/);
    const numbers = [...message.text.matchAll(/〔2026〕(\d+)号/g)].map(
      (m) => m[1],
    );
    expect(numbers).toEqual(["4", "3", "2", "1"]);
  });
});
