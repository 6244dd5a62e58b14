/**
 * What every exported sheet shares: fonts, borders, number formats, the
 * A4 print setup, and widths measured the way Excel measures them.
 */
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { IsoDate } from "../time.js";

type Alignment = Partial<ExcelJS.Alignment>;

export const FONT_NAME = "宋体";

export const FONTS = {
  /** "附件3" above the title, as the notice prints it. */
  attachment: { name: "黑体", size: 12 },
  title: { name: FONT_NAME, size: 18, bold: true },
  heading: { name: FONT_NAME, size: 10, bold: true },
  body: { name: FONT_NAME, size: 10 },
  line: { name: FONT_NAME, size: 11 },
} satisfies Record<string, Partial<ExcelJS.Font>>;

export const FORMATS = {
  date: "yyyy-mm-dd",
  dateCn: 'yyyy"年"m"月"d"日"',
  money: "#,##0.00",
  count: "0",
};

const THIN: Partial<ExcelJS.Border> = { style: "thin" };
export const BOX: Partial<ExcelJS.Borders> = {
  top: THIN,
  left: THIN,
  bottom: THIN,
  right: THIN,
};
export const UNDERLINE: Partial<ExcelJS.Borders> = { bottom: THIN };

export const ALIGN = {
  center: { horizontal: "center", vertical: "middle", wrapText: true },
  left: { horizontal: "left", vertical: "middle", wrapText: true },
  right: { horizontal: "right", vertical: "middle" },
} satisfies Record<string, Alignment>;

/** Points per line of 10–11 pt text, and the padding of a row. */
const LINE_PT = 13.5;
const ROW_PAD_PT = 4;

/**
 * A streaming workbook on `out`: rows go to the file as they are
 * committed, so a sheet of any length never sits in memory.
 */
export function streamingWorkbook(
  out: Writable,
): ExcelJS.stream.xlsx.WorkbookWriter {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  book.creator = "欠薪联动助手";
  return book;
}

/** Bytes written to a sheet that the zip has not taken, before waiting. */
const PENDING_LIMIT = 1024 * 1024;

/** A stream inside exceljs: archiver's, of readable-stream 2. */
interface Buffered {
  _writableState?: { length: number };
  _readableState?: { length: number };
}

const held = (s: Buffered | undefined) =>
  (s?._writableState?.length ?? 0) + (s?._readableState?.length ?? 0);

/**
 * exceljs writes rows without backpressure, and the zip it writes into
 * compresses whatever it is given whether or not `out` takes it: what
 * `out` has not taken piles up in memory (with SQLite, whose queries
 * never yield to the event loop, a whole sheet would). This returns a
 * wait that holds the writer back until the zip and `out` have caught
 * up. exceljs 4 keeps the zip in the workbook's `zip` and a sheet's
 * entry in its `stream`, piped to the zip's input; the tests in
 * test/exports/layout.test.ts fail if a new version moves them.
 */
export function backpressure(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: ExcelJS.Worksheet,
  out: Writable,
): () => Promise<void> {
  const zip = (book as unknown as { zip?: Buffered }).zip;
  const entry = sheet as unknown as { stream?: { pipes?: Buffered[] } };
  const pending = () =>
    held(zip) + (entry.stream?.pipes ?? []).reduce((n, p) => n + held(p), 0);
  return async () => {
    while (pending() > PENDING_LIMIT) {
      if (out.destroyed || out.writableEnded) {
        throw new Error("export output closed before the table was written");
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

/** A4 with the given orientation, scaled to the page's width. */
export function a4(
  orientation: "portrait" | "landscape",
  printTitlesRow?: string,
): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: 9,
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: {
      left: 0.4,
      right: 0.4,
      top: 0.6,
      bottom: 0.6,
      header: 0.3,
      footer: 0.3,
    },
    ...(printTitlesRow ? { printTitlesRow } : {}),
  };
}

export const PAGE_FOOTER = { oddFooter: "&C第 &P 页，共 &N 页" };

/**
 * A calendar date as Excel stores it. exceljs turns a Date into a day
 * serial by its UTC time, so UTC midnight gives the date whatever the
 * server's time zone.
 */
export function excelDate(date: IsoDate): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** Integer fen as yuan, a number Excel shows with two decimals. */
export function yuan(fen: number): number {
  return fen / 100;
}

/**
 * Width of a text in Excel's column units (the width of a digit): Chinese
 * characters and full-width punctuation take two.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}

/** Hangul, CJK, compatibility and full-width forms: two digits wide. */
const WIDE = new RegExp(
  "[\\u1100-\\u115F\\u2E80-\\uA4CF\\uAC00-\\uD7A3\\uF900-\\uFAFF" +
    "\\uFE30-\\uFE4F\\uFF00-\\uFF60\\uFFE0-\\uFFE6]",
  "u",
);

/** Lines a text wraps to in a column of `width` units. */
export function linesIn(text: string, width: number): number {
  const usable = Math.max(1, width - 1);
  return text
    .split("\n")
    .reduce(
      (n, part) => n + Math.max(1, Math.ceil(textWidth(part) / usable)),
      0,
    );
}

/** Row height in points for a number of lines of text. */
export function heightFor(lines: number, min = 18): number {
  return Math.max(min, lines * LINE_PT + ROW_PAD_PT);
}

/** Sheet names: at most 31 characters, none of []:*?/\ */
export function sheetName(name: string): string {
  return [...name.replace(/[[\]:*?/\\]/g, "")].slice(0, 31).join("");
}
