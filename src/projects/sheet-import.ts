/**
 * Reads attachment 1 as units fill it in Excel or WPS: the title and the
 * 填报单位 line, headings over two or three merged rows, the 栏 row of
 * column numbers, projects one per row (blank rows anywhere), then the
 * 备注 line and the lines the unit signs. Every row is checked with the
 * row schema; the caller decides whether one bad row stops them all.
 */
import ExcelJS from "exceljs";
import { AppError } from "../errors.js";
import type { IsoDate } from "../time.js";
import { CellErrorValue, cellText, fieldInput, isBlank } from "./cells.js";
import {
  PROJECT_COLUMNS,
  projectIdentity,
  projectLabels,
  projectRowSchema,
  type ProjectField,
  type ProjectRow,
} from "./input.js";
import { compactKey } from "./normalize.js";
import { checkPackage, sheetError } from "./package.js";
import { findHeader, type Header } from "./sheet-header.js";
import { labelsIn, type SheetMeta } from "./sheet-meta.js";

export type { SheetMeta } from "./sheet-meta.js";

export const MAX_PROJECT_ROWS = 2000;
/** The 备注 line and the signing lines take a few rows at most. */
const FOOTER_ROWS = 10;
const MAX_COLUMNS = 64;

export interface SheetRow {
  /** The row as Excel numbers it. */
  rowNumber: number;
  values: ProjectRow;
}

/** A problem; `message` is whole, e.g. 第 9 行“联系电话”：…… */
export interface SheetIssue {
  /** Null: the sheet as a whole (a missing column, no rows). */
  rowNumber: number | null;
  /** The column's heading as the notice writes it; null: the whole row. */
  column: string | null;
  message: string;
}

export interface SheetPreview {
  /** Every row passed and there is at least one. */
  ok: boolean;
  rows: SheetRow[];
  errors: SheetIssue[];
  meta: SheetMeta;
}

/**
 * Checks an uploaded attachment 1. A file that is not a readable .xlsx,
 * or has no attachment-1 header, is an AppError; problems in rows and
 * columns are listed in the preview.
 */
export async function readProjectSheet(
  file: Buffer | ArrayBuffer,
  opts: { today: IsoDate },
): Promise<SheetPreview> {
  const bytes =
    file instanceof ArrayBuffer
      ? new Uint8Array(file)
      : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  checkPackage(bytes);
  const book = await open(bytes);
  const { sheet, header } = pickSheet(book);
  const meta: SheetMeta = {
    sheetName: sheet.name,
    ...labelsIn(sheet, 1, header.top - 1),
  };

  const columns = columnIssues(header);
  if (columns.length > 0) {
    return { ok: false, rows: [], errors: columns, meta };
  }
  const { rows, errors, footer } = readBody(sheet, header, {
    today: opts.today,
    date1904: Boolean(book.properties?.date1904),
  });
  Object.assign(meta, labelsIn(sheet, footer, footer + FOOTER_ROWS));
  if (rows.length === 0 && errors.length === 0) {
    errors.push({
      rowNumber: null,
      column: null,
      message: "表格中没有填写项目：表头下至少要有一行。",
    });
  }
  return { ok: errors.length === 0, rows, errors, meta };
}

async function open(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    await book.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch (error) {
    throw error instanceof AppError ? error : sheetError("sheet_corrupt");
  }
  return book;
}

/**
 * The worksheet with attachment 1's headings. Several such sheets (an
 * export of every unit uploaded again) are refused rather than read in
 * part: one unit uploads its own table.
 */
function pickSheet(book: ExcelJS.Workbook) {
  let empty = true;
  const found = [];
  for (const sheet of book.worksheets) {
    if (sheet.actualRowCount === 0) {
      continue;
    }
    empty = false;
    const header = findHeader(sheet);
    // Headings, the 栏 row and the lines after the table come on top.
    if (header && sheet.actualRowCount > MAX_PROJECT_ROWS + header.row + 20) {
      throw sheetError("sheet_too_many_rows", { max: MAX_PROJECT_ROWS });
    }
    if (header) {
      found.push({ sheet, header });
    }
  }
  if (found.length > 1) {
    throw sheetError("sheet_many_tables", {
      count: found.length,
      names: found.map((f) => f.sheet.name).join("、"),
    });
  }
  if (found.length === 1) {
    return found[0];
  }
  throw sheetError(empty ? "sheet_empty" : "sheet_no_header");
}

function columnIssues(header: Header): SheetIssue[] {
  const issues: SheetIssue[] = header.duplicates.map(({ field }) => ({
    rowNumber: header.row,
    column: projectLabels[field],
    message: `表格中“${projectLabels[field]}”列出现了不止一次，请只保留一列。`,
  }));
  for (const { key, heading } of PROJECT_COLUMNS) {
    if (key !== "remarks" && !header.columns.has(key)) {
      issues.push({
        rowNumber: null,
        column: heading,
        message: `表格缺少“${heading}”列。`,
      });
    }
  }
  return issues;
}

interface Body {
  rows: SheetRow[];
  errors: SheetIssue[];
  /** The first row after the projects: the 备注 line, or past the end. */
  footer: number;
}

function readBody(
  sheet: ExcelJS.Worksheet,
  header: Header,
  opts: { today: IsoDate; date1904: boolean },
): Body {
  const schema = projectRowSchema(opts.today);
  const body: Body = { rows: [], errors: [], footer: sheet.rowCount + 1 };
  const seen = new Map<string, number>();
  const width = Math.min(sheet.columnCount, MAX_COLUMNS);
  let count = 0;

  for (let r = header.row + 1; r <= sheet.rowCount; r++) {
    const row = sheet.findRow(r);
    if (!row || !row.hasValues) {
      continue;
    }
    const lead = firstFilled(row, width);
    if (lead && isFooter(lead, header)) {
      body.footer = r;
      break;
    }
    if (count === 0 && isColumnNumbers(row, width)) {
      continue;
    }
    if (!hasProject(row, header)) {
      // A blank row, or one numbered in advance and left empty.
      continue;
    }
    if (++count > MAX_PROJECT_ROWS) {
      throw sheetError("sheet_too_many_rows", { max: MAX_PROJECT_ROWS });
    }

    const checked = checkRow(row, header, schema, opts.date1904);
    if ("errors" in checked) {
      body.errors.push(...checked.errors);
      continue;
    }
    const identity = projectIdentity(checked.name, checked.builder);
    const first = seen.get(identity);
    if (first !== undefined) {
      body.errors.push(duplicateIssue(r, first));
      continue;
    }
    seen.set(identity, r);
    body.rows.push({ rowNumber: r, values: checked });
  }
  return body;
}

function checkRow(
  row: ExcelJS.Row,
  header: Header,
  schema: ReturnType<typeof projectRowSchema>,
  date1904: boolean,
): ProjectRow | { errors: SheetIssue[] } {
  const input: Record<string, unknown> = {};
  const bad = new Map<ProjectField, string>();
  for (const { key } of PROJECT_COLUMNS) {
    const column = header.columns.get(key);
    const value =
      column === undefined
        ? ""
        : fieldInput(key, row.getCell(column), date1904);
    if (value instanceof CellErrorValue) {
      bad.set(key, `单元格显示错误值 ${value.text}，请填写内容`);
    } else {
      input[key] = value;
    }
  }
  const result = schema.safeParse(input);
  for (const issue of result.error?.issues ?? []) {
    const field = issue.path[0] as ProjectField;
    if (!bad.has(field)) {
      bad.set(field, issue.message);
    }
  }
  if (bad.size === 0 && result.success) {
    return result.data;
  }
  // In the sheet's order, whatever order the checks ran in.
  const errors = PROJECT_COLUMNS.filter(({ key }) => bad.has(key)).map(
    ({ key, heading }) => ({
      rowNumber: row.number,
      column: heading,
      message: `第 ${row.number} 行“${heading}”：${bad.get(key)}`,
    }),
  );
  return { errors };
}

function duplicateIssue(row: number, first: number): SheetIssue {
  const heading = projectLabels.name;
  return {
    rowNumber: row,
    column: heading,
    message:
      `第 ${row} 行“${heading}”：与第 ${first} 行是同一项目` +
      "（项目名称和建设单位名称相同），同一项目只填一行。",
  };
}

interface Filled {
  column: number;
  text: string;
}

function firstFilled(row: ExcelJS.Row, width: number): Filled | undefined {
  for (let c = 1; c <= width; c++) {
    const text = cellText(row.getCell(c));
    if (text) {
      return { column: c, text };
    }
  }
  return undefined;
}

const FOOTER_LINE =
  /^(备注|单位负责人|负责人|填报人员|填报人|联系电话|填表时间|填报时间|审核人|制表人)\s*[:：]/;

/**
 * The 备注 line or a signing line: it starts with its label and a colon,
 * left of the 备注 column (where a project's remark could say 备注：).
 */
function isFooter(lead: Filled, header: Header): boolean {
  const remarks = header.columns.get("remarks") ?? Infinity;
  return lead.column < remarks && FOOTER_LINE.test(lead.text);
}

/** The 栏 row: "栏" then 1, 2, 3…, or the numbers alone. */
function isColumnNumbers(row: ExcelJS.Row, width: number): boolean {
  const texts: string[] = [];
  for (let c = 1; c <= width; c++) {
    const text = compactKey(cellText(row.getCell(c)));
    if (text) {
      texts.push(text);
    }
  }
  if (texts[0] === "栏") {
    return true;
  }
  return (
    texts.length >= 5 &&
    texts.every((t, i) => /^\d+$/.test(t) && Number(t) === Number(texts[0]) + i)
  );
}

function hasProject(row: ExcelJS.Row, header: Header): boolean {
  return PROJECT_COLUMNS.some(({ key }) => {
    const column = header.columns.get(key);
    return column !== undefined && !isBlank(row.getCell(column));
  });
}
