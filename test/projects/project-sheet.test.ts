import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { streamingWorkbook } from "../../src/exports/layout.js";
import {
  PROJECT_ROWS,
  writeProjectSheet,
  type ProjectSheetData,
} from "../../src/exports/project-sheet.js";
import type { ProjectRow } from "../../src/projects/input.js";
import { readProjectSheet } from "../../src/projects/sheet-import.js";
import { HEADINGS, TODAY } from "./support.js";

const rows: ProjectRow[] = [
  {
    jurisdiction: "船山区",
    name: "天悦府二期",
    address: "遂宁市船山区明月路 1 号",
    builder: "遂宁某置业有限公司",
    startDate: "2026-09-30",
    duration: "365天",
    government: false,
    contractor: "四川某建设工程有限公司",
    manager: "张三",
    phone: "13800000001",
    contractPriceFen: 12_345_678_901,
    paymentMethod: "按月进度付款",
    paymentProgressBp: 8550,
    remarks: "",
  },
  {
    jurisdiction: "射洪市",
    name: "涪江大桥（北段）改建工程",
    address: "射洪市太和街道",
    builder: "射洪市交通运输局",
    startDate: "2026-01-05",
    duration: "2026-01-05至2027-06-30",
    government: true,
    contractor: "四川某路桥工程有限公司",
    manager: "李四",
    phone: "0825-2345678",
    contractPriceFen: 99_999_999_999_999,
    paymentMethod: "按节点支付，竣工验收后付至 97%",
    paymentProgressBp: 10_000,
    remarks: "含人工费专用账户",
  },
  {
    jurisdiction: "河东新区",
    name: "安置房三期",
    address: "河东新区五彩缤纷路",
    builder: "遂宁某投资集团有限公司",
    startDate: "2025-12-31",
    duration: "730天",
    government: true,
    contractor: "某建工集团有限公司",
    manager: "王五",
    phone: "13800000003",
    contractPriceFen: 1,
    paymentMethod: "按月进度付款",
    paymentProgressBp: 1,
    remarks: "",
  },
];

const data: ProjectSheetData = {
  city: "遂宁市",
  unitName: "遂宁市住房和城乡建设局",
  rows,
  leader: "李明",
  filledBy: "赵六",
  phone: "0825-2222222",
  filledOn: "2026-10-09",
};

async function written(sheetData = data): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  writeProjectSheet(book, sheetData);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function opened(file: Buffer): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file as never);
  return book.worksheets[0];
}

/** The underlined blank of the 备注 line, for a name or a number. */
const BLANK = "\u3000".repeat(6);

const text = (sheet: ExcelJS.Worksheet, row: number, col: number) =>
  sheet.getCell(row, col).text;

describe("attachment 1 as the notice prints it", () => {
  it("has the title, the 填报单位 line and three heading rows", async () => {
    const sheet = await opened(await written());
    const { band, halves, headings, numbers } = PROJECT_ROWS;

    expect(text(sheet, 1, 1)).toBe("附件1");
    expect(text(sheet, 2, 1)).toBe("遂宁市新开工建设工程项目情况表");
    expect(text(sheet, 3, 1)).toBe("填报单位：遂宁市住房和城乡建设局");
    // 序号, 管辖区域 and 备注 over the three rows; the band over 12.
    for (const col of [1, 2, 15]) {
      expect(sheet.getCell(headings, col).master.address).toBe(
        sheet.getCell(band, col).address,
      );
    }
    expect(text(sheet, band, 3)).toBe("开工建设工程项目基本情况");
    expect(sheet.getCell(band, 14).master.address).toBe("C4");
    expect(text(sheet, halves, 3)).toBe("项目基本情况");
    expect(sheet.getCell(halves, 8).master.address).toBe("C5");
    expect(text(sheet, halves, 9)).toBe("施工总承包基本情况");
    expect(sheet.getCell(halves, 14).master.address).toBe("I5");
    const leaves = HEADINGS.map((_, i) => text(sheet, headings, i + 1));
    expect(leaves).toEqual(HEADINGS);
    const column = HEADINGS.map((_, i) => sheet.getCell(numbers, i + 1).value);
    expect(column).toEqual(["栏", ...HEADINGS.slice(1).map((_, i) => i + 1)]);
  });

  it("writes a row per project, numbered, with real dates and numbers", async () => {
    const sheet = await opened(await written());
    const first = sheet.getRow(PROJECT_ROWS.firstProject);

    expect(first.getCell(1).value).toBe(1);
    expect((first.getCell(6).value as Date).toISOString()).toBe(
      "2026-09-30T00:00:00.000Z",
    );
    expect(first.getCell(6).numFmt).toBe("yyyy-mm-dd");
    expect(first.getCell(8).value).toBe("否");
    expect(first.getCell(12).value).toBe(12_345.678901);
    expect(first.getCell(14).value).toBe(85.5);
    expect(sheet.getCell(PROJECT_ROWS.firstProject + 2, 1).value).toBe(3);
  });

  it("ends with the 备注 line and the lines the unit signs", async () => {
    const sheet = await opened(await written({ ...data, filledOn: undefined }));
    const note = PROJECT_ROWS.firstProject + rows.length;

    expect(text(sheet, note, 1)).toBe(
      "备注：各单位在项目新开工建设 5 个工作日内统计填报上月情况至" +
        `市人力资源社会保障局，联系人：${BLANK}，联系方式：${BLANK}`,
    );
    expect(sheet.getCell(note, 15).master.address).toBe(`A${note}`);
    const signed = [2, 3, 4, 5].map((i) => [
      text(sheet, note + i, 1),
      text(sheet, note + i, 3),
    ]);
    expect(signed).toEqual([
      ["单位负责人：", "李明"],
      ["填报人员：", "赵六"],
      ["联系电话：", "0825-2222222"],
      ["填表时间：", ""],
    ]);
  });

  it("names HRSS's contact in the 备注 line when given", async () => {
    const contact = { name: "王五", phone: "0825-2222222" };
    const sheet = await opened(await written({ ...data, rows: [], contact }));
    expect(text(sheet, PROJECT_ROWS.firstProject, 1)).toMatch(
      /联系人：王五，联系方式：0825-2222222$/,
    );
  });
});

describe("a round trip through the file", () => {
  it("reads back what it wrote", async () => {
    const preview = await readProjectSheet(await written(), { today: TODAY });

    expect(preview.errors).toEqual([]);
    expect(preview.rows.map((r) => r.values)).toEqual(rows);
    expect(preview.rows[0].rowNumber).toBe(PROJECT_ROWS.firstProject);
    expect(preview.meta).toEqual({
      sheetName: "附件1 新开工项目",
      unitName: "遂宁市住房和城乡建设局",
      leader: "李明",
      filledBy: "赵六",
      phone: "0825-2222222",
      filledOn: "2026-10-09",
    });
  });

  it("reads back a streamed workbook the same", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => out.on("end", resolve));
    const book = streamingWorkbook(out);
    writeProjectSheet(book, data);
    await book.commit();
    await ended;

    const file = Buffer.concat(chunks);
    const preview = await readProjectSheet(file, { today: TODAY });
    expect(preview.errors).toEqual([]);
    expect(preview.rows.map((r) => r.values)).toEqual(rows);
    const sheet = await opened(file);
    expect(sheet.getCell(PROJECT_ROWS.headings, 1).master.address).toBe("A4");
  });
});
