/**
 * Attachment 1, the new-project report, as a sheet laid out as the
 * notice prints it: "附件1", the title, the 填报单位 line, the headings
 * over three rows (the whole table's band, its two halves, the columns),
 * the 栏 row numbering the columns 1 to 14, one row per project, the
 * 备注 line and the lines the unit signs.
 */
import ExcelJS from "exceljs";
import {
  FEN_PER_WAN,
  PROJECT_COLUMNS,
  projectLabels,
  type ProjectField,
  type ProjectRow,
} from "../projects/input.js";
import type { IsoDate } from "../time.js";
import { INDEX_HEADING, INDEX_WIDTH } from "./feedback-columns.js";
import {
  a4,
  ALIGN,
  BOX,
  excelDate,
  FONTS,
  FORMATS,
  heightFor,
  linesIn,
  PAGE_FOOTER,
  sheetName,
  UNDERLINE,
} from "./layout.js";

export const PROJECT_TITLE = "新开工建设工程项目情况表";

export interface ProjectSheetData {
  /** The sheet's tab; several units' tables in one book need their own. */
  sheetName?: string;
  /** Goes in front of the title: 遂宁市新开工建设工程项目情况表. */
  city: string;
  /** 填报单位; blank for the unit to fill in when absent. */
  unitName?: string;
  rows: ProjectRow[];
  /** Whom the 备注 line names at HRSS; blanks to fill in when absent. */
  contact?: { name: string; phone: string };
  leader?: string;
  filledBy?: string;
  phone?: string;
  /** 填表时间. */
  filledOn?: IsoDate;
}

/** Where each part of the form sits: row numbers on the sheet. */
export const PROJECT_ROWS = {
  attachment: 1,
  title: 2,
  unit: 3,
  band: 4,
  halves: 5,
  headings: 6,
  numbers: 7,
  firstProject: 8,
};

const BAND = "开工建设工程项目基本情况";
const HALVES = [
  { heading: "项目基本情况", from: "name", to: "government" },
  { heading: "施工总承包基本情况", from: "contractor", to: "paymentProgress" },
] as const;

const WIDTHS: Record<ProjectField, number> = {
  jurisdiction: 9,
  name: 20,
  address: 20,
  builder: 18,
  startDate: 11,
  duration: 12,
  government: 8,
  contractor: 18,
  manager: 8,
  phone: 13,
  contractPrice: 12,
  paymentMethod: 14,
  paymentProgress: 10,
  remarks: 12,
};

/** 万元 to the fen: two decimals always, up to six when there are. */
const PRICE_FORMAT = "#,##0.00####";

const NOTE =
  "备注：各单位在项目新开工建设 5 个工作日内统计填报上月情况至市人力资源社会保障局";
/** An underlined blank to write a name or a number on. */
const BLANK = "\u3000".repeat(6);

/** Column of a field on the sheet: 序号 is column 1. */
const columnOf = (field: ProjectField) =>
  PROJECT_COLUMNS.findIndex((c) => c.key === field) + 2;
const LAST = PROJECT_COLUMNS.length + 1;
const TABLE_WIDTH = Object.values(WIDTHS).reduce((n, w) => n + w, INDEX_WIDTH);

/**
 * Adds the sheet to `book`, a workbook in memory or one streaming to a
 * file (whose rows it commits as it goes), and returns it.
 */
export function writeProjectSheet(
  book: ExcelJS.Workbook | ExcelJS.stream.xlsx.WorkbookWriter,
  data: ProjectSheetData,
): ExcelJS.Worksheet {
  const name = sheetName(data.sheetName ?? "附件1 新开工项目");
  const sheet = book.addWorksheet(name, {
    pageSetup: a4("landscape", `${PROJECT_ROWS.band}:${PROJECT_ROWS.numbers}`),
    headerFooter: PAGE_FOOTER,
    views: [{ state: "frozen", xSplit: 3, ySplit: PROJECT_ROWS.numbers }],
  });
  sheet.columns = [
    { width: INDEX_WIDTH },
    ...PROJECT_COLUMNS.map((c) => ({ width: WIDTHS[c.key] })),
  ];

  writeTitle(sheet, data);
  writeHeadings(sheet);
  data.rows.forEach((project, i) => {
    writeProject(sheet.getRow(PROJECT_ROWS.firstProject + i), i + 1, project);
  });
  const after = PROJECT_ROWS.firstProject + data.rows.length;
  writeNote(sheet.getRow(after), data.contact);
  writeSignLines(sheet, after + 2, data);
  if (book instanceof ExcelJS.stream.xlsx.WorkbookWriter) {
    sheet.commit();
  }
  return sheet;
}

function writeTitle(sheet: ExcelJS.Worksheet, data: ProjectSheetData) {
  const marker = sheet.getRow(PROJECT_ROWS.attachment);
  marker.getCell(1).value = "附件1";
  marker.getCell(1).font = FONTS.attachment;
  sheet.mergeCells(PROJECT_ROWS.attachment, 1, PROJECT_ROWS.attachment, 2);
  marker.commit();

  const title = sheet.getRow(PROJECT_ROWS.title);
  title.height = 36;
  title.getCell(1).value = `${data.city}${PROJECT_TITLE}`;
  title.getCell(1).font = FONTS.title;
  title.getCell(1).alignment = ALIGN.center;
  sheet.mergeCells(PROJECT_ROWS.title, 1, PROJECT_ROWS.title, LAST);
  title.commit();

  const unit = sheet.getRow(PROJECT_ROWS.unit);
  unit.height = 22;
  unit.getCell(1).value = `填报单位：${data.unitName ?? ""}`;
  unit.getCell(1).font = FONTS.line;
  unit.getCell(1).alignment = ALIGN.left;
  sheet.mergeCells(
    PROJECT_ROWS.unit,
    1,
    PROJECT_ROWS.unit,
    columnOf("builder"),
  );
  unit.commit();
}

/**
 * 序号, 管辖区域 and 备注 stand over all three heading rows; the band
 * spans the twelve columns between, and its two halves six each.
 */
function writeHeadings(sheet: ExcelJS.Worksheet) {
  const { band, halves, headings, numbers } = PROJECT_ROWS;
  const rows = [band, halves, headings, numbers].map((r) => sheet.getRow(r));
  for (const row of rows) {
    for (let c = 1; c <= LAST; c++) {
      styleHeading(row.getCell(c));
    }
  }
  rows[0].height = 22;
  rows[1].height = 22;
  rows[2].height = heightFor(
    Math.max(...PROJECT_COLUMNS.map((c) => linesIn(c.heading, WIDTHS[c.key]))),
  );
  rows[3].height = heightFor(1);

  const standing: [number, string][] = [
    [1, INDEX_HEADING],
    [columnOf("jurisdiction"), projectLabels.jurisdiction],
    [LAST, projectLabels.remarks],
  ];
  for (const [column, heading] of standing) {
    rows[0].getCell(column).value = heading;
    sheet.mergeCells(band, column, headings, column);
  }
  rows[0].getCell(columnOf("name")).value = BAND;
  sheet.mergeCells(band, columnOf("name"), band, columnOf("paymentProgress"));
  for (const half of HALVES) {
    rows[1].getCell(columnOf(half.from)).value = half.heading;
    sheet.mergeCells(halves, columnOf(half.from), halves, columnOf(half.to));
  }
  for (const { key, heading } of PROJECT_COLUMNS.slice(1, -1)) {
    rows[2].getCell(columnOf(key)).value = heading;
  }

  // 栏 1 … 14: the notice numbers every column but 序号.
  rows[3].getCell(1).value = "栏";
  PROJECT_COLUMNS.forEach(({ key }, i) => {
    rows[3].getCell(columnOf(key)).value = i + 1;
  });
  for (const row of rows) {
    row.commit();
  }
}

function styleHeading(cell: ExcelJS.Cell) {
  cell.font = FONTS.heading;
  cell.alignment = ALIGN.center;
  cell.border = BOX;
}

function writeProject(row: ExcelJS.Row, index: number, project: ProjectRow) {
  const values: Record<ProjectField, ExcelJS.CellValue> = {
    jurisdiction: project.jurisdiction,
    name: project.name,
    address: project.address,
    builder: project.builder,
    startDate: excelDate(project.startDate),
    duration: project.duration,
    government: project.government ? "是" : "否",
    contractor: project.contractor,
    manager: project.manager,
    phone: project.phone,
    contractPrice: project.contractPriceFen / FEN_PER_WAN,
    paymentMethod: project.paymentMethod,
    paymentProgress: project.paymentProgressBp / 100,
    remarks: project.remarks || null,
  };
  bodyCell(row.getCell(1), index, ALIGN.center).numFmt = FORMATS.count;
  let lines = 1;
  for (const { key } of PROJECT_COLUMNS) {
    const value = values[key];
    const long = typeof value === "string" && value.length > 6;
    const cell = bodyCell(
      row.getCell(columnOf(key)),
      value,
      typeof value === "number"
        ? ALIGN.right
        : long
          ? ALIGN.left
          : ALIGN.center,
    );
    if (typeof value === "string") {
      lines = Math.max(lines, linesIn(value, WIDTHS[key]));
    }
    if (key === "startDate") {
      cell.numFmt = FORMATS.date;
    } else if (key === "contractPrice") {
      cell.numFmt = PRICE_FORMAT;
    }
  }
  row.height = heightFor(lines);
  row.commit();
}

function bodyCell(
  cell: ExcelJS.Cell,
  value: ExcelJS.CellValue,
  alignment: Partial<ExcelJS.Alignment>,
): ExcelJS.Cell {
  cell.value = value;
  cell.font = FONTS.body;
  cell.border = BOX;
  cell.alignment = alignment;
  return cell;
}

/** The notice's 备注 line, with HRSS's contact underlined. */
function writeNote(row: ExcelJS.Row, contact: ProjectSheetData["contact"]) {
  const parts: [string, boolean][] = [
    [`${NOTE}，联系人：`, false],
    [contact?.name || BLANK, true],
    ["，联系方式：", false],
    [contact?.phone || BLANK, true],
  ];
  const cell = row.getCell(1);
  cell.value = {
    richText: parts.map(([text, filled]) => ({
      text,
      font: { ...FONTS.line, ...(filled ? { underline: true } : {}) },
    })),
  };
  cell.alignment = ALIGN.left;
  const text = parts.map(([part]) => part).join("");
  row.height = heightFor(linesIn(text, TABLE_WIDTH));
  row.worksheet.mergeCells(row.number, 1, row.number, LAST);
  row.commit();
}

/**
 * 单位负责人, 填报人员, 联系电话 and 填表时间, a line each as in the
 * notice: the label, then what is filled in on an underline.
 */
function writeSignLines(
  sheet: ExcelJS.Worksheet,
  first: number,
  data: ProjectSheetData,
) {
  const lines: [string, ExcelJS.CellValue][] = [
    ["单位负责人：", data.leader ?? ""],
    ["填报人员：", data.filledBy ?? ""],
    ["联系电话：", data.phone ?? ""],
    ["填表时间：", data.filledOn ? excelDate(data.filledOn) : ""],
  ];
  lines.forEach(([label, value], i) => {
    const row = sheet.getRow(first + i);
    row.height = 24;
    signCell(row.getCell(1), label).alignment = ALIGN.right;
    sheet.mergeCells(row.number, 1, row.number, 2);
    const filled = signCell(row.getCell(3), value);
    filled.border = UNDERLINE;
    if (value instanceof Date) {
      filled.numFmt = FORMATS.dateCn;
    }
    row.commit();
  });
}

function signCell(cell: ExcelJS.Cell, value: ExcelJS.CellValue): ExcelJS.Cell {
  cell.value = value;
  cell.font = FONTS.line;
  cell.alignment = ALIGN.left;
  return cell;
}
