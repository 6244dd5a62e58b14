import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import { isoWeek, sendDay } from "../../jobs/weekly-summary.js";
import type { Bot } from "../../src/boot.js";
import { Calendar } from "../../src/calendar/calendar.js";
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

describe("when the weekly summary goes out", () => {
  const cal = new Calendar();

  it("is Monday when Monday is a working day", () => {
    expect(sendDay(cal, "2026-10-14", 1)).toBe("2026-10-12");
  });

  it("moves past a holiday Monday to the first working day", () => {
    // 10-05..10-07 are the National Day holiday.
    expect(sendDay(cal, "2026-10-05", 1)).toBe("2026-10-08");
    expect(sendDay(cal, "2026-10-09", 3)).toBe("2026-10-08");
  });

  it("counts a make-up Saturday as a working day", () => {
    expect(sendDay(cal, "2026-10-05", 6)).toBe("2026-10-10");
  });

  it("skips a week with no working day left", () => {
    // Spring Festival 2026: 02-15..02-23 off.
    expect(sendDay(cal, "2026-02-18", 1)).toBeUndefined();
  });

  it("names ISO weeks across year ends", () => {
    expect(isoWeek("2026-10-08")).toBe("2026-W41");
    expect(isoWeek("2026-01-01")).toBe("2026-W01");
    expect(isoWeek("2027-01-01")).toBe("2026-W53");
    expect(isoWeek("2024-12-30")).toBe("2025-W01");
  });
});

describe.each(botEngines())("weekly summary on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let group: number;

  beforeEach(async () => {
    clock = clockAt("2026-09-29T10:00");
    ({ bot } = await engine.open(clock));
    const { chatGroups } = bot.ctx.store.t;
    const [row] = await bot.ctx.store.db.select().from(chatGroups);
    group = row.id;
  });

  afterEach(() => engine.release());

  async function summaryOn(date: string) {
    clock.set(atTime(date, "09:00"));
    return runJob("weekly-summary", bot);
  }

  it("posts once a week to the group, after a holiday Monday too", async () => {
    const monday = await summaryOn("2026-10-05");
    const thursday = await summaryOn("2026-10-08");
    const again = await summaryOn("2026-10-08");
    const friday = await summaryOn("2026-10-09");
    const next = await summaryOn("2026-10-12");

    expect([monday.ran, thursday.ran, again.ran, friday.ran, next.ran]).toEqual(
      [false, true, false, false, true],
    );
    const posts = await queued(bot, "weekly:");
    expect(posts.map((m) => [m.dedupeKey, m.targetType, m.targetId])).toEqual([
      ["weekly:mechanism:2026-10-05", "group", group],
      ["weekly:mechanism:2026-10-12", "group", group],
    ]);
    expect(posts[0].text).toMatch(/^\*\*联动机制周报 · 9月28日—10月4日\*\*/);
  });

  it("catches up later in the week when its day was missed", async () => {
    // Nothing ran on Monday 10-12 (the process was down): Tuesday sends it,
    // Wednesday does not send it again.
    const tuesday = await summaryOn("2026-10-13");
    const wednesday = await summaryOn("2026-10-14");

    expect([tuesday.ran, wednesday.ran]).toEqual([true, false]);
    const posts = await queued(bot, "weekly:");
    expect(posts.map((m) => m.dedupeKey)).toEqual([
      "weekly:mechanism:2026-10-12",
    ]);
  });

  it("adds no outbox rows when run again, even forced", async () => {
    await summaryOn("2026-10-12");
    const before = await outboxSize(bot);

    const forced = await runJob("weekly-summary", bot, { force: true });

    expect(forced.counts.queued).toBe(0);
    expect(await outboxSize(bot)).toBe(before);
  });

  it("counts last week and the current state, names masked", async () => {
    const wang = await person(bot, "王建国");
    const zhang = await person(bot, "张伟");
    const zheng = await person(bot, "郑涛");
    const housing = await unitId(bot, "city.housing");
    const transport = await unitId(bot, "city.transport");
    const named = { caseName: "张三等12人追讨工资案" };
    const late = await bot.referrals.create(wang, sourceCase(housing, named));
    const done = await bot.referrals.create(wang, sourceCase(housing));
    clock.set(at("2026-10-09T10:00"));
    for (const { referralId } of [late, done]) {
      await bot.referrals.sign(zhang, referralId, undefined, `s-${referralId}`);
    }
    // Last week, 11-16..11-22: two new, one closed, one returned.
    clock.set(at("2026-11-17T10:00"));
    const dates = { foundDate: "2026-11-16", referralDate: "2026-11-17" };
    const toTransport = () =>
      bot.referrals.create(wang, sourceCase(transport, dates));
    await toTransport();
    const returned = await toTransport();
    clock.set(at("2026-11-18T10:00"));
    await bot.referrals.returnToSender(zheng, returned.referralId, {
      submissionId: "return-0001",
      reason: "不属于交通运输领域",
    });
    await bot.referrals.submitFeedback(zhang, done.referralId, {
      submissionId: "feedback-0001",
      handlerContact: "张伟",
      handlerPhone: "13800000003",
      recoveredWorkers: "12",
      recoveredAmount: "123456.70",
      summary: "已足额支付",
    });
    clock.set(at("2026-11-19T10:00"));
    await bot.referrals.reviewFeedback(wang, done.referralId, {
      accept: true,
      key: "accept-0001",
    });

    await summaryOn("2026-11-23");

    const [post] = await queued(bot, "weekly:");
    expect(post.text.split("\n")).toEqual([
      "**联动机制周报 · 11月16日—11月22日**",
      "上周：新移送 2 件，签收 0 件，办结 1 件",
      "上周追回工资：12 人，123,456.70 元",
      "上周退回：市交通运输局 1 件",
      "当前：待签收 1 件，待反馈 1 件，待审核 0 件，退回待改派 1 件",
      "逾期未反馈 1 件：市住房城乡建设局 1 件",
      "- 市住房城乡建设局｜遂人社移〔2026〕1号 张*等12人追讨工资案" +
        "（投诉人张*）｜已逾期 5 个工作日",
      `人社部门：[导出反馈表](${bot.ctx.config.publicUrl}/exports)，` +
        "或向机器人发送“导出 反馈表 2026-11”",
    ]);
    expect(post.text).not.toContain("张三");
    expect(post.text).not.toContain("13800000031");
  });
});
