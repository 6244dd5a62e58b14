/**
 * A plain boxed table as a printable sheet, for the reception campaign's
 * tables: "附件N" and the title above, a line or two saying whose and
 * when, one heading row, the rows (total rows in bold), and the lines the
 * filing unit signs. Rows stream to the file as they are written.
 */
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import type { IsoDate } from "../time.js";
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

export interface GridColumn {
  heading: string;
  /** Excel column units. */
  width: number;
  format?: string;
}

export interface GridHeading {
  /** "附件6" above the title when the sheet is an attachment. */
  marker?: string;
  title: string;
  /** Lines under the title: text on the left, and on the right. */
  lines: [string, string][];
  /** 填表时间, on the sign line below the table. */
  filledOn: IsoDate;
}

export interface GridRow {
  values: ExcelJS.CellValue[];
  /** A 小计 or 合计 row, in bold. */
  total?: boolean;
}

/** Where the parts of a grid sheet sit: row numbers. */
export interface GridRows {
  title: number;
  lines: number;
  heading: number;
  first: number;
}

/** Row numbers of a sheet whose heading has `lines` lines. */
export function gridRows(lines: number): GridRows {
  return { title: 2, lines: 3, heading: 3 + lines, first: 4 + lines };
}

/** Writes the sheet and returns how many rows it has under the heading. */
export async function writeGridSheet(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  heading: GridHeading,
  columns: GridColumn[],
  rows: Iterable<GridRow>,
  out: Writable,
): Promise<number> {
  const at = gridRows(heading.lines.length);
  const sheet = book.addWorksheet(sheetName(name), {
    pageSetup: a4("landscape", `${at.heading}:${at.heading}`),
    headerFooter: PAGE_FOOTER,
    views: [{ state: "frozen", ySplit: at.heading }],
  });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  writeTop(sheet, heading, at, columns.length);
  writeHeadings(sheet.getRow(at.heading), columns);

  const settle = backpressure(book, sheet, out);
  let count = 0;
  for (const row of rows) {
    writeRow(sheet.getRow(at.first + count), columns, row);
    count++;
    await settle();
  }
  writeSignLine(sheet.getRow(at.first + count + 1), heading.filledOn, columns);
  sheet.commit();
  return count;
}

function writeTop(
  sheet: ExcelJS.Worksheet,
  heading: GridHeading,
  at: GridRows,
  last: number,
) {
  const marker = sheet.getRow(1);
  if (heading.marker) {
    marker.getCell(1).value = heading.marker;
    marker.getCell(1).font = FONTS.attachment;
    sheet.mergeCells(1, 1, 1, 2);
  }
  marker.commit();

  const title = sheet.getRow(at.title);
  title.height = 36;
  title.getCell(1).value = heading.title;
  title.getCell(1).font = FONTS.title;
  title.getCell(1).alignment = ALIGN.center;
  sheet.mergeCells(at.title, 1, at.title, last);
  title.commit();

  // Left text over the first half of the columns, right text the rest.
  const half = Math.ceil(last / 2);
  heading.lines.forEach(([left, right], i) => {
    const row = sheet.getRow(at.lines + i);
    row.height = 22;
    const parts: [number, number, string, keyof typeof ALIGN][] = [
      [1, half, left, "left"],
      [half + 1, last, right, "right"],
    ];
    for (const [from, to, text, align] of parts) {
      const cell = row.getCell(from);
      cell.value = text || null;
      cell.font = FONTS.line;
      cell.alignment = ALIGN[align];
      sheet.mergeCells(row.number, from, row.number, to);
    }
    row.commit();
  });
}

function writeHeadings(row: ExcelJS.Row, columns: GridColumn[]) {
  row.height = heightFor(
    Math.max(...columns.map((c) => linesIn(c.heading, c.width))),
  );
  columns.forEach((column, i) => {
    const cell = row.getCell(i + 1);
    cell.value = column.heading;
    cell.font = FONTS.heading;
    cell.alignment = ALIGN.center;
    cell.border = BOX;
  });
  row.commit();
}

function writeRow(row: ExcelJS.Row, columns: GridColumn[], data: GridRow) {
  let lines = 1;
  columns.forEach((column, i) => {
    const value = data.values[i] ?? null;
    const cell = row.getCell(i + 1);
    cell.value = value === "" ? null : value;
    cell.font = data.total ? FONTS.heading : FONTS.body;
    cell.border = BOX;
    if (column.format) {
      cell.numFmt = column.format;
    }
    cell.alignment =
      column.format === FORMATS.money
        ? ALIGN.right
        : typeof value === "string" && textual(value)
          ? ALIGN.left
          : ALIGN.center;
    if (typeof value === "string") {
      lines = Math.max(lines, linesIn(value, column.width));
    }
  });
  row.height = heightFor(lines);
  row.commit();
}

/** Short words and numbers are centred; sentences read from the left. */
const textual = (value: string) => [...value].length > 8;

/** 单位负责人 / 填报人员 / 联系电话 to sign, 填表时间 filled in. */
function writeSignLine(
  row: ExcelJS.Row,
  filledOn: IsoDate,
  columns: GridColumn[],
) {
  row.height = 24;
  const spans = quarters(columns);
  const labels = ["单位负责人：", "填报人员：", "联系电话：", null];
  spans.forEach(([from, to], i) => {
    const cell = row.getCell(from);
    cell.value = labels[i] ?? excelDate(filledOn);
    if (labels[i] === null) {
      // A real date, shown after its label by the number format.
      cell.numFmt = `"填表时间："${FORMATS.dateCn}`;
    }
    cell.font = FONTS.line;
    cell.alignment = ALIGN.left;
    if (to > from) {
      row.worksheet.mergeCells(row.number, from, row.number, to);
    }
  });
  row.commit();
}

/**
 * The columns split into four runs of about equal width, as [first,
 * last] column numbers; each run has at least one column.
 */
export function quarters(columns: GridColumn[]): [number, number][] {
  let sum = 0;
  const ends = columns.map((c) => (sum += c.width));
  const spans: [number, number][] = [];
  let from = 1;
  for (let k = 1; k <= 3; k++) {
    const target = (sum * k) / 4;
    let best = from;
    for (let col = from; col <= columns.length - (4 - k); col++) {
      if (
        Math.abs(ends[col - 1] - target) < Math.abs(ends[best - 1] - target)
      ) {
        best = col;
      }
    }
    spans.push([from, best]);
    from = best + 1;
  }
  spans.push([from, columns.length]);
  return spans;
}
