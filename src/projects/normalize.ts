/**
 * Text as units type it into project sheets, made comparable: full-width
 * digits and punctuation folded to their ASCII forms, dates written the
 * half-dozen ways Chinese offices write them, and decimals read exactly,
 * as scaled integers, never through a float.
 */
import { isValidDate, type IsoDate } from "../time.js";

/** Dashes people type between the parts of a phone number or a date. */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/** NFKC (full-width ０-９ → 0-9, （ → (, ． → .), dashes as "-", trimmed. */
export function foldWidth(text: string): string {
  return text.normalize("NFKC").replace(DASHES, "-").trim();
}

/** Letters and digits only, lower case: how two spellings of one name meet. */
export function compactKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");
}

const DATE_FORMS = [
  // 2026-09-30, 2026.9.30, 2026/9/30, 2026年9月30日, with a time or not.
  /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/,
  // 20260930
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A calendar date in any of the forms above, or null. */
export function parseLooseDate(text: string): IsoDate | null {
  const folded = foldWidth(text);
  for (const form of DATE_FORMS) {
    const m = form.exec(folded);
    if (m) {
      const date = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
      return isValidDate(date) ? date : null;
    }
  }
  return null;
}

/** Day 0 of Excel's 1900 date system, with its phantom 1900-02-29 absorbed. */
const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30);
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The date Excel shows for a day serial: the whole part counts days, the
 * fraction is the time of day, and no time zone is involved. Serials
 * before 1900-03-01 (the phantom leap day) are not dates anyone reports.
 */
export function dateOfSerial(serial: number, date1904 = false): IsoDate | null {
  if (!Number.isFinite(serial) || serial < (date1904 ? 0 : 61)) {
    return null;
  }
  const epoch = date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900;
  const day = new Date(epoch + Math.floor(serial) * DAY_MS);
  return day.getUTCFullYear() > 9999 ? null : day.toISOString().slice(0, 10);
}

/**
 * The date a cell holding a Date shows. exceljs builds the Date from the
 * day serial as if it were UTC, so the UTC calendar day is Excel's day,
 * whatever the server's time zone.
 */
export function dateOfCell(value: Date): IsoDate | null {
  return Number.isNaN(value.getTime())
    ? null
    : value.toISOString().slice(0, 10);
}

/**
 * A number as the decimal Excel shows for it: at most 15 significant
 * digits, so 0.1 + 0.2 reads as "0.3". Null for numbers too small or
 * too large to be written without an exponent.
 */
export function decimalText(value: number): string | null {
  if (!Number.isFinite(value)) {
    return null;
  }
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-6 || size >= 1e15)) {
    return null;
  }
  const text = value.toPrecision(15);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

export type DecimalProblem = "not_number" | "negative" | "decimals" | "large";

/**
 * "1,234.5678" → 12345678 with `decimals` = 4: the exact value times
 * 10^decimals, or what is wrong with the text.
 */
export function scaledInteger(
  text: string,
  decimals: number,
): number | DecimalProblem {
  const folded = foldWidth(text).replace(/[,，\s]/g, "");
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(folded);
  if (!m || (m[2] === "" && !m[3])) {
    return "not_number";
  }
  const [, sign, whole, fraction = ""] = m;
  const digits = fraction.replace(/0+$/, "");
  if (digits.length > decimals) {
    return "decimals";
  }
  const value =
    Number(whole || "0") * 10 ** decimals +
    Number(digits.padEnd(decimals, "0") || "0");
  if (!Number.isSafeInteger(value)) {
    return "large";
  }
  return sign === "-" && value !== 0 ? "negative" : value;
}
