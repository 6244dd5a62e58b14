/**
 * A reception campaign's tables read back cell by cell: attachment 6 of
 * one site and of every site, and the report to the government office,
 * after National Day 2026 and while it is still going.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "../../src/audit.js";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import {
  CHUANSHAN_SITE,
  CITY_SITE,
  nationalDayLived,
  type Lived,
} from "./campaign-support.js";
import { exported, isoOf, rowValues } from "./support.js";

const HEADINGS = [
  "序号",
  "接访单位",
  "接访时间",
  "接访人员姓名",
  "职务",
  "联系电话",
  "备注",
];
const CAMPAIGN = "2026年国庆节集中接访";
const POLICE = "遂宁市公安局";
const HOUSING = "遂宁市住房和城乡建设局";
const TRANSPORT = "遂宁市交通运输局";
const CS_HOUSING = "船山区住房和城乡建设局";
const HUANG = ["黄志", "副支队长", "13800000012"];
const FENG = ["冯敏", "建筑市场监管科科员", "13800000015"];
const QIAN = ["钱进", "建管股科员", "13800000014"];
const NOBODY = [null, null, null];

describe.each(engines())("campaign tables on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let lived: Lived;

  beforeEach(async () => {
    clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
    lived = await nationalDayLived(bot, clock);
  });
  afterEach(() => engine.release());

  it("prints one site's attachment 6 as the notice lays it out", async () => {
    const ma = await demo(bot, "马晓林");
    const { result, book } = await exported(bot, ma, {
      table: "考勤表",
      campaign: CAMPAIGN,
    });
    expect(result).toEqual({
      table: "attendance",
      fileName: `遂宁市保障农民工工资支付集中接访考勤表（${CAMPAIGN}，${CHUANSHAN_SITE}）.xlsx`,
      rows: 4,
    });
    expect(book.worksheets.map((s) => s.name)).toEqual([CHUANSHAN_SITE]);
    const sheet = book.worksheets[0];
    expect(sheet.getCell("A1").value).toBe("附件6");
    expect(sheet.getCell("A2").value).toBe(
      "遂宁市保障农民工工资支付集中接访考勤表",
    );
    expect(sheet.getCell("A3").value).toBe(
      "填报单位：船山区人力资源和社会保障局",
    );
    expect(sheet.getCell("E3").value).toBe(
      `接访点：${CHUANSHAN_SITE}（船山区人社局信访接待室）`,
    );
    expect(sheet.getCell("A4").value).toBe(`活动：${CAMPAIGN}`);
    expect(sheet.getCell("E4").value).toBe(
      "接访期间：2026年10月1日至10月4日，每日 09:00–17:00",
    );
    expect(rowValues(sheet, 5, 7)).toEqual(HEADINGS);
    expect(rowValues(sheet, 6, 7)).toEqual([
      1,
      CS_HOUSING,
      "10月1日 09:12–16:40",
      ...QIAN,
      "迟到 12 分钟；早退 20 分钟",
    ]);
    expect(rowValues(sheet, 7, 7)).toEqual([
      2,
      CS_HOUSING,
      "10月2日 08:55–17:00",
      ...QIAN,
      "接访点补登：手机没电，现场核实到岗",
    ]);
    expect(rowValues(sheet, 8, 7)).toEqual([
      3,
      CS_HOUSING,
      "10月3日",
      ...QIAN,
      "未到岗",
    ]);
    expect(rowValues(sheet, 9, 7)).toEqual([
      4,
      CS_HOUSING,
      "10月4日",
      ...NOBODY,
      "未派员",
    ]);
    // The sign line under the table, dated the day of the export.
    expect(rowValues(sheet, 11, 1)).toEqual(["单位负责人："]);
    const filled = sheet.getCell("G11");
    expect(isoOf(filled.value)).toBe("2026-10-05");
    expect(filled.numFmt).toBe('"填表时间："yyyy"年"m"月"d"日"');
  });

  it("prints every site's sheet for the campaign, by date then unit", async () => {
    const wang = await demo(bot, "王建国");
    const { result, book } = await exported(bot, wang, {
      table: "附件6",
      campaign: CAMPAIGN,
    });
    expect(result.fileName).toBe(
      `遂宁市保障农民工工资支付集中接访考勤表（${CAMPAIGN}）.xlsx`,
    );
    expect(result.rows).toBe(16);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      CITY_SITE,
      CHUANSHAN_SITE,
    ]);
    const city = book.getWorksheet(CITY_SITE)!;
    expect(city.getCell("A3").value).toBe(
      "填报单位：遂宁市人力资源和社会保障局",
    );
    expect(rowValues(city, 5, 7)).toEqual(HEADINGS);
    const rows = Array.from({ length: 12 }, (_, i) =>
      rowValues(city, 6 + i, 7),
    );
    expect(rows).toEqual([
      [1, POLICE, "10月1日", ...HUANG, "未到岗"],
      [2, HOUSING, "10月1日 08:55–17:05", ...FENG, null],
      [3, TRANSPORT, "10月1日", ...NOBODY, "未派员"],
      [4, POLICE, "10月2日 09:40–17:00", ...HUANG, "迟到 40 分钟"],
      [5, HOUSING, "10月2日 09:00–", ...FENG, "未签退"],
      [6, TRANSPORT, "10月2日", ...NOBODY, "未派员"],
      [7, POLICE, "10月3日", ...NOBODY, "未派员"],
      [8, HOUSING, "10月3日 09:05–17:00", ...FENG, "迟到 5 分钟"],
      [9, TRANSPORT, "10月3日", ...NOBODY, "未派员"],
      [10, POLICE, "10月4日", ...NOBODY, "未派员"],
      [11, HOUSING, "10月4日 08:50–16:30", ...FENG, "早退 30 分钟"],
      [12, TRANSPORT, "10月4日", ...NOBODY, "未派员"],
    ]);
    expect(rowValues(city, 18, 1)).toEqual([null]);
    const chuanshan = book.getWorksheet(CHUANSHAN_SITE)!;
    expect(rowValues(chuanshan, 6, 3)).toEqual([
      1,
      CS_HOUSING,
      "10月1日 09:12–16:40",
    ]);
  });

  it("prints one site for the organizer, picked by its host unit", async () => {
    const li = await demo(bot, "李红梅");
    const { result, book } = await exported(bot, li, {
      table: "attendance",
      campaignId: lived.campaignId,
      unitId: await unitId(bot, "city.hrss"),
    });
    expect(result.rows).toBe(12);
    expect(book.worksheets.map((s) => s.name)).toEqual([CITY_SITE]);
  });

  it("reports the daily figures with each site's and the campaign's totals", async () => {
    const wang = await demo(bot, "王建国");
    const { result, book } = await exported(bot, wang, {
      table: "接访报告",
      campaign: CAMPAIGN,
    });
    expect(result).toEqual({
      table: "campaign-report",
      fileName: "遂宁市2026年国庆节集中接访情况报告表.xlsx",
      rows: 8,
    });
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "一、每日接访情况",
      "二、各单位到岗情况",
      "三、未派员情况",
    ]);
    const daily = book.worksheets[0];
    expect(daily.getCell("A1").value).toBe("一、每日接访情况");
    expect(daily.getCell("A2").value).toBe(
      "遂宁市2026年国庆节集中接访情况报告表",
    );
    expect(daily.getCell("A3").value).toBe(
      "报送单位：遂宁市人力资源和社会保障局",
    );
    expect(daily.getCell("F3").value).toBe("统计截至：2026-10-05 09:00");
    expect(daily.getCell("A4").value).toBe(
      "活动期间：2026年10月1日至10月4日，每日 09:00–17:00",
    );
    expect(daily.getCell("F4").value).toBe("接访点 2 个，派员单位 4 个");
    expect(rowValues(daily, 5, 9)).toEqual([
      "序号",
      "日期",
      "接访点",
      "接待来访批次",
      "接待来访人数",
      "处理欠薪案件（件）",
      "追回工资（元）",
      "突发事件（起）",
      "备注",
    ]);
    const none = [null, null, null, null, null];
    const rows = Array.from({ length: 11 }, (_, i) =>
      rowValues(daily, 6 + i, 9),
    );
    expect(rows).toEqual([
      [1, "10月1日", CITY_SITE, 3, 11, 2, 56000, 0, null],
      [
        2,
        "10月1日",
        CHUANSHAN_SITE,
        ...[2, 5, 1, 8000.05, 1],
        "一起群体性讨薪，已现场化解",
      ],
      [3, "10月2日", CITY_SITE, 1, 1, 0, 0, 0, null],
      [4, "10月2日", CHUANSHAN_SITE, 1, 2, 0, 300.1, 0, null],
      [
        5,
        "10月3日",
        CITY_SITE,
        ...[4, 6, 1, 1234.56, 0],
        "两起欠薪投诉转劳动监察立案",
      ],
      [6, "10月3日", CHUANSHAN_SITE, ...none, "未报送"],
      [7, "10月4日", CITY_SITE, ...none, "未报送"],
      [8, "10月4日", CHUANSHAN_SITE, ...none, "未报送"],
      [
        null,
        "小计",
        CITY_SITE,
        ...[8, 18, 3, 57234.56, 0],
        "应报 4 份，已报 3 份，未报送 1 份",
      ],
      [
        null,
        "小计",
        CHUANSHAN_SITE,
        ...[3, 7, 1, 8300.15, 1],
        "应报 4 份，已报 2 份，未报送 2 份",
      ],
      [
        null,
        "合计",
        "2 个接访点",
        ...[11, 25, 4, 65534.71, 1],
        "应报 8 份，已报 5 份，未报送 3 份",
      ],
    ]);
    expect(daily.getCell("G6").numFmt).toBe("#,##0.00");
    expect(daily.getCell("G16").numFmt).toBe("#,##0.00");
    expect(daily.getCell("G16").font.bold).toBe(true);
  });

  it("reports attendance by unit, and the units and days with nobody sent", async () => {
    const { book } = await exported(bot, systemActor("cli"), {
      table: "接访报告",
      campaign: String(lived.campaignId),
    });
    const units = book.getWorksheet("二、各单位到岗情况")!;
    expect(rowValues(units, 5, 13)).toEqual([
      "序号",
      "接访点",
      "派员单位",
      "应派天数",
      "派员人次",
      "到岗人次",
      "迟到人次",
      "迟到分钟",
      "早退人次",
      "早退分钟",
      "未到岗人次",
      "未派员天数",
      "备注",
    ]);
    const rows = Array.from({ length: 5 }, (_, i) =>
      rowValues(units, 6 + i, 13),
    );
    expect(rows).toEqual([
      [1, CITY_SITE, POLICE, 4, 2, 1, 1, 40, 0, 0, 1, 2, null],
      [2, CITY_SITE, HOUSING, 4, 4, 4, 1, 5, 1, 30, 0, 0, "未签退 1 人次"],
      [3, CITY_SITE, TRANSPORT, 4, 0, 0, 0, 0, 0, 0, 0, 4, null],
      [
        4,
        CHUANSHAN_SITE,
        CS_HOUSING,
        ...[4, 3, 2, 1, 12, 1, 20, 1, 1],
        "接访点补登 1 人次",
      ],
      [
        null,
        "合计",
        "4 个单位",
        ...[16, 9, 7, 3, 57, 2, 50, 2, 7],
        "接访点补登 1 人次；未签退 1 人次",
      ],
    ]);

    const uncovered = book.getWorksheet("三、未派员情况")!;
    expect(rowValues(uncovered, 5, 6)).toEqual([
      "序号",
      "接访点",
      "派员单位",
      "未派员天数",
      "未派员日期",
      "情况",
    ]);
    expect([6, 7, 8, 9].map((r) => rowValues(uncovered, r, 6))).toEqual([
      [1, CITY_SITE, TRANSPORT, 4, "10月1日—10月4日", "全程未派员"],
      [2, CITY_SITE, POLICE, 2, "10月3日—10月4日", "部分日期未派员"],
      [3, CHUANSHAN_SITE, CS_HOUSING, 1, "10月4日", "部分日期未派员"],
      [null, null, null, null, null, null],
    ]);
  });

  it("writes each export to the audit trail", async () => {
    const ma = await demo(bot, "马晓林");
    await exported(bot, ma, { table: "考勤表", campaign: CAMPAIGN });
    const { auditLog } = bot.ctx.store.t;
    const entries = (await bot.ctx.store.db.select().from(auditLog)).filter(
      (e) => e.action.startsWith("export."),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "export.attendance",
      subjectType: "campaign",
      subjectId: lived.campaignId,
      actorId: ma.person.id,
      channel: "sim",
    });
    expect(JSON.parse(entries[0].detail)).toMatchObject({
      name: CAMPAIGN,
      rows: 4,
    });
  });
});

describe.each(engines())("a campaign still going on $name", (engine) => {
  let bot: Bot;

  // The last morning: 冯敏 is on duty, today's reports are not yet due.
  beforeEach(async () => {
    const clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
    await nationalDayLived(bot, clock, { lastMorning: true });
  });
  afterEach(() => engine.release());

  it("shows a campaign still going as it stands", async () => {
    const wang = await demo(bot, "王建国");
    const { book } = await exported(bot, wang, {
      table: "考勤表",
      campaign: CAMPAIGN,
      site: "市人社局",
    });
    const city = book.worksheets[0];
    expect(rowValues(city, 16, 7)).toEqual([
      11,
      HOUSING,
      "10月4日 08:50–",
      ...FENG,
      null,
    ]);
    const report = await exported(bot, wang, {
      table: "接访报告",
      campaign: CAMPAIGN,
    });
    const daily = report.book.worksheets[0];
    expect(rowValues(daily, 12, 9)).toEqual([
      7,
      "10月4日",
      CITY_SITE,
      ...[null, null, null, null, null],
      "待报送",
    ]);
    expect(daily.getCell("I16").value).toBe(
      "应报 8 份，已报 5 份，未报送 1 份，待报送 2 份",
    );
  });
});
