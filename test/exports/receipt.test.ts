import type ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError } from "../../src/errors.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot, sourceCase, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { exported, isoOf, october, type Month } from "./support.js";

const HRSS = "遂宁市人力资源和社会保障局";
const HOUSING = "遂宁市住房和城乡建设局";

/** The receipt's sentence, and the parts filled into its blanks. */
function body(sheet: ExcelJS.Worksheet) {
  const { richText } = sheet.getCell("A5").value as ExcelJS.CellRichTextValue;
  return {
    text: richText.map((p) => p.text).join(""),
    filled: richText.filter((p) => p.font?.underline).map((p) => p.text),
  };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(engines())("receipts on $name", (engine) => {
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

  it("fills in attachment 2's blanks for the unit that signed", async () => {
    const { result, book } = await exported(bot, month.zhang, {
      table: "回执",
      referralId: month.a,
    });
    expect(result).toEqual({
      table: "receipt",
      fileName: "源头性欠薪案件移送书签收回执（遂人社移〔2026〕2号）.xlsx",
      rows: 1,
    });
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "回执 市住房城乡建设局",
    ]);
    const sheet = book.worksheets[0];
    expect(sheet.getCell("A1").value).toBe("附件2");
    expect(sheet.getCell("A2").value).toBe("源头性欠薪案件移送书签收回执");
    expect(sheet.getCell("A4").value).toBe(`${HRSS}：`);
    expect(body(sheet)).toEqual({
      text:
        "　　你单位2026年10月9日移送拖欠工程款（案由）遂宁某建筑劳务有限公司" +
        "一案的遂人社移〔2026〕2号案卷1册35页及移送涉案物品（考勤表复印件）收悉。",
      filled: [
        "2026",
        "10",
        "9",
        "拖欠工程款",
        "遂宁某建筑劳务有限公司",
        "遂人社移〔2026〕2号",
        "1",
        "35",
        "考勤表复印件",
      ],
    });

    expect(sheet.getCell("E7").value).toBe(HOUSING);
    const signed = sheet.getCell("E8");
    expect(isoOf(signed.value)).toBe("2026-10-09");
    expect(signed.numFmt).toBe('yyyy"年"m"月"d"日"');
    expect(sheet.getCell("A10").value).toBe("移送人：");
    expect(sheet.getCell("C10").value).toBe("王建国");
    expect(sheet.getCell("E10").value).toBe("签收人：");
    expect(sheet.getCell("G10").value).toBe("张伟");
    expect(isoOf(sheet.getCell("A11").value)).toBe("2026-10-09");
    expect(isoOf(sheet.getCell("E11").value)).toBe("2026-10-09");

    expect(sheet.model.merges).toEqual(
      expect.arrayContaining(["A2:H2", "A4:H4", "A5:H5", "E7:H7", "E8:H8"]),
    );
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, fitToWidth: 1 });
  });

  it("prints both receipts of a case passed down, each to whoever handed it over", async () => {
    const { result, book } = await exported(bot, month.wang, {
      table: "receipt",
      referralNumber: "遂人社移(2026)4号",
    });
    expect(result.rows).toBe(2);
    const [city, county] = book.worksheets;
    expect(city.name).toBe("回执 市住房城乡建设局");
    expect(city.getCell("A4").value).toBe(`${HRSS}：`);
    expect(isoOf(city.getCell("E11").value)).toBe("2026-10-16");

    expect(county.name).toBe("回执 船山区住建局");
    expect(county.getCell("A4").value).toBe(`${HOUSING}：`);
    expect(county.getCell("E7").value).toBe("船山区住房和城乡建设局");
    expect(county.getCell("C10").value).toBe("张伟");
    expect(county.getCell("G10").value).toBe("赵磊");
    expect(isoOf(county.getCell("A11").value)).toBe("2026-10-16");
    expect(isoOf(county.getCell("E11").value)).toBe("2026-10-19");
    expect(body(county).text).toContain("你单位2026年10月16日移送");

    const one = await exported(bot, month.wang, {
      table: "receipt",
      referralId: month.f,
      unitId: await unitId(bot, "chuanshan.housing"),
    });
    expect(one.book.worksheets.map((s) => s.name)).toEqual([
      "回执 船山区住建局",
    ]);
  });

  it("titles a crime's receipt as such and says when nothing came with the file", async () => {
    const crime = await exported(bot, month.zhou, {
      table: "receipt",
      referralId: month.e,
    });
    const sheet = crime.book.worksheets[0];
    expect(sheet.getCell("A2").value).toBe(
      "涉嫌拒不支付劳动报酬罪犯罪案件移送书签收回执",
    );
    const none = await exported(bot, month.zhang, {
      table: "receipt",
      referralId: month.b,
    });
    expect(body(none.book.worksheets[0]).text).toContain(
      "及移送涉案物品（无）收悉。",
    );
  });

  it("refuses a unit that has no part in the case, in Chinese", async () => {
    const refused = await refusal(
      exported(bot, month.zhou, { table: "回执", referralId: month.a }),
    );
    expect(refused.code).toBe("forbidden");
    expect(refused.userMessage).toContain("市公安局无权查看");
    const transport = await demo(bot, "郑涛");
    const other = await refusal(
      exported(bot, transport, { table: "回执", referralId: month.a }),
    );
    expect(other.code).toBe("forbidden");
  });

  it("has no receipt before the case is signed", async () => {
    clock.set("2026-11-03T10:00");
    const { referralId } = await bot.referrals.create(
      month.wang,
      sourceCase(await unitId(bot, "city.housing"), {
        foundDate: "2026-11-02",
        referralDate: "2026-11-03",
      }),
    );
    const unsigned = await refusal(
      exported(bot, month.wang, { table: "回执", referralId }),
    );
    expect(unsigned.code).toBe("not_signed");
    expect(unsigned.userMessage).toContain("尚未签收");
  });

  it("records who exported which receipt", async () => {
    await exported(bot, month.zhang, { table: "回执", referralId: month.a });
    const { auditLog } = bot.ctx.store.t;
    const [entry] = (await bot.ctx.store.db.select().from(auditLog)).filter(
      (e) => e.action === "export.receipt",
    );
    expect(entry).toMatchObject({
      actorName: "张伟",
      channel: "sim",
      subjectType: "referral",
      subjectId: month.a,
    });
    expect(JSON.parse(entry.detail)).toMatchObject({
      number: "遂人社移〔2026〕2号",
      rows: 1,
    });
  });
});
