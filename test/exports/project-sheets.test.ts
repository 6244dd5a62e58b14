/**
 * Attachment 1 exported from what units reported: the sheet as the
 * notice lays it out, read back cell by cell; projects in the month they
 * started; and the round trip: the exported file read and imported again
 * gives the same fourteen values per project.
 */
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import type { ExportRequest, Requester } from "../../src/exports/export.js";
import { PROJECT_ROWS } from "../../src/exports/project-sheet.js";
import { FEN_PER_WAN, type ProjectRow } from "../../src/projects/input.js";
import { readProjectSheet } from "../../src/projects/sheet-import.js";
import { attachmentRow } from "../../src/projects/view.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { reported, type Reported } from "./project-support.js";
import { exported, isoOf, rowValues } from "./support.js";

const TITLE = "遂宁市新开工建设工程项目情况表";
const LAST = 15;

describe.each(engines())("attachment 1 exported on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let r: Reported;

  beforeEach(async () => {
    clock = clockAt("2026-10-09T09:00");
    bot = await openBot(engine, clock);
    r = await reported(bot, clock);
  });
  afterEach(() => engine.release());

  /** The file's bytes, as a download would hold them. */
  async function file(who: Requester, request: ExportRequest) {
    const { result, book } = await exported(bot, who, request);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    return { result, book, bytes };
  }

  /** The stored projects as rows of attachment 1, by name. */
  async function stored(...names: string[]): Promise<ProjectRow[]> {
    const rows = [];
    for (const name of names) {
      const view = await bot.projects.project(
        r.people["王建国"].person,
        r.ids[name],
      );
      rows.push(attachmentRow(view.project));
    }
    return rows;
  }

  it("writes a unit's month as the notice lays it out", async () => {
    const { result, book } = await exported(bot, r.people["张伟"], {
      table: "项目表",
      period: "2026-10",
    });

    expect(result).toEqual({
      table: "projects",
      fileName: `${TITLE}（2026年10月，市住房城乡建设局）.xlsx`,
      rows: 2,
    });
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "附件1 市住房城乡建设局",
    ]);
    const sheet = book.worksheets[0];
    expect(sheet.getCell("A1").value).toBe("附件1");
    expect(sheet.getCell("A2").value).toBe(TITLE);
    expect(sheet.getCell("A3").value).toBe("填报单位：遂宁市住房和城乡建设局");
    expect(sheet.getCell(PROJECT_ROWS.band, 3).value).toBe(
      "开工建设工程项目基本情况",
    );
    expect(rowValues(sheet, PROJECT_ROWS.numbers, LAST)).toEqual([
      "栏",
      ...Array.from({ length: 14 }, (_, i) => i + 1),
    ]);
  });

  it("lists the projects by start date with their exact values", async () => {
    const { book } = await exported(bot, r.people["张伟"], {
      table: "附件1",
      period: "2026年10月",
    });
    const sheet = book.worksheets[0];
    const first = PROJECT_ROWS.firstProject;

    // Reported after 河东安置房一期, started the day before it.
    const [a, b] = [first, first + 1].map((n) => rowValues(sheet, n, LAST));
    expect(isoOf(a[5])).toBe("2026-10-08");
    expect(isoOf(b[5])).toBe("2026-10-09");
    expect([...a.slice(0, 5), ...a.slice(6)]).toEqual([
      1,
      "市本级",
      "城南污水管网改造",
      "遂宁市船山区明月路 1 号",
      "遂宁市城市建设投资有限公司",
      "365天",
      "是",
      "四川某建设工程有限公司",
      "张三",
      "13800000001",
      0.000001,
      "按月进度付款",
      0,
      null,
    ]);
    expect([...b.slice(0, 5), ...b.slice(6)]).toEqual([
      2,
      "河东新区",
      "河东安置房一期",
      "河东新区五彩缤纷路 8 号",
      "遂宁某投资集团有限公司",
      "2026-10-09至2027-12-31",
      "是",
      "四川某建设工程有限公司",
      "李四",
      "0825-2345678",
      99999.999999,
      "按节点支付，竣工验收后付至 97%",
      85.5,
      "含人工费专用账户",
    ]);
    // 万元 to the fen, as Excel shows it; the date a real date.
    expect(sheet.getCell(first + 1, 12).numFmt).toBe("#,##0.00####");
    expect(sheet.getCell(first + 1, 6).numFmt).toBe("yyyy-mm-dd");
    expect(sheet.getCell(first + 1, 6).value).toBeInstanceOf(Date);
    expect(Number(sheet.getCell(first + 1, 12).value) * FEN_PER_WAN).toBe(
      99_999_999_999,
    );
  });

  it("ends with the 备注 line and the lines its liaison signs", async () => {
    const { book } = await exported(bot, r.people["张伟"], {
      table: "项目表",
      period: "2026-10",
    });
    const sheet = book.worksheets[0];
    const note = PROJECT_ROWS.firstProject + 2;
    const text = (row: number, col: number) => sheet.getCell(row, col).text;

    expect(text(note, 1)).toMatch(
      /^备注：各单位在项目新开工建设 5 个工作日内统计填报上月情况至市人力资源社会保障局，联系人：/,
    );
    expect(
      [2, 3, 4].map((i) => [text(note + i, 1), text(note + i, 3)]),
    ).toEqual([
      ["单位负责人：", ""],
      ["填报人员：", "张伟"],
      ["联系电话：", "13800000003"],
    ]);
    expect(text(note + 5, 1)).toBe("填表时间：");
    const filled = sheet.getCell(note + 5, 3);
    expect(isoOf(filled.value)).toBe("2026-11-10");
    expect(filled.numFmt).toBe('yyyy"年"m"月"d"日"');
  });

  it("puts a project in the month it started, however late reported", async () => {
    const wang = r.people["王建国"];
    const names = (book: ExcelJS.Workbook) =>
      book.worksheets.map((sheet) => {
        const rows = [];
        for (
          let i = 1;
          sheet.getCell(PROJECT_ROWS.numbers + i, 1).value === i;
          i++
        ) {
          rows.push(sheet.getCell(PROJECT_ROWS.numbers + i, 3).value);
        }
        return [sheet.name, rows];
      });

    const september = await exported(bot, wang, {
      table: "项目表",
      period: "2026-09",
    });
    expect(september.result.rows).toBe(3);
    expect(september.result.fileName).toBe(`${TITLE}（2026年9月）.xlsx`);
    expect(names(september.book)).toEqual([
      ["附件1 市住房城乡建设局", ["天悦府二期", "滨江花园三期"]],
      ["附件1 市交通运输局", ["涪江大桥改建工程"]],
    ]);
    const october = await exported(bot, wang, {
      table: "项目表",
      period: "2026-10",
    });
    expect(names(october.book)).toEqual([
      ["附件1 市住房城乡建设局", ["城南污水管网改造", "河东安置房一期"]],
      ["附件1 船山区住建局", ["明月小区"]],
    ]);
    const quarter = await exported(bot, wang, {
      table: "项目表",
      period: "2026-Q4",
    });
    expect(quarter.result.rows).toBe(4);
    // Each unit's sheet says whose it is, and nobody of HRSS signs it.
    const sheet = october.book.worksheets[1];
    expect(sheet.getCell("A3").value).toBe("填报单位：船山区住房和城乡建设局");
    const filledBy = PROJECT_ROWS.firstProject + 1 + 3;
    expect(sheet.getCell(filledBy, 1).text).toBe("填报人员：");
    expect(sheet.getCell(filledBy, 3).text).toBe("");
  });

  it("writes the blank form for a month without projects", async () => {
    const empty = await exported(bot, r.people["张伟"], {
      table: "项目表",
      period: "2026-08",
    });
    expect(empty.result.rows).toBe(0);
    const sheet = empty.book.worksheets[0];
    expect(sheet.getCell("A3").value).toBe("填报单位：遂宁市住房和城乡建设局");
    expect(sheet.getCell(PROJECT_ROWS.firstProject, 1).text).toMatch(/^备注：/);

    const none = await exported(bot, r.people["王建国"], {
      table: "项目表",
      period: "2026-08",
    });
    expect(none.book.worksheets.map((s) => s.name)).toEqual([
      "附件1 新开工项目",
    ]);
    expect(none.book.worksheets[0].getCell("A3").value).toBe("填报单位：");
  });

  it("reads back the same fourteen values, and imports as the same projects", async () => {
    const zhang = r.people["张伟"];
    const { bytes } = await file(zhang, { table: "项目表", period: "2026-10" });
    const expected = await stored("城南污水管网改造", "河东安置房一期");

    const read = await readProjectSheet(bytes, { today: "2026-11-10" });
    expect(read.errors).toEqual([]);
    expect(read.rows.map((row) => row.values)).toEqual(expected);
    expect(read.rows.map((row) => row.rowNumber)).toEqual([8, 9]);
    expect(read.meta).toEqual({
      sheetName: "附件1 市住房城乡建设局",
      unitName: "遂宁市住房和城乡建设局",
      filledBy: "张伟",
      phone: "13800000003",
      filledOn: "2026-11-10",
    });
    // Uploaded again to the same bot: recognised, nothing doubled.
    const preview = await bot.projects.previewSheet(zhang, bytes);
    expect(preview).toMatchObject({ rows: [], errors: [] });
    expect(preview.duplicates.map((d) => d.projectId)).toEqual([
      r.ids["城南污水管网改造"],
      r.ids["河东安置房一期"],
    ]);

    const fresh = await openBot(engine, clockAt("2026-11-10T09:00"));
    const zhangThere = await demo(fresh, "张伟");
    const checked = await fresh.projects.previewSheet(zhangThere, bytes);
    expect(checked.errors).toEqual([]);
    expect(checked.rows.map((row) => row.values)).toEqual(expected);
    const outcome = await fresh.projects.importSheet(zhangThere, bytes, {
      fileName: "附件1.xlsx",
    });
    expect(outcome.projectIds).toHaveLength(2);
    const { projects } = fresh.ctx.store.t;
    const again = await fresh.ctx.store.db
      .select()
      .from(projects)
      .orderBy(projects.id);
    expect(again.map(attachmentRow)).toEqual(expected);
  });

  it("round-trips another unit's late reports exported by HRSS", async () => {
    const { bytes } = await file(r.people["王建国"], {
      table: "项目表",
      period: "2026-09",
      unitId: r.units.transport,
    });
    const read = await readProjectSheet(bytes, { today: "2026-11-10" });
    expect(read.errors).toEqual([]);
    expect(read.rows.map((row) => row.values)).toEqual(
      await stored("涪江大桥改建工程"),
    );
    expect(read.meta).toEqual({
      sheetName: "附件1 市交通运输局",
      unitName: "遂宁市交通运输局",
      filledOn: "2026-11-10",
    });

    const fresh = await openBot(engine, clockAt("2026-11-10T09:00"));
    const zheng = await demo(fresh, "郑涛");
    await fresh.projects.importSheet(zheng, bytes);
    const { projects } = fresh.ctx.store.t;
    const [again] = await fresh.ctx.store.db.select().from(projects);
    expect(attachmentRow(again)).toEqual((await stored("涪江大桥改建工程"))[0]);
    // Imported on 11-10, it is late by the new database's clock.
    expect(again.reportLateDays).toBeGreaterThan(5);
  });
});
