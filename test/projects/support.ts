/**
 * Sheets as units make them in Excel or WPS, built in memory: the
 * notice's layout or a looser one, for the import tests.
 */
import ExcelJS from "exceljs";

export const TODAY = "2026-10-09";

/** A cell's value, or a value with the number format Excel shows it in. */
export type Cell =
  ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string };

/** The leaf headings, 序号 first, as the notice writes them. */
export const HEADINGS = [
  "序号",
  "管辖区域",
  "项目名称",
  "项目地址",
  "建设单位名称",
  "开工时间",
  "合同约定工期",
  "是否政府工程",
  "施工总包单位名称",
  "项目负责人",
  "联系电话",
  "合同总造价（万元）",
  "工程款拨付方式",
  "工程款拨付进度（%）",
  "备注",
];

/** A day as Excel stores it: UTC midnight, whatever the time zone. */
export const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Excel's serial number of a day (1900 system). */
export const serial = (iso: string) =>
  (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;

/** ASCII as a full-width keyboard types it: "1-2" → "１－２". */
export const wide = (text: string) =>
  text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** One project's fifteen cells, 序号 first; `changes` by heading. */
export function project(
  index: number,
  changes: Partial<Record<string, Cell>> = {},
): Cell[] {
  const cells: Record<string, Cell> = {
    序号: index,
    管辖区域: "船山区",
    项目名称: `天悦府${index}期`,
    项目地址: "遂宁市船山区明月路 1 号",
    建设单位名称: "遂宁某置业有限公司",
    开工时间: day("2026-09-30"),
    合同约定工期: "365天",
    是否政府工程: "否",
    施工总包单位名称: "四川某建设工程有限公司",
    项目负责人: "张三",
    联系电话: "13800000001",
    "合同总造价（万元）": 12345.67,
    工程款拨付方式: "按月进度付款",
    "工程款拨付进度（%）": 30,
    备注: null,
    ...changes,
  };
  return HEADINGS.map((h) => cells[h] ?? null);
}

export interface Layout {
  /** Leaf headings in place of the notice's. */
  headings?: string[];
  /** The notice's title, 填报单位 and the two band rows (default true). */
  official?: boolean;
  /** The 栏 row (default: with the official layout). */
  numbers?: boolean;
  /** Lines after the table (default: the notice's 备注 and signing lines). */
  footer?: Cell[][];
  /** Who fills it in (default: the city's housing bureau). */
  unitName?: string;
}

const NOTE =
  "备注：各单位在项目新开工建设 5 个工作日内统计填报上月情况至" +
  "市人力资源社会保障局，联系人：王五，联系方式：0825-2222222";

export const SIGNED: Cell[][] = [
  ["单位负责人：李明"],
  ["填报人员：", null, "赵六"],
  ["联系电话：0825-2345678"],
  ["填表时间：2026年10月9日"],
];

/** A workbook whose first sheet is attachment 1 as a unit fills it. */
export async function unitSheet(
  projects: Cell[][],
  layout: Layout = {},
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("Sheet1");
  const headings = layout.headings ?? HEADINGS;
  const last = headings.length;
  let row = 1;
  if (layout.official ?? true) {
    sheet.getCell(row, 1).value = "遂宁市新开工建设工程项目情况表";
    sheet.mergeCells(row, 1, row, last);
    sheet.getCell(row + 1, 1).value = "填报单位：";
    sheet.getCell(row + 1, 3).value =
      `  ${layout.unitName ?? "遂宁市住房和城乡建设局"} `;
    row += 2;
    // 序号, 管辖区域, 备注 written once over three merged rows.
    for (const column of [1, 2, last]) {
      sheet.getCell(row, column).value = headings[column - 1];
      sheet.mergeCells(row, column, row + 2, column);
    }
    sheet.getCell(row, 3).value = "开工建设工程项目基本情况";
    sheet.mergeCells(row, 3, row, last - 1);
    sheet.getCell(row + 1, 3).value = "项目基本情况";
    sheet.mergeCells(row + 1, 3, row + 1, 8);
    sheet.getCell(row + 1, 9).value = "施工总承包基本情况";
    sheet.mergeCells(row + 1, 9, row + 1, last - 1);
    row += 2;
    headings.slice(2, -1).forEach((h, i) => {
      sheet.getCell(row, i + 3).value = h;
    });
  } else {
    headings.forEach((h, i) => (sheet.getCell(row, i + 1).value = h));
  }
  row++;
  if (layout.numbers ?? layout.official ?? true) {
    sheet.getCell(row, 1).value = "栏";
    headings.slice(1).forEach((_, i) => {
      sheet.getCell(row, i + 2).value = i + 1;
    });
    row++;
  }
  for (const cells of projects) {
    fill(sheet.getRow(row++), cells);
  }
  const footer = layout.footer ?? [[NOTE], [], ...SIGNED];
  for (const cells of footer) {
    fill(sheet.getRow(row++), cells);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

function fill(row: ExcelJS.Row, cells: Cell[]) {
  cells.forEach((cell, i) => {
    const target = row.getCell(i + 1);
    if (cell !== null && typeof cell === "object" && "numFmt" in cell) {
      target.value = cell.value;
      target.numFmt = cell.numFmt;
    } else {
      target.value = cell;
    }
  });
}

/** The first row of data in the notice's layout: title, 填报单位, 3 + 栏. */
export const FIRST_ROW = 7;

/** One project as a liaison types it on the report form. */
export function typed(
  name: string,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    jurisdiction: "船山区",
    name,
    address: "遂宁市船山区明月路 1 号",
    builder: "遂宁某置业有限公司",
    startDate: "2026-09-30",
    duration: "365天",
    government: "否",
    contractor: "四川某建设工程有限公司",
    manager: "张三",
    phone: "13800000001",
    contractPrice: "12345.67",
    paymentMethod: "按月进度付款",
    paymentProgress: "30",
    remarks: "",
    ...changes,
  };
}
