/**
 * Campaign commands on both engines: creating a campaign, naming officers,
 * checking in and out by message, the roll, the daily report and the
 * site's own record; with every wrong input answered and nothing stored.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError, ValidationError } from "../../src/errors.js";
import type { ManualClock } from "../../src/time.js";
import { demo, inbox, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import {
  ALL_DAYS,
  createNationalDay,
  nationalDayInput,
  nominate,
} from "./support.js";

describe.each(engines())("reception campaign on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let id: number;
  let seq = 0;

  const say = async (name: string, text: string) => {
    const person = (await demo(bot, name)).person;
    const [binding] = await bot.ctx.store.db
      .select()
      .from(bot.ctx.store.t.personBindings)
      .where(eq(bot.ctx.store.t.personBindings.personId, person.id));
    return bot.commands.handle({
      channel: "sim",
      externalUserId: binding.externalId,
      eventKey: `t${++seq}`,
      text,
    });
  };

  const shifts = () =>
    bot.ctx.store.db.select().from(bot.ctx.store.t.dutyShifts);

  beforeEach(async () => {
    clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
    id = await createNationalDay(bot);
  });
  afterEach(() => engine.release());

  it("sends each sending unit's liaisons a card to name officers", async () => {
    const zhang = (await demo(bot, "张伟")).person;
    await bot.deliverNow();
    const messages = await inbox(bot, zhang.id);
    const card = messages.find((m) => m.type === "card")?.card;
    expect(card.title).toBe("集中接访：请市住房城乡建设局指派接访人员");
    expect(card.status.text).toBe("待指派");
    expect(card.buttons[0].url).toContain(`/campaigns/${id}/officers`);
  });

  it("refuses a campaign with wrong dates, times or sites, naming each field", async () => {
    const wang = await demo(bot, "王建国");
    const bad = await nationalDayInput(bot, {
      endDate: "2026-09-30",
      dutyStart: "18:00",
      nominateBy: "2026-10-02 09:00",
    });
    const error = await bot.campaigns
      .create(wang, bad)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(["endDate", "dutyEnd", "nominateBy"]),
    );
    const zhang = await demo(bot, "张伟");
    await expect(
      bot.campaigns.create(zhang, await nationalDayInput(bot)),
    ).rejects.toThrow(/只有市人力资源社会保障局/);
  });

  it("checks officers in and out, once, on their day and site only", async () => {
    await nominate(bot, "赵磊", id, [
      { name: "钱进", dates: ["2026-10-01", "2026-10-02"] },
    ]);
    await nominate(bot, "张伟", id, [{ name: "冯敏", dates: ALL_DAYS }]);

    clock.set(at("2026-09-30T10:00"));
    expect(await say("钱进", "签到")).toMatch(
      /今天没有接访值班安排.*10月1日 09:00–17:00，船山区人社局接访点/,
    );

    clock.set(at("2026-10-01T06:30"));
    expect(await say("钱进", "签到")).toMatch(/还没到签到时间/);
    clock.set(at("2026-10-01T08:52"));
    const first = await say("钱进", "签到");
    expect(first).toMatch(
      /^签到成功：10月1日 08:52，船山区人社局接访点（船山区人社局信访接待室）。/,
    );
    expect(first).toContain("今天本接访点只有您一人值班");
    expect(await say("钱进", "签到")).toBe(
      "您今天已于 08:52 签到，无需重复签到。值班结束时请发送“签退”。",
    );
    clock.set(at("2026-10-01T09:12"));
    const late = await say("冯敏", "签到");
    expect(late).toContain("晚 12 分钟，记为迟到");
    // The unit's liaison is not on duty: a clear answer, nothing stored.
    expect(await say("张伟", "签到")).toMatch(
      /不在“2026年国庆节集中接访”的接访人员名单中/,
    );

    clock.set(at("2026-10-01T16:40"));
    expect(await say("钱进", "签退")).toMatch(/早 20 分钟，记为早退/);
    expect(await say("钱进", "签退")).toMatch(/已于 16:40 签退/);
    expect(await say("冯敏", "签退")).toMatch(/签退成功/);
    clock.set(at("2026-10-01T17:30"));

    clock.set(at("2026-10-03T09:05"));
    expect(await say("钱进", "签到")).toMatch(
      /您今天不在“2026年国庆节集中接访”的接访人员名单中/,
    );
    clock.set(at("2026-10-05T09:05"));
    expect(await say("冯敏", "签到")).toMatch(/目前没有正在进行的集中接访活动/);

    const rows = await shifts();
    const checked = rows.filter((s) => s.checkedInAt !== null);
    expect(checked).toHaveLength(2);
    expect(rows).toHaveLength(6);
  });

  it("answers a check-in from someone the bot does not know, storing nothing", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T09:00"));
    const reply = await bot.commands.handle({
      channel: "sim",
      externalUserId: "demo-nobody",
      eventKey: "x1",
      text: "签到",
    });
    expect(reply).toMatch(/^系统中没有您的人员信息/);
    const { auditLog } = bot.ctx.store.t;
    const entries = await bot.ctx.store.db.select().from(auditLog);
    expect(entries.filter((e) => e.action.startsWith("duty."))).toEqual([]);
    expect((await shifts()).every((s) => s.checkedInAt === null)).toBe(true);
  });

  it("keeps a shared location with the check-in, or checks in with it", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));
    const qian = await demo(bot, "钱进");
    const place = {
      latitude: 30.5133,
      longitude: 105.5927,
      label: "船山区人社局",
    };
    const out = await bot.attendance.shareLocation(qian, "loc1", place);
    expect(out.message).toMatch(/^签到成功/);
    expect(out.message).toContain("位置：船山区人社局（30.51330, 105.59270）");
    const again = await bot.attendance.shareLocation(qian, "loc1", place);
    expect(again.duplicate).toBe(true);
    const [row] = await shifts();
    expect(JSON.parse(row.checkInLocation!)).toEqual(place);
  });

  it("answers the roll to the site, the organizer and the sending unit", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    await nominate(bot, "张伟", id, [{ name: "冯敏", dates: ALL_DAYS }]);
    clock.set(at("2026-10-02T09:40"));
    await say("钱进", "签到");
    const site = await say("马晓林", "今日到岗");
    expect(site).toContain(
      "船山区人社局接访点 10月2日 到岗情况（09:00–17:00）：",
    );
    expect(site).toMatch(
      /船山区住建局 钱进 138\*\*\*\*0014：09:40 签到（迟到 40 分钟）/,
    );
    const organizer = await say("王建国", "今日到岗");
    expect(organizer).toContain(
      "市人力资源社会保障局接访点：应到 1 人，已到 0 人，未派员单位 2 个",
    );
    expect(organizer).toContain(
      "尚未签到：市人力资源社会保障局接访点 市住房城乡建设局 冯敏",
    );
    const unit = await say("张伟", "今日到岗");
    expect(unit).toBe(
      "市住房城乡建设局今天在市人力资源社会保障局接访点值班：\n冯敏：未签到",
    );
    const outsider = await say("郑涛", "今日到岗");
    expect(outsider).toBe(
      "市交通运输局今天没有指派人员到市人力资源社会保障局接访点值班。",
    );
    expect(await say("周强", "今日到岗")).toContain("没有指派人员");
    expect(await say("吴敏", "今日到岗")).toMatch(/只有接访点人社部门/);
  });

  it("replaces a unit's future days, keeps checked-in ones, refuses others' people", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    clock.set(at("2026-10-02T09:00"));
    await say("钱进", "签到");
    const zhao = await demo(bot, "赵磊");
    const qian = (await demo(bot, "钱进")).person;
    const feng = (await demo(bot, "冯敏")).person;
    const dropToday = bot.campaigns.nominate(zhao, id, {
      officers: [{ personId: String(qian.id), dates: ["2026-10-03"] }],
    });
    await expect(dropToday).rejects.toThrow(
      /钱进已于10月2日签到，不能从该日名单中移除/,
    );
    const other = bot.campaigns.nominate(zhao, id, {
      officers: [{ personId: String(feng.id), dates: ["2026-10-03"] }],
    });
    await expect(other).rejects.toThrow(/只能从船山区住建局的人员中选择/);
    const past = bot.campaigns.nominate(zhao, id, {
      officers: [
        { personId: String(qian.id), dates: ["2026-10-01", "2026-10-02"] },
      ],
    });
    await expect(past).rejects.toThrow(/10月1日的值班已经结束/);
    const out = await bot.campaigns.nominate(zhao, id, {
      officers: [
        { personId: String(qian.id), dates: ["2026-10-02"] },
        {
          name: "孔亮",
          title: "办公室科员",
          phone: "13900001111",
          dates: ["2026-10-03", "2026-10-04"],
        },
      ],
    });
    expect(out.message).toBe(
      "已保存船山区住建局的接访人员：2 人。活动期间每天都有人值班。",
    );
    // Named outside the simulator, a new officer has no account to check in with.
    const { personBindings, people } = bot.ctx.store.t;
    const all = await bot.ctx.store.db.select().from(people);
    const kong = all.find((p) => p.name === "孔亮")!;
    await bot.ctx.store.db
      .delete(personBindings)
      .where(eq(personBindings.personId, kong.id));
    const again = await bot.campaigns.nominate(zhao, id, {
      officers: [
        { personId: String(qian.id), dates: ["2026-10-02"] },
        { personId: String(kong.id), dates: ["2026-10-03", "2026-10-04"] },
      ],
    });
    expect(again.message).toContain(
      "孔亮还没有绑定企业微信或钉钉账号，收不到提醒",
    );
    const rows = (await shifts()).map((s) => `${s.personId}:${s.date}`).sort();
    expect(rows).toHaveLength(4);
    expect(rows).toContain(`${qian.id}:2026-10-01`);
    expect(rows).toContain(`${qian.id}:2026-10-02`);
    expect(rows).not.toContain(`${qian.id}:2026-10-03`);
  });

  it("takes the daily report from the site's staff only, refusing negative counts", async () => {
    clock.set(at("2026-10-01T16:00"));
    const view = await import("../../src/campaigns/view.js").then((m) =>
      m.loadCampaign(bot.ctx, bot.ctx.store.db, id),
    );
    const site = view.sites[1].site.id;
    const ma = await demo(bot, "马晓林");
    const report = {
      visits: "3",
      visitors: "11",
      cases: "2",
      amount: "56000",
      incidents: "0",
      remarks: "",
    };
    const negative = bot.campaigns.submitDispatch(ma, id, site, "2026-10-01", {
      ...report,
      visits: "-1",
    });
    await expect(negative).rejects.toThrow("接待来访批次：不能小于 0");
    const zhao = await demo(bot, "赵磊");
    await expect(
      bot.campaigns.submitDispatch(zhao, id, site, "2026-10-01", report),
    ).rejects.toThrow(/只有船山区人社局/);
    await expect(
      bot.campaigns.submitDispatch(ma, id, site, "2026-10-02", report),
    ).rejects.toThrow(/还没到/);
    const out = await bot.campaigns.submitDispatch(
      ma,
      id,
      site,
      "2026-10-01",
      report,
      "k1",
    );
    expect(out.message).toContain(
      "来访 3 批 11 人，处理欠薪案件 2 件，追回工资 56,000.00 元",
    );
    const fixed = await bot.campaigns.submitDispatch(
      ma,
      id,
      site,
      "2026-10-01",
      { ...report, visitors: "12" },
      "k2",
    );
    expect(fixed.message).toMatch(/^已更正/);
    const rows = await bot.ctx.store.db
      .select()
      .from(bot.ctx.store.t.dispatchReports);
    expect(rows).toHaveLength(1);
    expect(rows[0].visitors).toBe(12);
  });

  it("refuses a second campaign over the same days, or a deadline already past", async () => {
    const wang = await demo(bot, "王建国");
    const again = await bot.campaigns
      .create(wang, await nationalDayInput(bot, { name: "国庆第二期" }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ValidationError);
    expect((again as ValidationError).issues[0].message).toMatch(
      /与“2026年国庆节集中接访”（编号 #\d+，2026-10-01 至 2026-10-04）时间重叠/,
    );
    const late = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, {
          name: "春节",
          startDate: "2027-02-10",
          endDate: "2027-02-12",
          nominateBy: "2026-09-24 18:00",
        }),
      )
      .catch((e: unknown) => e);
    expect((late as ValidationError).issues.map((i) => i.field)).toEqual([
      "nominateBy",
    ]);
  });

  it("tells an officer taken off days, and lets the site correct a mistaken 签退", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    const qian = (await demo(bot, "钱进")).person;
    await bot.deliverNow();
    const texts = (await inbox(bot, qian.id)).map((m) => m.text ?? "");
    expect(texts).toContain(
      "【集中接访】船山区住建局已调整“2026年国庆节集中接访”的值班安排：" +
        "您10月2日—10月4日不再到船山区人社局接访点值班。",
    );

    clock.set(at("2026-10-01T08:50:00"));
    await say("钱进", "签到");
    clock.set(at("2026-10-01T09:40:40"));
    expect(await say("钱进", "签退")).toContain("早 440 分钟，记为早退");
    const [shift] = await shifts();
    const ma = await demo(bot, "马晓林");
    const fixed = await bot.campaigns.recordAttendance(ma, shift.id, {
      checkedIn: "08:50",
      checkedOut: "",
      remarks: "误发签退，现场核实仍在岗",
    });
    expect(fixed.message).toBe("已为钱进更正10月1日的到岗记录：08:50。");
    const [after] = await shifts();
    expect(after.checkedOutAt).toBeNull();
    expect(after.recordedBy).toBe(ma.person.id);
  });

  it("keeps a day whose duty ended, and refuses reminders after the duty", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    clock.set(at("2026-10-01T17:30"));
    const zhao = await demo(bot, "赵磊");
    const qian = (await demo(bot, "钱进")).person;
    await bot.campaigns.nominate(zhao, id, {
      officers: [{ personId: String(qian.id), dates: ["2026-10-02"] }],
    });
    // 10-01 is over: dropping the absent officer would turn 未到岗 into 未派员.
    const days = (await shifts()).map((s) => s.date).sort();
    expect(days).toEqual(["2026-10-01", "2026-10-02"]);
    const wang = await demo(bot, "王建国");
    const long = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, {
          name: "春节",
          startDate: "2027-02-10",
          endDate: "2027-02-12",
          nominateBy: "2027-02-01 18:00",
          escalateAfterMin: "480",
        }),
      )
      .catch((e: unknown) => e);
    expect((long as ValidationError).issues.map((i) => i.field)).toEqual([
      "escalateAfterMin",
    ]);
  });

  it("stops taking reports once the campaign is cancelled", async () => {
    clock.set(at("2026-10-01T16:00"));
    const { loadCampaign } = await import("../../src/campaigns/view.js");
    const site = (await loadCampaign(bot.ctx, bot.ctx.store.db, id)).sites[1];
    await bot.campaigns.cancel(await demo(bot, "王建国"), id);
    const ma = await demo(bot, "马晓林");
    const report = {
      visits: "1",
      visitors: "1",
      cases: "0",
      amount: "0",
      incidents: "0",
    };
    await expect(
      bot.campaigns.submitDispatch(ma, id, site.site.id, "2026-10-01", report),
    ).rejects.toThrow("该集中接访活动已取消");
  });

  it("puts a wrong officer's error on that officer's row", async () => {
    const zhao = await demo(bot, "赵磊");
    const feng = (await demo(bot, "冯敏")).person;
    const error = await bot.campaigns
      .nominate(zhao, id, {
        officers: [
          {
            name: "孔亮",
            title: "",
            phone: "13900001111",
            dates: ["2026-10-01"],
          },
          { personId: String(feng.id), dates: ["2026-10-02"] },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual([
      "officers.0.title",
      "officers.1.personId",
    ]);
  });

  it("lets the site record an officer who could not check in", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T12:00"));
    const [shift] = await shifts();
    const ma = await demo(bot, "马晓林");
    const zhao = await demo(bot, "赵磊");
    const input = { checkedIn: "08:55", remarks: "手机没电，现场核实到岗" };
    await expect(
      bot.campaigns.recordAttendance(zhao, shift.id, input),
    ).rejects.toBeInstanceOf(AppError);
    await expect(
      bot.campaigns.recordAttendance(ma, shift.id, {
        checkedIn: "13:00",
        remarks: "x",
      }),
    ).rejects.toThrow("到岗时间：不能晚于现在");
    const out = await bot.campaigns.recordAttendance(ma, shift.id, input);
    expect(out.message).toBe("已为钱进补登10月1日的到岗记录：08:55。");
    expect(await say("钱进", "签到")).toMatch(/已于 08:55 签到/);
  });
});
