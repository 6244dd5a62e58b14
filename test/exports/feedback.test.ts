import type ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { textWidth } from "../../src/exports/layout.js";
import type { ManualClock } from "../../src/time.js";
import { openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { exported, isoOf, october, rowValues, type Month } from "./support.js";

const HRSS = "遂宁市人力资源和社会保障局";
const HOUSING = "遂宁市住房和城乡建设局";

/** Attachment 4's headings, word for word. */
const SOURCE_HEADINGS = [
  "序号",
  "案件名称",
  "投诉人姓名",
  "被投诉单位",
  "投诉人数",
  "投诉金额",
  "移送时间",
  "移送单位",
  "移送联系人",
  "移送联系方式",
  "承办单位",
  "承办联系人",
  "承办联系方式",
  "对违法行为行政处（理）罚情况",
  "办理概况及结果",
  "追薪人数",
  "追薪金额",
  "备注",
];

/** Attachment 3's headings, word for word. */
const CRIME_HEADINGS = [
  "序号",
  "案件名称",
  "投诉人姓名",
  "涉嫌拒支单位",
  "涉及人数",
  "涉及金额",
  "移送时间",
  "移送单位",
  "移送联系人",
  "移送联系方式",
  "侦办单位",
  "侦办联系人",
  "侦办联系方式",
  "是否立案",
  "追薪人数",
  "追薪金额",
  "是否批捕",
  "是否起诉",
  "结案时间",
];

const FIRST_DATA_ROW = 6;

/** Headings as the sheet shows them: 序号 from the band row, the rest below. */
function headings(sheet: ExcelJS.Worksheet, last: number): unknown[] {
  const row = rowValues(sheet, 5, last);
  row[0] = sheet.getCell("A4").value;
  return row;
}

describe.each(engines())("feedback tables on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let month: Month;

  beforeEach(async () => {
    clock = clockAt("2026-09-29T09:00");
    bot = await openBot(engine, clock);
    month = await october(bot, clock);
  });

  afterEach(async () => {
    await engine.release();
  });

  it("lays out attachment 4 as the notice does, one row per referral, with totals", async () => {
    const { result, book } = await exported(bot, month.wang, {
      table: "源头反馈表",
      period: "2026-10",
    });
    expect(result).toEqual({
      table: "feedback-source",
      fileName: "遂宁市源头性欠薪案件移送查办情况反馈表（2026年10月）.xlsx",
      rows: 4,
    });
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "附件4 源头性案件反馈",
    ]);
    const sheet = book.worksheets[0];
    const last = SOURCE_HEADINGS.length;

    expect(sheet.getCell("A1").value).toBe("附件4");
    expect(sheet.getCell("A2").value).toBe(
      "遂宁市源头性欠薪案件移送查办情况反馈表",
    );
    expect(sheet.getCell("A3").value).toBe(`填报单位：${HRSS}`);
    expect(rowValues(sheet, 3, last)).toContain("统计期间：2026年10月");
    expect(sheet.getCell("B4").value).toBe("移送案件基本信息");
    expect(sheet.getCell("K4").value).toBe("移送案件办理情况");
    expect(headings(sheet, last)).toEqual(SOURCE_HEADINGS);
    expect(sheet.model.merges).toEqual(
      expect.arrayContaining(["A1:B1", "A2:R2", "A4:A5", "B4:J4", "K4:R4"]),
    );

    const a = rowValues(sheet, FIRST_DATA_ROW, last);
    expect(isoOf(a[6])).toBe("2026-10-09");
    expect([...a.slice(0, 6), ...a.slice(7)]).toEqual([
      1,
      "滨江花园项目欠薪案",
      "张三",
      "遂宁某建筑劳务有限公司",
      12,
      123456.7,
      HRSS,
      "王建国",
      "13800000031",
      HOUSING,
      "张伟",
      "0825-2345678",
      "责令限期支付",
      "已督促总包单位代发工资",
      12,
      123456.7,
      "工资已全部结清",
    ]);
    // In referral-date order; no feedback yet leaves the lower half blank
    // but for the unit handling the case (after a pass-down, the county's).
    const names = [6, 7, 8, 9].map((r) => sheet.getCell(`B${r}`).value);
    expect(names).toEqual([
      "滨江花园项目欠薪案",
      "城北快速通道项目欠薪案",
      "河东新区安置房项目欠薪案",
      "天悦府项目欠薪案",
    ]);
    expect(rowValues(sheet, 8, last).slice(10)).toEqual([
      "船山区住房和城乡建设局",
      ...Array(7).fill(null),
    ]);

    const total = rowValues(sheet, 10, last);
    expect(total.slice(0, 2)).toEqual(["合计", "共 4 件"]);
    expect(total[4]).toEqual({ formula: "SUM(E6:E9)", result: 63 });
    expect(total[5]).toEqual({ formula: "SUM(F6:F9)", result: 755457.25 });
    expect(total[15]).toEqual({ formula: "SUM(P6:P9)", result: 12 });
    expect(total[16]).toEqual({ formula: "SUM(Q6:Q9)", result: 123456.7 });

    // Merged over four columns each: read the first cell of each.
    const sign = ["A12", "E12", "I12", "M12"].map((a) => sheet.getCell(a));
    expect(sign.slice(0, 3).map((c) => c.value)).toEqual([
      "单位负责人：",
      "填报人员：",
      "联系电话：",
    ]);
    // 填表时间 is a real date, the day of the export in Shanghai.
    const filled = sign[3];
    expect(isoOf(filled.value)).toBe("2026-11-03");
    expect(filled.numFmt).toBe('"填表时间："yyyy"年"m"月"d"日"');
  });

  it("stores dates as dates and amounts as numbers with two decimals", async () => {
    const { book } = await exported(bot, month.wang, {
      table: "feedback-source",
      period: "2026-10",
    });
    const sheet = book.worksheets[0];
    for (let r = FIRST_DATA_ROW; r <= 9; r++) {
      const date = sheet.getCell(`G${r}`);
      expect(date.value).toBeInstanceOf(Date);
      expect(date.numFmt).toBe("yyyy-mm-dd");
      const amount = sheet.getCell(`F${r}`);
      expect(typeof amount.value).toBe("number");
      expect(amount.numFmt).toBe("#,##0.00");
    }
    expect(sheet.getCell("F9").value).toBe(8000.05);
    expect(sheet.getCell("F10").numFmt).toBe("#,##0.00");
    expect(isoOf(sheet.getCell("G9").value)).toBe("2026-10-20");
  });

  it("prints A4 landscape, header bands on every page, frozen", async () => {
    const { book } = await exported(bot, month.wang, {
      table: "反馈表",
      period: "2026-Q4",
    });
    expect(book.worksheets).toHaveLength(2);
    for (const sheet of book.worksheets) {
      expect(sheet.pageSetup).toMatchObject({
        paperSize: 9,
        orientation: "landscape",
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: "4:5",
      });
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 5 });
    }
  });

  it("gives every column room for its heading in two lines, and its values", async () => {
    const { book } = await exported(bot, month.wang, {
      table: "feedback",
      period: "2026",
    });
    for (const sheet of book.worksheets) {
      const last = sheet.actualColumnCount;
      const titles = headings(sheet, last) as string[];
      titles.forEach((heading, i) => {
        const width = sheet.getColumn(i + 1).width!;
        expect(2 * (width - 1), heading).toBeGreaterThanOrEqual(
          textWidth(heading),
        );
        const format = sheet.getCell(FIRST_DATA_ROW, i + 1).numFmt;
        if (format === "yyyy-mm-dd") {
          expect(width, heading).toBeGreaterThanOrEqual(11);
        }
        if (format === "#,##0.00") {
          // "12,345,678.90" and the like.
          expect(width, heading).toBeGreaterThanOrEqual(14);
        }
      });
    }
  });

  it("lays out attachment 3 for crimes referred to the police", async () => {
    const { result, book } = await exported(bot, month.wang, {
      table: "公安反馈表",
      period: "2026年10月",
    });
    expect(result.rows).toBe(1);
    const sheet = book.worksheets[0];
    const last = CRIME_HEADINGS.length;
    expect(sheet.getCell("A1").value).toBe("附件3");
    expect(sheet.getCell("A2").value).toBe(
      "遂宁市涉嫌拒不支付劳动报酬罪犯罪案件移送查处情况反馈表",
    );
    expect(headings(sheet, last)).toEqual(CRIME_HEADINGS);
    expect(sheet.model.merges).toEqual(
      expect.arrayContaining(["A2:S2", "A4:A5", "B4:J4", "K4:S4"]),
    );

    const row = rowValues(sheet, FIRST_DATA_ROW, last);
    expect(isoOf(row[6])).toBe("2026-10-22");
    expect(isoOf(row[18])).toBe("2026-10-30");
    expect(row.slice(0, 6)).toEqual([
      1,
      "某劳务公司拒不支付劳动报酬案",
      "张三",
      "遂宁某劳务有限公司",
      25,
      310000,
    ]);
    expect(row.slice(7, 18)).toEqual([
      HRSS,
      "王建国",
      "13800000031",
      "遂宁市公安局",
      "周强",
      "13800000008",
      "是",
      25,
      300000,
      "是",
      "否",
    ]);
    const total = rowValues(sheet, 7, last);
    expect(total[4]).toEqual({ formula: "SUM(E6:E6)", result: 25 });
    expect(total[15]).toEqual({ formula: "SUM(P6:P6)", result: 300000 });
  });

  it("shows a unit the referrals it sent, handles or supervises", async () => {
    const { result, book } = await exported(bot, month.zhang, {
      table: "源头反馈表",
      period: "2026-10",
    });
    expect(result.fileName).toBe(
      "遂宁市源头性欠薪案件移送查办情况反馈表（2026年10月，市住房城乡建设局）.xlsx",
    );
    const sheet = book.worksheets[0];
    expect(sheet.getCell("A3").value).toBe(`填报单位：${HOUSING}`);
    const names = [6, 7, 8].map((r) => sheet.getCell(`B${r}`).value);
    expect(names).toEqual([
      "滨江花园项目欠薪案",
      "河东新区安置房项目欠薪案",
      "天悦府项目欠薪案",
    ]);
    expect(sheet.getCell("A9").value).toBe("合计");
    expect(sheet.getCell("E9").value).toMatchObject({ result: 23 });
    expect(sheet.getCell("F9").value).toMatchObject({ result: 195457.25 });
  });

  it("lets HRSS pick a unit's table", async () => {
    const transport = (await bot.ctx.directory.unitByCode("city.transport"))!;
    const { result, book } = await exported(bot, month.wang, {
      table: "feedback-source",
      period: "2026-10",
      unitId: transport.id,
    });
    expect(result.rows).toBe(1);
    const sheet = book.worksheets[0];
    expect(sheet.getCell("A3").value).toBe("填报单位：遂宁市交通运输局");
    expect(sheet.getCell("B6").value).toBe("城北快速通道项目欠薪案");
  });

  it("gives an empty table with its headings for a period without referrals", async () => {
    const { result, book } = await exported(bot, month.wang, {
      table: "feedback",
      period: "2026-07",
    });
    expect(result.rows).toBe(0);
    const [crime, source] = book.worksheets;
    expect(headings(crime, CRIME_HEADINGS.length)).toEqual(CRIME_HEADINGS);
    expect(headings(source, SOURCE_HEADINGS.length)).toEqual(SOURCE_HEADINGS);
    const total = rowValues(source, FIRST_DATA_ROW, SOURCE_HEADINGS.length);
    expect(total.slice(0, 6)).toEqual(["合计", "共 0 件", null, null, 0, 0]);
    expect(source.getCell("A8").value).toBe("单位负责人：");
  });

  it("keeps September's referral out of October and in the third quarter", async () => {
    const q3 = await exported(bot, month.wang, {
      table: "feedback-source",
      period: "2026-Q3",
    });
    expect(q3.result.rows).toBe(1);
    expect(isoOf(q3.book.worksheets[0].getCell("G6").value)).toBe("2026-09-29");
    const year = await exported(bot, month.wang, {
      table: "feedback-source",
      period: "2026",
    });
    expect(year.result.rows).toBe(5);
  });

  it("writes each export to the audit trail", async () => {
    await exported(bot, month.zhang, {
      table: "源头反馈表",
      period: "2026-10",
    });
    const { auditLog } = bot.ctx.store.t;
    const entries = (await bot.ctx.store.db.select().from(auditLog)).filter(
      (e) => e.action.startsWith("export."),
    );
    expect(entries).toHaveLength(1);
    const housing = month.zhang.person.unit;
    expect(entries[0]).toMatchObject({
      actorId: month.zhang.person.id,
      actorName: "张伟",
      channel: "sim",
      action: "export.feedback-source",
      subjectType: "export",
      subjectId: housing.id,
      at: clock.now(),
    });
    expect(JSON.parse(entries[0].detail)).toEqual({
      period: "2026-10",
      unitId: housing.id,
      unitCode: "city.housing",
      rows: 3,
      fileName:
        "遂宁市源头性欠薪案件移送查办情况反馈表（2026年10月，市住房城乡建设局）.xlsx",
    });
  });
});
