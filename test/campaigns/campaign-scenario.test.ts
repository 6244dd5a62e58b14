/**
 * A reception campaign over National Day 2026 with the clock moving in
 * five-minute steps and `campaign-tick` run at every step, the way cron
 * runs it: a unit that names nobody, officers on time, late, absent and
 * recorded by the site, a site that misses its daily report. Every
 * reminder is queued at the minute it becomes due, on holidays and
 * weekends, once; the working-day jobs stay quiet on the same holidays.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import { loadCampaign } from "../../src/campaigns/view.js";
import { formatInstant, ManualClock } from "../../src/time.js";
import { demo } from "../helpers/bot.js";
import { botEngines } from "../jobs/harness.js";
import { at } from "../helpers/time.js";
import { ALL_DAYS, nationalDayInput, nominate } from "./support.js";

const STEP = 5 * 60_000;

interface Sent {
  key: string;
  personId: number;
  /** When the tick queued it, Shanghai "YYYY-MM-DD HH:MM". */
  at: string;
  text: string;
}

describe.each(botEngines())("campaign reminders on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let id: number;
  const sent: Sent[] = [];
  const people = new Map<string, number>();
  let seq = 0;

  const say = async (name: string, text: string) => {
    const acting = await demo(bot, name);
    if (text === "签到") {
      return (await bot.attendance.checkIn(acting, `s${++seq}`)).message;
    }
    return (await bot.attendance.checkOut(acting, `s${++seq}`)).message;
  };

  /** Runs the tick at every step up to `until`, doing `events` on the way. */
  const runUntil = async (
    until: string,
    events: Record<string, () => Promise<unknown>> = {},
  ) => {
    const end = at(until);
    while (clock.now() < end) {
      clock.set(clock.now() + STEP);
      const stamp = formatInstant(clock.now());
      const event = events[stamp];
      if (event) {
        await event();
      }
      await runJob("campaign-tick", bot);
      await collect(stamp);
    }
  };

  let seen = 0;
  const collect = async (stamp: string) => {
    const { outbox } = bot.ctx.store.t;
    const rows = await bot.ctx.store.db
      .select()
      .from(outbox)
      .orderBy(outbox.id);
    for (const row of rows.slice(seen)) {
      const body = JSON.parse(row.payload) as {
        text?: string;
        card?: { title: string };
      };
      sent.push({
        key: row.dedupeKey,
        personId: row.targetId,
        at: stamp,
        text: body.text ?? body.card?.title ?? "",
      });
    }
    seen = rows.length;
  };

  const kinds = (kind: string) =>
    sent.filter((s) => s.key.startsWith(`campaign:${id}:${kind}:`));
  const to = (name: string, list: Sent[]) =>
    list.filter((s) => s.personId === people.get(name));

  beforeAll(async () => {
    clock = new ManualClock(at("2026-09-25T10:00"));
    ({ bot } = await engine.open(clock));
    for (const p of await bot.ctx.directory.demoPeople()) {
      people.set(p.name, p.id);
    }
    const wang = await demo(bot, "王建国");
    id = (await bot.campaigns.create(wang, await nationalDayInput(bot)))
      .campaignId;
    await collect("2026-09-25 10:00");
    clock.set(at("2026-09-26T10:00"));
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    await nominate(bot, "张伟", id, [{ name: "冯敏", dates: ALL_DAYS }]);
    await nominate(bot, "郑涛", id, [
      { name: "郑涛", dates: ["2026-10-01", "2026-10-02"] },
    ]);
    await collect("2026-09-26 10:00");
    clock.set(at("2026-09-28T17:00"));
    // The police (周强, 黄志) name nobody; transport covers two days of four.
    await runUntil("2026-09-29T18:30");
    clock.set(at("2026-10-01T07:00"));
    const ma = await demo(bot, "马晓林");
    const wang2 = await demo(bot, "王建国");
    const chuanshan = (await loadCampaign(bot.ctx, bot.ctx.store.db, id))
      .sites[1].site.id;
    const report = {
      visits: "3",
      visitors: "11",
      cases: "2",
      amount: "56000",
      incidents: "0",
    };
    await runUntil("2026-10-02T19:00", {
      // 10-01, a statutory holiday.
      "2026-10-01 08:50": () => say("钱进", "签到"),
      "2026-10-01 09:10": () => say("冯敏", "签到"),
      "2026-10-01 09:20": () => say("郑涛", "签到"),
      "2026-10-01 16:30": () =>
        bot.campaigns.submitDispatch(ma, id, chuanshan, "2026-10-01", report),
      "2026-10-01 16:40": () => say("郑涛", "签退"),
      "2026-10-01 17:05": () => say("钱进", "签退"),
      // 10-02: 冯敏 never comes; 郑涛 is recorded by the site at noon.
      "2026-10-02 08:55": () => say("钱进", "签到"),
      "2026-10-02 12:00": async () => {
        const shifts = await bot.ctx.store.db
          .select()
          .from(bot.ctx.store.t.dutyShifts);
        const shift = shifts.find(
          (s) => s.personId === people.get("郑涛") && s.date === "2026-10-02",
        )!;
        await bot.campaigns.recordAttendance(wang2, shift.id, {
          checkedIn: "09:40",
          checkedOut: "11:50",
          remarks: "手机没电，现场核实到岗",
        });
      },
    });
  }, 240_000);

  afterAll(() => engine.release());

  it("reminds a unit that named nobody, then its leader a day later, once each", () => {
    const liaison = kinds("nominate-late");
    expect(to("周强", liaison).map((s) => s.at)).toEqual(["2026-09-28 18:00"]);
    expect(to("周强", liaison)[0].text).toContain("市公安局还没有指派接访人员");
    expect(to("黄志", kinds("nominate-leader")).map((s) => s.at)).toEqual([
      "2026-09-29 18:00",
    ]);
    // Transport covered two days: reminded about the other two.
    expect(to("郑涛", liaison)[0].text).toContain(
      "还有 2 天没有指派接访人员（10月3日—10月4日）",
    );
    // Units that covered every day hear nothing.
    expect(to("张伟", liaison)).toEqual([]);
    expect(to("赵磊", liaison)).toEqual([]);
  });

  it("sends each officer the duty notice an hour before, on the holiday too", () => {
    const notices = kinds("duty");
    expect(to("钱进", notices).map((s) => s.at)).toEqual([
      "2026-10-01 08:00",
      "2026-10-02 08:00",
    ]);
    expect(to("钱进", notices)[0].text).toContain(
      "今天（10月1日）您在船山区人社局接访点值班",
    );
  });

  it("reminds officers not checked in at 09:15, their unit at 09:30", () => {
    const late = kinds("late");
    expect(to("郑涛", late).map((s) => s.at)).toEqual([
      "2026-10-01 09:15",
      "2026-10-02 09:15",
    ]);
    expect(to("冯敏", late).map((s) => s.at)).toEqual(["2026-10-02 09:15"]);
    expect(to("钱进", late)).toEqual([]);
    const absent = kinds("absent");
    // 冯敏 absent on 10-02: 市住建局's liaisons and leader, once.
    expect(to("刘洋", absent).map((s) => s.at)).toEqual(["2026-10-02 09:30"]);
    expect(to("张伟", absent)[0].text).toContain(
      "冯敏，值班开始 30 分钟后仍未签到",
    );
    expect(to("陈静", absent)).toHaveLength(1);
    // The police sent no one: told each day at 09:30.
    expect(to("黄志", absent).map((s) => s.at)).toEqual([
      "2026-10-01 09:30",
      "2026-10-02 09:30",
    ]);
    // 郑涛 checked in at 09:20 on 10-01: his unit is not told that day;
    // on 10-02 he had not by 09:30 (the site recorded him at noon).
    expect(to("郑涛", absent).map((s) => s.at)).toEqual(["2026-10-02 09:30"]);
  });

  it("sends dispatch cards at the duty start and chases the site that did not report", () => {
    const cards = kinds("dispatch-card");
    expect(to("马晓林", cards).map((s) => s.at)).toEqual([
      "2026-10-01 09:00",
      "2026-10-02 09:00",
    ]);
    expect(to("王建国", cards)).toHaveLength(2);
    const chase = kinds("dispatch-late");
    expect(to("王建国", chase).map((s) => s.at)).toEqual([
      "2026-10-01 17:00",
      "2026-10-02 17:00",
    ]);
    // Chuanshan reported on 10-01 before the deadline; not on 10-02.
    expect(to("马晓林", chase).map((s) => s.at)).toEqual(["2026-10-02 17:00"]);
    expect(to("李红梅", kinds("dispatch-missing")).map((s) => s.at)).toEqual([
      "2026-10-01 18:00",
      "2026-10-02 18:00",
    ]);
  });

  it("reminds who did not check out at the duty end", () => {
    const out = kinds("checkout");
    expect(to("冯敏", out).map((s) => s.at)).toEqual(["2026-10-01 17:00"]);
    expect(to("钱进", out).map((s) => s.at)).toEqual([
      "2026-10-01 17:00",
      "2026-10-02 17:00",
    ]);
    expect(to("郑涛", out)).toEqual([]);
  });

  it("gives the organizer one consolidated summary a day at 18:00", () => {
    const summaries = kinds("summary");
    expect(to("王建国", summaries).map((s) => s.at)).toEqual([
      "2026-10-01 18:00",
      "2026-10-02 18:00",
    ]);
    expect(to("李红梅", summaries)).toHaveLength(2);
    const first = to("王建国", summaries)[0].text;
    expect(first).toContain(
      "到岗：应到 3 人，到岗 3 人（迟到 2 人），未到岗 0 人；未派员 1 个单位次。",
    );
    expect(first).toContain(
      "日调度：1/2 个接访点已报送；合计来访 3 批 11 人，处理欠薪案件 2 件，追回工资 56,000.00 元",
    );
    expect(first).toContain(
      "- 市人力资源社会保障局接访点：到岗 2/2；**未报送日调度**",
    );
    expect(first).toContain(
      "迟到：市住房城乡建设局 冯敏（10 分钟）；市交通运输局 郑涛（20 分钟）",
    );
    expect(first).toContain("未派员：市公安局（市人力资源社会保障局接访点）");
    const second = to("王建国", summaries)[1].text;
    expect(second).toContain("未到岗：市住房城乡建设局 冯敏");
    expect(second).toContain("迟到：市交通运输局 郑涛（40 分钟）");
  });

  it("sends nothing twice, and nothing in the nights", () => {
    const keys = sent.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    const night = sent.filter(
      (s) => s.at.slice(11) < "07:00" || s.at.slice(11) > "18:05",
    );
    expect(night).toEqual([]);
  });

  it("keeps the working-day jobs quiet on the holiday", async () => {
    clock.set(at("2026-10-02T09:00"));
    const outcome = await runJob("morning-reminder", bot);
    expect(outcome.ran).toBe(false);
    expect(outcome.summary).toContain("not a working day");
  });
});
