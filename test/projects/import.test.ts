import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { writeProjectSheet } from "../../src/exports/project-sheet.js";
import type { Acting, SheetRejected } from "../../src/projects/service.js";
import { readProjectSheet } from "../../src/projects/sheet-import.js";
import { attachmentRow } from "../../src/projects/view.js";
import type { ManualClock } from "../../src/time.js";
import { count } from "../helpers/bot.js";
import { clockAt } from "../helpers/time.js";
import {
  botEngines,
  outboxSize,
  person,
  queued,
  unitId,
} from "../jobs/harness.js";
import {
  day,
  FIRST_ROW,
  HEADINGS,
  project,
  typed,
  unitSheet,
  wide,
} from "./support.js";

describe.each(botEngines())("importing attachment 1 on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let zhang: Acting;
  let wang: Acting;

  beforeEach(async () => {
    clock = clockAt("2026-10-13T10:00");
    ({ bot } = await engine.open(clock));
    zhang = await person(bot, "张伟");
    wang = await person(bot, "王建国");
  });

  afterEach(() => engine.release());

  async function refusal(file: Buffer, actor = zhang) {
    try {
      await bot.projects.importSheet(actor, file);
    } catch (error) {
      return error as SheetRejected;
    }
    throw new Error("expected the sheet to be refused");
  }

  const stored = async () => count(bot.ctx.store, "projects");

  it("imports the new rows and names the one reported before", async () => {
    const earlier = await bot.projects.report(
      zhang,
      typed("天悦府（2期）", { submissionId: "form-0001" }),
    );
    const file = await unitSheet([
      project(1, { 开工时间: "2026.9.30" }),
      project(2, { 项目名称: " 天悦府2期 " }),
      project(3, { 开工时间: "2026年10月9日", 联系电话: wide("13800000003") }),
    ]);

    const outcome = await bot.projects.importSheet(zhang, file, {
      fileName: "附件1-住建局.xlsx",
      key: "upload-0001",
    });

    expect(outcome.projectIds).toHaveLength(2);
    expect(outcome.duplicates).toEqual([
      {
        rowNumber: FIRST_ROW + 1,
        name: "天悦府2期",
        projectId: earlier.projectId,
        unitName: "市住房城乡建设局",
        reportedDate: "2026-10-13",
      },
    ]);
    expect(outcome.message).toBe(
      "已导入 2 个项目；1 行是已报送过的项目，未重复导入：" +
        `第 ${FIRST_ROW + 1} 行 天悦府2期（市住房城乡建设局已于 2026年10月13日报送）。`,
    );
    expect(await stored()).toBe(3);
    const { projects } = bot.ctx.store.t;
    const [third] = await bot.ctx.store.db
      .select()
      .from(projects)
      .where(eq(projects.id, outcome.projectIds[1]));
    expect(third).toMatchObject({
      name: "天悦府3期",
      startDate: "2026-10-09",
      phone: "13800000003",
      source: "sheet",
      importId: outcome.importId,
      reportLateDays: 0,
    });
    const [upload] = await bot.ctx.store.db
      .select()
      .from(bot.ctx.store.t.projectImports);
    expect(upload).toMatchObject({
      fileName: "附件1-住建局.xlsx",
      imported: 2,
      duplicates: 1,
    });
    expect(JSON.parse(upload.meta)).toMatchObject({ filledBy: "赵六" });
    const told = await queued(bot, `project-import:${outcome.importId}`);
    expect(told.map((m) => m.targetId)).toEqual([wang.person.id]);
    expect(told[0].text.split("\n")[0]).toBe(
      "【新开工项目】市住房城乡建设局上传附件1，新报送 2 个项目，请在核查期限前完成现场核查：",
    );
  });

  it("imports nothing new when the same file comes again", async () => {
    const file = await unitSheet([project(1), project(2)]);
    const first = await bot.projects.importSheet(zhang, file, { key: "k-1" });
    const repeat = await bot.projects.importSheet(zhang, file, { key: "k-1" });
    const again = await bot.projects.importSheet(zhang, file);

    expect(repeat).toEqual({ ...first, duplicate: true });
    expect(again.projectIds).toEqual([]);
    expect(again.duplicates.map((d) => d.projectId)).toEqual(first.projectIds);
    expect(again.message).toMatch(/^没有导入新项目；2 行是已报送过的项目/);
    expect(await stored()).toBe(2);
  });

  it("imports no row when one row is wrong, and says which", async () => {
    const file = await unitSheet([
      project(1),
      project(2, { 联系电话: "138000", "工程款拨付进度（%）": 120 }),
      project(3, { 开工时间: day("2026-10-14") }),
    ]);
    const before = await outboxSize(bot);

    const error = await refusal(file);

    expect(error.code).toBe("sheet_rows_invalid");
    expect(error.issues.map((i) => i.message)).toEqual([
      `第 ${FIRST_ROW + 1} 行“联系电话”：不是有效的电话号码（手机 11 位，座机如 0825-2345678）`,
      `第 ${FIRST_ROW + 1} 行“工程款拨付进度（%）”：不能大于 100`,
      `第 ${FIRST_ROW + 2} 行“开工时间”：晚于今天（2026-10-13），请填写实际开工的日期`,
    ]);
    expect(error.userMessage.split("\n").at(-1)).toBe(
      "整表未导入，请改正后重新上传。",
    );
    expect(await stored()).toBe(0);
    expect(await count(bot.ctx.store, "projectImports")).toBe(0);
    expect(await outboxSize(bot)).toBe(before);
  });

  it("names a missing column", async () => {
    const headings = HEADINGS.filter((h) => h !== "联系电话");
    const rows = [project(1).filter((_, i) => HEADINGS[i] !== "联系电话")];

    const error = await refusal(await unitSheet(rows, { headings }));

    expect(error.code).toBe("sheet_missing_column");
    expect(error.userMessage).toBe(
      "表格缺少“联系电话”列。\n整表未导入，请改正后重新上传。",
    );
    expect(await stored()).toBe(0);
  });

  it("refuses another unit's table, and a file with several units' tables", async () => {
    const zhao = await person(bot, "赵磊");
    const preview = await bot.projects.previewSheet(
      zhao,
      await unitSheet([project(1)]),
    );
    expect(preview.ok).toBe(false);
    expect(preview.errors[0]).toMatchObject({
      rowNumber: null,
      column: "填报单位",
    });
    expect(preview.errors[0].message).toContain("与您所在的船山区住建局不符");
    const wrongUnit = await refusal(await unitSheet([project(1)]), zhao);
    expect(wrongUnit.code).toBe("sheet_wrong_unit");

    const single = new ExcelJS.Workbook();
    await single.xlsx.load(
      (await unitSheet([project(1)])) as unknown as ExcelJS.Buffer,
    );
    const both = new ExcelJS.Workbook();
    for (const name of ["住建局", "交通局"]) {
      const copy = both.addWorksheet(name);
      single.worksheets[0].eachRow((row, n) => {
        copy.getRow(n).values = row.values as ExcelJS.CellValue[];
      });
    }
    const file = Buffer.from(await both.xlsx.writeBuffer());
    const error = await bot.projects
      .previewSheet(zhang, file)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "sheet_many_tables" });
    expect((error as { userMessage: string }).userMessage).toContain(
      "住建局、交通局",
    );
    expect(await stored()).toBe(0);
  });

  it("refuses rows outside a county authority's area", async () => {
    const zhao = await person(bot, "赵磊");
    const file = await unitSheet(
      [project(1), project(2, { 管辖区域: "安居区" })],
      { unitName: "船山区住房和城乡建设局" },
    );

    const preview = await bot.projects.previewSheet(zhao, file);
    const error = await refusal(file, zhao);

    expect(preview.ok).toBe(false);
    expect(error.issues).toEqual([
      {
        rowNumber: FIRST_ROW + 1,
        column: "管辖区域",
        message:
          `第 ${FIRST_ROW + 1} 行“管辖区域”：船山区住建局只能报送船山区的项目；` +
          "安居区的项目请由安居区的行业主管部门报送",
      },
    ]);
    expect(await stored()).toBe(0);
  });

  it("reads back what it exported as the same projects", async () => {
    const first = await bot.projects.report(zhang, typed("天悦府二期"));
    const second = await bot.projects.report(
      zhang,
      typed("涪江大桥（北段）改建工程", {
        jurisdiction: "射洪市",
        builder: "射洪市交通运输局",
        startDate: "2026-10-09",
        government: "是",
        phone: "0825-2345678",
        contractPrice: "99999.999999",
        paymentProgress: "85.5",
        remarks: "含人工费专用账户",
      }),
    );
    const rows = [];
    for (const id of [first.projectId, second.projectId]) {
      rows.push(
        attachmentRow((await bot.projects.project(wang.person, id)).project),
      );
    }
    const book = new ExcelJS.Workbook();
    writeProjectSheet(book, {
      city: "遂宁市",
      unitName: "市住房城乡建设局",
      rows,
    });
    const file = Buffer.from(await book.xlsx.writeBuffer());

    const preview = await bot.projects.previewSheet(zhang, file);

    expect(preview.errors).toEqual([]);
    expect(preview.rows).toEqual([]);
    expect(preview.duplicates.map((d) => d.projectId)).toEqual([
      first.projectId,
      second.projectId,
    ]);
    const read = await readProjectSheet(file, { today: "2026-10-13" });
    expect(read.rows.map((r) => r.values)).toEqual(rows);
  });

  it("takes uploads from industry authorities only", async () => {
    const file = await unitSheet([project(1)]);
    await expect(bot.projects.importSheet(wang, file)).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(wang.person.unit.id).toBe(await unitId(bot, "city.hrss"));
  });
});
