/**
 * One feedback table (attachment 3 or 4) as a sheet, laid out as the
 * notice prints it: "附件N", the title, the 填报单位 line, the two header
 * bands over their columns, one row per referral, a 合计 row, and the
 * lines the unit signs. Rows stream to the file as they are written.
 */
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import type { IsoDate } from "../time.js";
import {
  columnsOf,
  INDEX_HEADING,
  INDEX_WIDTH,
  type Column,
  type TableLayout,
} from "./feedback-columns.js";
import type { FeedbackLine } from "./feedback-rows.js";
import {
  a4,
  ALIGN,
  backpressure,
  BOX,
  excelDate,
  FONTS,
  FORMATS,
  heightFor,
  linesIn,
  PAGE_FOOTER,
  sheetName,
} from "./layout.js";
import type { Period } from "./period.js";

export interface SheetHeading {
  city: string;
  /** 填报单位; blank for the unit to fill in when absent. */
  unitName?: string;
  period: Period;
  /** 填表时间: the day of the export. */
  filledOn: IsoDate;
}

/** Rows above the data: 附件, title, 填报单位, band row, column headings. */
export const HEADER_ROWS = 5;
const BAND_ROW = 4;
const HEADING_ROW = 5;

/** Writes the sheet and returns how many referrals it lists. */
export async function writeFeedbackSheet(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  layout: TableLayout,
  heading: SheetHeading,
  lines: AsyncIterable<FeedbackLine>,
  out: Writable,
): Promise<number> {
  const columns = columnsOf(layout);
  const last = columns.length + 1;
  const sheet = book.addWorksheet(sheetName(layout.sheetName), {
    pageSetup: a4("landscape", `${BAND_ROW}:${HEADING_ROW}`),
    headerFooter: PAGE_FOOTER,
    views: [{ state: "frozen", xSplit: 2, ySplit: HEADER_ROWS }],
  });
  sheet.columns = [
    { width: INDEX_WIDTH },
    ...columns.map((c) => ({ width: c.width })),
  ];

  writeTitle(sheet, layout, heading, last);
  writeBands(sheet, layout);
  const settle = backpressure(book, sheet, out);
  const first = HEADER_ROWS + 1;
  const totals = columns.map(() => 0);
  let count = 0;
  for await (const line of lines) {
    writeLine(sheet.getRow(first + count), columns, count + 1, line, totals);
    count++;
    await settle();
  }
  writeTotals(sheet.getRow(first + count), columns, { first, count, totals });
  writeSignLine(sheet.getRow(first + count + 2), heading, last);
  sheet.commit();
  return count;
}

function writeTitle(
  sheet: ExcelJS.Worksheet,
  layout: TableLayout,
  heading: SheetHeading,
  last: number,
) {
  const marker = sheet.getRow(1);
  marker.getCell(1).value = `附件${layout.attachment}`;
  marker.getCell(1).font = FONTS.attachment;
  sheet.mergeCells(1, 1, 1, 2);
  marker.commit();

  const title = sheet.getRow(2);
  title.height = 36;
  title.getCell(1).value = `${heading.city}${layout.title}`;
  title.getCell(1).font = FONTS.title;
  title.getCell(1).alignment = ALIGN.center;
  sheet.mergeCells(2, 1, 2, last);
  title.commit();

  // 填报单位 on the left half, the period, and the unit of amounts.
  const unitRow = sheet.getRow(3);
  unitRow.height = 22;
  const half = Math.floor(last / 2);
  const cells: [number, number, string][] = [
    [1, half, `填报单位：${heading.unitName ?? ""}`],
    [half + 1, last - 2, `统计期间：${heading.period.label}`],
    [last - 1, last, "金额单位：元"],
  ];
  for (const [from, to, value] of cells) {
    const cell = unitRow.getCell(from);
    cell.value = value;
    cell.font = FONTS.line;
    cell.alignment = to === last ? ALIGN.right : ALIGN.left;
    sheet.mergeCells(3, from, 3, to);
  }
  unitRow.commit();
}

function writeBands(sheet: ExcelJS.Worksheet, layout: TableLayout) {
  const bandRow = sheet.getRow(BAND_ROW);
  const headingRow = sheet.getRow(HEADING_ROW);
  bandRow.height = 22;
  const headings = [INDEX_HEADING, ...columnsOf(layout).map((c) => c.heading)];
  const widths = [INDEX_WIDTH, ...columnsOf(layout).map((c) => c.width)];
  headingRow.height = heightFor(
    Math.max(...headings.map((h, i) => linesIn(h, widths[i]))),
  );

  headings.forEach((text, i) => {
    for (const row of [bandRow, headingRow]) {
      styleHeading(row.getCell(i + 1));
    }
    headingRow.getCell(i + 1).value = i === 0 ? null : text;
  });
  bandRow.getCell(1).value = INDEX_HEADING;
  sheet.mergeCells(BAND_ROW, 1, HEADING_ROW, 1);

  let col = 2;
  for (const band of layout.bands) {
    bandRow.getCell(col).value = band.heading;
    sheet.mergeCells(BAND_ROW, col, BAND_ROW, col + band.columns.length - 1);
    col += band.columns.length;
  }
  bandRow.commit();
  headingRow.commit();
}

function styleHeading(cell: ExcelJS.Cell) {
  cell.font = FONTS.heading;
  cell.alignment = ALIGN.center;
  cell.border = BOX;
}

function writeLine(
  row: ExcelJS.Row,
  columns: Column[],
  index: number,
  line: FeedbackLine,
  totals: number[],
) {
  let lines = 1;
  bodyCell(row.getCell(1), index, FORMATS.count);
  columns.forEach((column, i) => {
    const value = column.value(line);
    bodyCell(row.getCell(i + 2), value, column.format);
    if (typeof value === "string") {
      lines = Math.max(lines, linesIn(value, column.width));
    }
    if (column.total && typeof value === "number") {
      // In hundredths, so that money adds up exactly.
      totals[i] += Math.round(value * 100);
    }
  });
  row.height = heightFor(lines);
  row.commit();
}

function bodyCell(
  cell: ExcelJS.Cell,
  value: ExcelJS.CellValue,
  format: string | undefined,
) {
  cell.value = value;
  cell.font = FONTS.body;
  cell.border = BOX;
  if (format) {
    cell.numFmt = format;
  }
  cell.alignment =
    format === FORMATS.money
      ? ALIGN.right
      : format || typeof value !== "string" || value.length <= 4
        ? ALIGN.center
        : ALIGN.left;
}

/** 合计: the number of cases, and the sum of each counted column. */
function writeTotals(
  row: ExcelJS.Row,
  columns: Column[],
  data: { first: number; count: number; totals: number[] },
) {
  row.height = heightFor(1);
  totalCell(row.getCell(1), "合计", undefined);
  columns.forEach((column, i) => {
    const cell = row.getCell(i + 2);
    if (i === 0) {
      totalCell(cell, `共 ${data.count} 件`, undefined);
    } else if (column.total) {
      totalCell(cell, sum(cell, data, data.totals[i] / 100), column.format);
    } else {
      totalCell(cell, null, undefined);
    }
  });
  row.commit();
}

/**
 * A SUM formula over the column with its result already worked out, so
 * the file shows the total before anything recalculates it.
 */
function sum(
  cell: ExcelJS.Cell,
  data: { first: number; count: number },
  result: number,
): ExcelJS.CellValue {
  if (data.count === 0) {
    return 0;
  }
  const letter = cell.address.replace(/\d+$/, "");
  const range = `${letter}${data.first}:${letter}${data.first + data.count - 1}`;
  return { formula: `SUM(${range})`, result };
}

function totalCell(
  cell: ExcelJS.Cell,
  value: ExcelJS.CellValue,
  format: string | undefined,
) {
  cell.value = value;
  cell.font = FONTS.heading;
  cell.border = BOX;
  cell.alignment =
    format === FORMATS.money
      ? { ...ALIGN.right, shrinkToFit: true }
      : { ...ALIGN.center, shrinkToFit: true };
  if (format) {
    cell.numFmt = format;
  }
}

/** 单位负责人 / 填报人员 / 联系电话 to sign, 填表时间 filled in. */
function writeSignLine(row: ExcelJS.Row, heading: SheetHeading, last: number) {
  row.height = 24;
  const quarter = Math.floor(last / 4);
  const labels = ["单位负责人：", "填报人员：", "联系电话："];
  labels.forEach((label, i) => {
    const cell = row.getCell(i * quarter + 1);
    cell.value = label;
    cell.font = FONTS.line;
    cell.alignment = ALIGN.left;
    row.worksheet.mergeCells(
      row.number,
      i * quarter + 1,
      row.number,
      (i + 1) * quarter,
    );
  });
  // A real date, shown after its label by the number format.
  const date = row.getCell(3 * quarter + 1);
  date.value = excelDate(heading.filledOn);
  date.numFmt = `"填表时间："${FORMATS.dateCn}`;
  date.font = FONTS.line;
  date.alignment = ALIGN.left;
  row.worksheet.mergeCells(row.number, 3 * quarter + 1, row.number, last);
  row.commit();
}
