/**
 * What a cell of an uploaded sheet holds, in the shape the row schema
 * takes: formulas by their result, rich text as plain text, dates as
 * "YYYY-MM-DD", numbers as numbers where a number is meant.
 */
import ExcelJS from "exceljs";
import type { ProjectField } from "./input.js";
import { dateOfCell, dateOfSerial, decimalText } from "./normalize.js";

export type Plain = string | number | boolean | Date | null;

/** A cell showing #N/A, #REF! and the like. */
export class CellErrorValue {
  constructor(readonly text: string) {}
}

/** The value a cell shows, without formula, link or formatting. */
export function plainValue(cell: ExcelJS.Cell): Plain | CellErrorValue {
  return plain(cell.value);
}

function plain(value: ExcelJS.CellValue | undefined): Plain | CellErrorValue {
  if (value === null || value === undefined) {
    return null;
  }
  if (
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    value instanceof Date
  ) {
    return value;
  }
  if ("error" in value) {
    return new CellErrorValue(String(value.error));
  }
  if ("richText" in value) {
    return value.richText.map((part) => part.text).join("");
  }
  if ("hyperlink" in value) {
    return plain(value.text as ExcelJS.CellValue);
  }
  if ("result" in value) {
    return plain(value.result as ExcelJS.CellValue);
  }
  return null;
}

/** A cell as the text a reader sees; a date is "YYYY-MM-DD". */
export function cellText(cell: ExcelJS.Cell): string {
  const value = plainValue(cell);
  if (value instanceof CellErrorValue) {
    return value.text;
  }
  if (value instanceof Date) {
    // A label kept in the number format, as in "填表时间："yyyy"年"…
    const label = /^"([^"]*)"/.exec(cell.numFmt ?? "")?.[1] ?? "";
    return label + (dateOfCell(value) ?? "");
  }
  if (typeof value === "number") {
    return decimalText(value) ?? String(value);
  }
  return value === null ? "" : String(value).trim();
}

export function isBlank(cell: ExcelJS.Cell): boolean {
  const value = plainValue(cell);
  return value === null || (typeof value === "string" && !value.trim());
}

/** A serial typed as text, as a pasted date column sometimes is. */
const SERIAL_TEXT = /^\d{5}(\.\d+)?$/;

/**
 * The schema's input for one field from its cell. Dates become ISO text
 * (a number in the date column is a day serial); a progress cell
 * formatted as a percentage holds 0.85 for 85 %.
 */
export function fieldInput(
  field: ProjectField,
  cell: ExcelJS.Cell,
  date1904: boolean,
): unknown {
  const value = plainValue(cell);
  if (value instanceof CellErrorValue || value === null) {
    return value === null ? "" : value;
  }
  if (value instanceof Date) {
    return dateOfCell(value) ?? "";
  }
  if (field === "startDate") {
    const serial =
      typeof value === "number"
        ? value
        : typeof value === "string" && SERIAL_TEXT.test(value.trim())
          ? Number(value)
          : null;
    return serial === null
      ? value
      : (dateOfSerial(serial, date1904) ?? String(value));
  }
  if (typeof value === "number") {
    if (field === "contractPrice") {
      return value;
    }
    if (field === "paymentProgress") {
      return (cell.numFmt ?? "").includes("%") ? value * 100 : value;
    }
    return decimalText(value) ?? String(value);
  }
  if (typeof value === "boolean" && field !== "government") {
    return value ? "是" : "否";
  }
  return value;
}
