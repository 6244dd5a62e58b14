import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  MAX_PROJECT_ROWS,
  readProjectSheet,
} from "../../src/projects/sheet-import.js";
import {
  day,
  FIRST_ROW,
  HEADINGS,
  project,
  serial,
  TODAY,
  unitSheet,
  wide,
} from "./support.js";

const read = (file: Buffer | ArrayBuffer) =>
  readProjectSheet(file, { today: TODAY });

describe("reading attachment 1 as a unit fills it", () => {
  it("reads the notice's layout, its 栏 row and the lines around", async () => {
    const preview = await read(await unitSheet([project(1), project(2)]));

    expect(preview.errors).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.rows.map((r) => r.rowNumber)).toEqual([
      FIRST_ROW,
      FIRST_ROW + 1,
    ]);
    expect(preview.rows[0].values).toEqual({
      jurisdiction: "船山区",
      name: "天悦府1期",
      address: "遂宁市船山区明月路 1 号",
      builder: "遂宁某置业有限公司",
      startDate: "2026-09-30",
      duration: "365天",
      government: false,
      contractor: "四川某建设工程有限公司",
      manager: "张三",
      phone: "13800000001",
      contractPriceFen: 12_345_670_000,
      paymentMethod: "按月进度付款",
      paymentProgressBp: 3000,
      remarks: "",
    });
    expect(preview.meta).toEqual({
      sheetName: "Sheet1",
      unitName: "遂宁市住房和城乡建设局",
      leader: "李明",
      filledBy: "赵六",
      phone: "0825-2345678",
      filledOn: "2026-10-09",
    });
  });

  it("reads a start date in every form units write it", async () => {
    const dates = [
      "2026.9.30",
      "2026年9月30日",
      "2026/9/30",
      serial("2026-09-30"),
      String(serial("2026-09-30")),
      day("2026-09-30"),
      // 20:00 on the day: Excel shows the day, whatever the zone.
      new Date(Date.UTC(2026, 8, 30, 20)),
      { value: serial("2026-09-30"), numFmt: "yyyy/m/d" },
    ];
    const rows = dates.map((date, i) => project(i + 1, { 开工时间: date }));
    const preview = await read(await unitSheet(rows));

    expect(preview.errors).toEqual([]);
    expect(preview.rows.map((r) => r.values.startDate)).toEqual(
      dates.map(() => "2026-09-30"),
    );
  });

  it("folds full-width characters and stray spaces", async () => {
    const headings = HEADINGS.map((h) =>
      h === "联系电话"
        ? " 联系 电话 "
        : h === "合同总造价（万元）"
          ? "合同总造价(万元)"
          : h === "工程款拨付进度（%）"
            ? "工程款拨付\n进度（％）"
            : h,
    );
    const row = project(1, {
      管辖区域: "  船山区 ",
      开工时间: wide("2026.9.30"),
      联系电话: wide("0825-2345678"),
      是否政府工程: " 是 ",
      "合同总造价（万元）": `${wide("12,345.67")}万元`,
      "工程款拨付进度（%）": wide("85.5%"),
    });
    const preview = await read(await unitSheet([row], { headings }));

    expect(preview.errors).toEqual([]);
    expect(preview.rows[0].values).toMatchObject({
      jurisdiction: "船山区",
      startDate: "2026-09-30",
      phone: "0825-2345678",
      government: true,
      contractPriceFen: 12_345_670_000,
      paymentProgressBp: 8550,
    });
  });

  it("reads numbers typed as text with commas, and a percent cell", async () => {
    const row = project(1, {
      联系电话: 13800000002,
      "合同总造价（万元）": "1,200",
      "工程款拨付进度（%）": { value: 0.855, numFmt: "0.0%" },
    });
    const preview = await read(await unitSheet([row]));

    expect(preview.errors).toEqual([]);
    expect(preview.rows[0].values).toMatchObject({
      phone: "13800000002",
      contractPriceFen: 1_200_000_000,
      paymentProgressBp: 8550,
    });
  });

  it("skips blank rows and rows numbered in advance", async () => {
    const rows = [project(1), [], [null, "  "], project(2), [3], [4]];
    const preview = await read(await unitSheet(rows));

    expect(preview.ok).toBe(true);
    expect(preview.rows.map((r) => r.rowNumber)).toEqual([
      FIRST_ROW,
      FIRST_ROW + 3,
    ]);
  });

  it("finds columns by heading in any order, without title or 栏 row", async () => {
    const order = [...HEADINGS].reverse();
    const cells = project(1);
    const reversed = order.map((h) => cells[HEADINGS.indexOf(h)]);
    const file = await unitSheet([reversed], {
      headings: order,
      official: false,
      footer: [],
    });
    const preview = await read(file);

    expect(preview.errors).toEqual([]);
    expect(preview.rows[0]).toMatchObject({
      rowNumber: 2,
      values: { name: "天悦府1期", phone: "13800000001" },
    });
    expect(preview.meta).toEqual({ sheetName: "Sheet1" });
  });

  it("reads the signing lines written on one row", async () => {
    const footer = [
      ["备注：……联系人：王五，联系电话：0825-1111111"],
      [],
      [
        "单位负责人：李明",
        null,
        "填报人员：",
        "赵六",
        "联系电话：",
        "____",
        "填表时间：",
        day("2026-10-09"),
      ],
    ];
    const preview = await read(await unitSheet([project(1)], { footer }));
    expect(preview.meta).toEqual({
      sheetName: "Sheet1",
      unitName: "遂宁市住房和城乡建设局",
      leader: "李明",
      filledBy: "赵六",
      filledOn: "2026-10-09",
    });
  });

  it("takes an ArrayBuffer as well as a Buffer", async () => {
    const file = await unitSheet([project(1)]);
    const copy = file.buffer.slice(
      file.byteOffset,
      file.byteOffset + file.byteLength,
    ) as ArrayBuffer;
    expect((await read(copy)).ok).toBe(true);
  });
});

describe("rows that are wrong", () => {
  it("names the row and 联系电话 for a bad phone number", async () => {
    const rows = [project(1), project(2, { 联系电话: "138000" })];
    const preview = await read(await unitSheet(rows));

    expect(preview.ok).toBe(false);
    expect(preview.errors).toEqual([
      {
        rowNumber: FIRST_ROW + 1,
        column: "联系电话",
        message: `第 ${FIRST_ROW + 1} 行“联系电话”：不是有效的电话号码（手机 11 位，座机如 0825-2345678）`,
      },
    ]);
    // The caller decides; the good row is still there to show.
    expect(preview.rows.map((r) => r.rowNumber)).toEqual([FIRST_ROW]);
  });

  it("refuses a start date after today", async () => {
    const preview = await read(
      await unitSheet([project(1, { 开工时间: "2026年10月10日" })]),
    );
    expect(preview.errors.map((e) => e.message)).toEqual([
      `第 ${FIRST_ROW} 行“开工时间”：晚于今天（2026-10-09），请填写实际开工的日期`,
    ]);
  });

  it("says a price that is not a number is not one", async () => {
    const preview = await read(
      await unitSheet([project(1, { "合同总造价（万元）": "待定" })]),
    );
    expect(preview.errors).toEqual([
      {
        rowNumber: FIRST_ROW,
        column: "合同总造价（万元）",
        message: `第 ${FIRST_ROW} 行“合同总造价（万元）”：不是数字，请填写以万元为单位的金额，如 1234.56`,
      },
    ]);
  });

  it("refuses a progress of 120 %", async () => {
    const preview = await read(
      await unitSheet([project(1, { "工程款拨付进度（%）": 120 })]),
    );
    expect(preview.errors.map((e) => e.message)).toEqual([
      `第 ${FIRST_ROW} 行“工程款拨付进度（%）”：不能大于 100`,
    ]);
  });

  it("lists every problem of a row in the sheet's order", async () => {
    const row = project(1, {
      项目名称: null,
      是否政府工程: "待定",
      联系电话: { error: "#N/A" } as ExcelJS.CellErrorValue,
    });
    const preview = await read(await unitSheet([row]));
    expect(preview.errors.map((e) => e.column)).toEqual([
      "项目名称",
      "是否政府工程",
      "联系电话",
    ]);
    expect(preview.errors[2].message).toContain("#N/A");
  });

  it("finds a project written twice", async () => {
    const rows = [
      project(1),
      project(2, {
        项目名称: " 天悦府（1期）",
        建设单位名称: "遂宁某置业 有限公司",
      }),
    ];
    const preview = await read(await unitSheet(rows));
    expect(preview.errors).toEqual([
      {
        rowNumber: FIRST_ROW + 1,
        column: "项目名称",
        message:
          `第 ${FIRST_ROW + 1} 行“项目名称”：与第 ${FIRST_ROW} 行是同一项目` +
          "（项目名称和建设单位名称相同），同一项目只填一行。",
      },
    ]);
  });
});

describe("sheets that are wrong", () => {
  it("names a missing column", async () => {
    const headings = HEADINGS.map((h) => (h === "联系电话" ? "手机" : h));
    const preview = await read(await unitSheet([project(1)], { headings }));
    expect(preview).toMatchObject({
      ok: false,
      rows: [],
      errors: [
        {
          rowNumber: null,
          column: "联系电话",
          message: "表格缺少“联系电话”列。",
        },
      ],
    });
  });

  it("accepts a sheet without the 备注 column", async () => {
    const headings = HEADINGS.slice(0, -1);
    const rows = [project(1).slice(0, -1)];
    const preview = await read(await unitSheet(rows, { headings }));
    expect(preview.ok).toBe(true);
    expect(preview.rows[0].values.remarks).toBe("");
  });

  it("names a column written twice", async () => {
    const headings = [...HEADINGS.slice(0, -1), "联系电话", "备注"];
    const rows = [[...project(1).slice(0, -1), "13800000003", null]];
    const preview = await read(await unitSheet(rows, { headings }));
    expect(preview.errors.map((e) => e.message)).toEqual([
      "表格中“联系电话”列出现了不止一次，请只保留一列。",
    ]);
  });

  it("says a sheet with headings and no project has none", async () => {
    const preview = await read(await unitSheet([]));
    expect(preview).toMatchObject({
      ok: false,
      errors: [
        { rowNumber: null, message: expect.stringContaining("没有填写项目") },
      ],
    });
  });

  it("refuses an empty workbook", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("Sheet1");
    const file = Buffer.from(await book.xlsx.writeBuffer());
    await expect(read(file)).rejects.toMatchObject({
      code: "sheet_empty",
      userMessage: expect.stringContaining("表格是空的"),
    });
  });

  it("refuses a sheet that is not attachment 1", async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet("名单").addRow(["姓名", "手机", "单位"]);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    await expect(read(file)).rejects.toMatchObject({
      code: "sheet_no_header",
    });
  });

  it("refuses what is not an .xlsx, in Chinese", async () => {
    const csv = Buffer.from("序号,管辖区域,项目名称\n1,船山区,天悦府\n");
    await expect(read(csv)).rejects.toMatchObject({
      code: "sheet_not_xlsx",
      userMessage: expect.stringContaining("另存为"),
    });
    await expect(read(Buffer.alloc(0))).rejects.toMatchObject({
      code: "sheet_not_xlsx",
    });
    const xls = Buffer.from([
      0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0,
    ]);
    await expect(read(xls)).rejects.toMatchObject({
      code: "sheet_old_format",
    });
  });

  it("refuses a damaged file", async () => {
    const file = await unitSheet([project(1)]);
    await expect(
      read(file.subarray(0, file.length - 100)),
    ).rejects.toMatchObject({ code: "sheet_corrupt" });
    const scrambled = Buffer.from(file);
    scrambled.fill(0x41, 200, 2000);
    await expect(read(scrambled)).rejects.toMatchObject({
      code: "sheet_corrupt",
    });
  });

  it("refuses a zip that is not a workbook", async () => {
    const file = await unitSheet([project(1)]);
    const renamed = Buffer.from(
      file.toString("latin1").replaceAll("xl/workbook.xml", "xl/workbooK.xml"),
      "latin1",
    );
    await expect(read(renamed)).rejects.toMatchObject({
      code: "sheet_not_xlsx",
    });
  });

  it("refuses a file that would unpack to more than it should", async () => {
    const file = await unitSheet([project(1)]);
    // The central directory's entry for the sheet claims 60 MB unpacked.
    const entry = file.lastIndexOf("xl/worksheets/sheet1.xml") - 46;
    expect(file.readUInt32LE(entry)).toBe(0x02014b50);
    file.writeUInt32LE(60 * 1024 * 1024, entry + 24);
    await expect(read(file)).rejects.toMatchObject({
      code: "sheet_too_large",
    });
  });

  it("refuses a file too large to be a unit's report", async () => {
    const big = Buffer.alloc(11 * 1024 * 1024);
    await expect(read(big)).rejects.toMatchObject({
      code: "sheet_too_large",
      status: 413,
    });
  });

  it(`refuses more than ${MAX_PROJECT_ROWS} projects`, async () => {
    const rows = Array.from({ length: MAX_PROJECT_ROWS + 1 }, (_, i) =>
      project(i + 1),
    );
    await expect(read(await unitSheet(rows))).rejects.toMatchObject({
      code: "sheet_too_many_rows",
      userMessage: `表格中的项目超过 ${MAX_PROJECT_ROWS} 行，请分成几个文件上传。`,
    });
  });
});
