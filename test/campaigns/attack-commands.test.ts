/**
 * 签到, 签退 and 今日到岗 typed the ways people type on phones, on both
 * engines: spaces around and inside, full-width spaces and punctuation,
 * invisible characters, concurrent messages. What is understood checks in
 * once; what is not gets a pointer to 帮助 and records nothing.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import { ALL_DAYS, createNationalDay, nominate } from "./support.js";

describe.each(engines())(
  "campaign commands under attack on $name",
  (engine) => {
    let bot: Bot;
    let clock: ManualClock;
    let seq = 0;

    beforeEach(async () => {
      clock = clockAt("2026-09-25T10:00");
      bot = await openBot(engine, clock);
      const id = await createNationalDay(bot);
      await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
      clock.set(at("2026-10-01T08:50"));
    });
    afterEach(() => engine.release());

    async function say(name: string, text: string, eventKey = `cmd-${++seq}`) {
      const person = (await demo(bot, name)).person;
      const { personBindings } = bot.ctx.store.t;
      const [binding] = await bot.ctx.store.db
        .select()
        .from(personBindings)
        .where(eq(personBindings.personId, person.id));
      return bot.commands.handle({
        channel: "sim",
        externalUserId: binding.externalId,
        eventKey,
        text,
      });
    }

    async function checkedIn() {
      const rows = await bot.ctx.store.db
        .select()
        .from(bot.ctx.store.t.dutyShifts);
      return rows.filter((s) => s.checkedInAt !== null).map((s) => s.date);
    }

    const understood = [
      " 签到 ",
      "签到！",
      "签到。",
      "签到!",
      "\u3000签到\u3000",
      "\n签到\t",
      "签\u200b到",
      "\u200b签到\u200d",
      "签到\u0007",
    ];

    for (const text of understood) {
      it(`checks in on ${JSON.stringify(text)}`, async () => {
        const reply = await say("钱进", text);

        expect(reply).toMatch(/^签到成功：10月1日 08:50/);
        expect(await checkedIn()).toEqual(["2026-10-01"]);
      });
    }

    const notUnderstood = [
      "签 到",
      "签到签到",
      "签到了",
      "我签到",
      "签到？？",
      "qiandao",
    ];

    for (const text of notUnderstood) {
      it(`points ${JSON.stringify(text)} to 帮助, recording nothing`, async () => {
        const reply = await say("钱进", text);

        expect(reply).toMatch(/^没有听懂“.+”。发送“帮助”查看可用指令。$/);
        expect(await checkedIn()).toEqual([]);
      });
    }

    it("answers an empty or invisible message without recording", async () => {
      for (const text of ["", "   ", "\u200b\u200b", "\u3000"]) {
        expect(await say("钱进", text)).toBe(
          "没有收到文字内容。发送“帮助”查看可用指令。",
        );
      }
      expect(await checkedIn()).toEqual([]);
    });

    it("quotes a long odd message shortened, and records nothing", async () => {
      const reply = await say("钱进", `签到${"啊".repeat(5000)}`);

      expect(reply.length).toBeLessThan(80);
      expect(await checkedIn()).toEqual([]);
    });

    it("checks in once for 签到 sent three times at once", async () => {
      const replies = await Promise.all([
        say("钱进", "签到"),
        say("钱进", " 签到！"),
        say("钱进", "签到。"),
      ]);

      expect(replies.filter((r) => r.startsWith("签到成功"))).toHaveLength(1);
      expect(replies.filter((r) => r.includes("无需重复签到"))).toHaveLength(2);
      expect(await checkedIn()).toEqual(["2026-10-01"]);
    });

    it("takes 签退 with odd spacing, after 签到", async () => {
      await say("钱进", "签到");
      clock.set(at("2026-10-01T17:05"));

      const reply = await say("钱进", "\u3000签退！ ");

      expect(reply).toMatch(
        /^签退成功：10月1日 17:05（08:50 签到）。辛苦了！$/,
      );
    });

    it("answers 今日到岗 written in its short and long forms", async () => {
      for (const text of ["今日到岗", " 到岗 ", "今天到岗情况", "到岗情况"]) {
        const reply = await say("马晓林", text);
        expect(reply).toContain("船山区人社局接访点 10月1日 到岗情况");
      }
    });

    it("answers a person the bot does not know, for every command", async () => {
      for (const text of ["签到", "签退", "今日到岗"]) {
        const reply = await bot.commands.handle({
          channel: "sim",
          externalUserId: "nobody-at-all",
          eventKey: `cmd-${++seq}`,
          text,
        });
        expect(reply).toMatch(/^系统中没有您的人员信息/);
      }
      expect(await checkedIn()).toEqual([]);
    });
  },
);
