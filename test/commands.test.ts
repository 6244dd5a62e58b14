import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../src/boot.js";
import { CommandHandler } from "../src/commands.js";
import { demo, openBot, unitId } from "./helpers/bot.js";
import { engines } from "./helpers/db.js";
import { clockAt } from "./helpers/time.js";

describe.each(engines())("text commands on $name", (engine) => {
  let bot: Bot;
  let commands: CommandHandler;
  let n = 0;

  const say = (user: string, text: string) =>
    commands.handle({
      channel: "sim",
      externalUserId: user,
      eventKey: `m${++n}`,
      text,
    });

  beforeEach(async () => {
    bot = await openBot(engine, clockAt("2026-10-09T10:00"));
    commands = new CommandHandler(bot.ctx, bot.referrals, bot.attendance);
    const wang = await demo(bot, "王建国");
    await bot.referrals.create(wang, {
      kind: "source",
      receivingUnitId: await unitId(bot, "city.housing"),
      caseName: "滨江花园项目欠薪案",
      cause: "拖欠工程款",
      complainantName: "张三",
      companyName: "某劳务公司",
      headCount: 3,
      amount: "9000",
      foundDate: "2026-09-28",
      referralDate: "2026-09-29",
      contactName: "王建国",
      contactPhone: "13800000001",
      fileVolumes: 1,
      filePages: 20,
    });
  });

  afterEach(() => engine.release());

  it("explains itself and lists a unit's open cases", async () => {
    expect(await say("demo-zhangw", "帮助")).toContain("签收 文号");
    const todo = await say("demo-zhangw", " 待办 ");
    expect(todo).toContain("遂人社移〔2026〕1号 滨江花园项目欠薪案：待签收");
    expect(todo).toContain("剩余 27 个工作日");
    expect(await say("demo-zhengt", "待办")).toBe(
      "市交通运输局目前没有待办的移送案件。",
    );
  });

  it("points each side of the new-project loop to its pages", async () => {
    const authority = await say("demo-zhangw", "报送项目");
    expect(authority).toContain("开工后 5 个工作日内报送");
    expect(authority).toContain("/projects/new");
    expect(authority).toContain("/projects/upload");
    expect(authority).not.toContain("/projects/clues/new");
    const hrss = await say("demo-wangjg", "新开工项目");
    expect(hrss).toContain("/projects/clues/new");
    expect(hrss).not.toContain("/projects/new");
    expect(await say("demo-zhouq", "项目")).toMatch(
      /由行业主管部门的联络员、负责人报送/,
    );
  });

  it("signs by number, whatever brackets were typed", async () => {
    expect(await say("demo-zhouq", "签收 遂人社移[2026]1号")).toContain(
      "无权签收",
    );
    expect(await say("demo-zhangw", "签收 遂人社移（2026）1")).toBe(
      "已签收 遂人社移〔2026〕1号。",
    );
    expect(await say("demo-chenj", "签收 遂人社移〔2026〕1号")).toContain(
      "已由张伟签收",
    );
    expect(await say("demo-zhangw", "签收 遂人社移〔2026〕9号")).toContain(
      "没有找到",
    );
    expect(await say("demo-zhangw", "签收 12")).toContain("格式不对");
    expect(await say("demo-zhangw", "签收 遂人社移〔2026〕1号")).toBe(
      "您已于 2026-10-09 10:00 签收该案件，无需重复签收。",
    );
    expect(await say("demo-zhangw", "签收")).toContain("请在“签收”后写上文号");
  });

  it("answers strangers and nonsense politely", async () => {
    expect(await say("someone-else", "待办")).toContain(
      "系统中没有您的人员信息",
    );
    expect(await say("demo-zhangw", "你好")).toContain("发送“帮助”");
    expect(await say("demo-zhangw", "\u200b\u200b")).toBe(
      "没有收到文字内容。发送“帮助”查看可用指令。",
    );
    expect(await say("demo-zhangw", "\u200d帮助")).toContain("可用指令");
  });
});
