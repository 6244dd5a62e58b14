/**
 * Attachment 2, the receipt a unit returns for a referred case, as a
 * printable sheet: the notice's wording with its blanks filled in (and
 * underlined, as the blanks are), the signing unit and date, and who
 * handed the file over and who signed, each with the date.
 */
import type ExcelJS from "exceljs";
import type { ReceiptRow, ReferralRow } from "../referrals/view.js";
import type { Unit } from "../units/directory.js";
import {
  a4,
  ALIGN,
  excelDate,
  FONTS,
  FORMATS,
  heightFor,
  linesIn,
  sheetName,
  UNDERLINE,
} from "./layout.js";

export interface ReceiptData {
  referral: ReferralRow;
  receipt: ReceiptRow;
  /** The unit that signed. */
  signingUnit: Unit;
  /** The unit that handed the file over: the referrer, or who passed it down. */
  addressee: Unit;
}

export const RECEIPT_TITLES = {
  source: "源头性欠薪案件移送书签收回执",
  crime: "涉嫌拒不支付劳动报酬罪犯罪案件移送书签收回执",
};

const COLUMNS = 8;
const COLUMN_WIDTH = 11;
const LINE_WIDTH = COLUMNS * COLUMN_WIDTH;

/** Where each part of the form sits: row numbers on the sheet. */
export const RECEIPT_ROWS = {
  title: 2,
  addressee: 4,
  body: 5,
  signingUnit: 7,
  signedDate: 8,
  names: 10,
  dates: 11,
};

export function writeReceiptSheet(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  data: ReceiptData,
): void {
  const { referral, receipt } = data;
  const sheet = book.addWorksheet(
    sheetName(`回执 ${data.signingUnit.shortName}`),
    { pageSetup: a4("portrait") },
  );
  sheet.columns = Array.from({ length: COLUMNS }, () => ({
    width: COLUMN_WIDTH,
  }));
  const line = (row: number, from: number, to: number) =>
    sheet.mergeCells(row, from, row, to);

  cell(sheet, 1, 1, "附件2", FONTS.attachment);
  line(1, 1, 2);
  const title = cell(sheet, RECEIPT_ROWS.title, 1, receiptTitle(referral));
  title.font = FONTS.title;
  title.alignment = ALIGN.center;
  sheet.getRow(RECEIPT_ROWS.title).height = 40;
  line(RECEIPT_ROWS.title, 1, COLUMNS);

  cell(sheet, RECEIPT_ROWS.addressee, 1, `${data.addressee.name}：`);
  line(RECEIPT_ROWS.addressee, 1, COLUMNS);
  const body = receiptBody(referral, receipt);
  const bodyCell = cell(sheet, RECEIPT_ROWS.body, 1, { richText: body });
  bodyCell.alignment = { ...ALIGN.left, vertical: "top" };
  const text = body.map((part) => part.text).join("");
  sheet.getRow(RECEIPT_ROWS.body).height = heightFor(
    linesIn(text, LINE_WIDTH) + 1,
  );
  line(RECEIPT_ROWS.body, 1, COLUMNS);

  // The signing unit and its date, on the right as a letter ends.
  const unit = cell(sheet, RECEIPT_ROWS.signingUnit, 5, data.signingUnit.name);
  unit.alignment = ALIGN.center;
  line(RECEIPT_ROWS.signingUnit, 5, COLUMNS);
  dateCell(sheet, RECEIPT_ROWS.signedDate, 5, receipt.signedDate);
  line(RECEIPT_ROWS.signedDate, 5, COLUMNS);

  // 移送人 and 签收人 side by side, each with the date below.
  cell(sheet, RECEIPT_ROWS.names, 1, "移送人：").alignment = ALIGN.right;
  line(RECEIPT_ROWS.names, 1, 2);
  cell(sheet, RECEIPT_ROWS.names, 3, receipt.handedOverBy).border = UNDERLINE;
  line(RECEIPT_ROWS.names, 3, 4);
  cell(sheet, RECEIPT_ROWS.names, 5, "签收人：").alignment = ALIGN.right;
  line(RECEIPT_ROWS.names, 5, 6);
  cell(sheet, RECEIPT_ROWS.names, 7, receipt.signerName).border = UNDERLINE;
  line(RECEIPT_ROWS.names, 7, 8);
  dateCell(sheet, RECEIPT_ROWS.dates, 1, receipt.handoverDate);
  line(RECEIPT_ROWS.dates, 1, 4);
  dateCell(sheet, RECEIPT_ROWS.dates, 5, receipt.signedDate);
  line(RECEIPT_ROWS.dates, 5, COLUMNS);
  for (const row of [RECEIPT_ROWS.names, RECEIPT_ROWS.dates]) {
    sheet.getRow(row).height = 24;
  }
  sheet.commit();
}

export function receiptTitle(referral: ReferralRow): string {
  return referral.kind === "crime"
    ? RECEIPT_TITLES.crime
    : RECEIPT_TITLES.source;
}

/**
 * 你单位____年__月__日移送____（案由）____一案的____案卷____册____页及
 * 移送涉案物品收悉。 The blanks, in order: the handover date, the cause,
 * the company complained about, the referral's number, volumes, pages;
 * the exhibits follow 涉案物品 in brackets.
 */
export function receiptBody(
  referral: ReferralRow,
  receipt: ReceiptRow,
): ExcelJS.RichText[] {
  const [y, m, d] = receipt.handoverDate.split("-").map(Number);
  const exhibits = receipt.exhibits.trim() || "无";
  const parts: [string, boolean][] = [
    ["　　你单位", false],
    [String(y), true],
    ["年", false],
    [String(m), true],
    ["月", false],
    [String(d), true],
    ["日移送", false],
    [referral.cause, true],
    ["（案由）", false],
    [referral.companyName, true],
    ["一案的", false],
    [referral.number, true],
    ["案卷", false],
    [String(receipt.volumes), true],
    ["册", false],
    [String(receipt.pages), true],
    ["页及移送涉案物品（", false],
    [exhibits, true],
    ["）收悉。", false],
  ];
  return parts.map(([text, filled]) => ({
    text,
    font: { ...FONTS.line, ...(filled ? { underline: true } : {}) },
  }));
}

function cell(
  sheet: ExcelJS.Worksheet,
  row: number,
  col: number,
  value: ExcelJS.CellValue,
  font: Partial<ExcelJS.Font> = FONTS.line,
): ExcelJS.Cell {
  const c = sheet.getRow(row).getCell(col);
  c.value = value;
  c.font = font;
  c.alignment = ALIGN.left;
  return c;
}

/** A real date shown as 2026年10月9日. */
function dateCell(
  sheet: ExcelJS.Worksheet,
  row: number,
  col: number,
  date: string,
) {
  const c = cell(sheet, row, col, excelDate(date));
  c.numFmt = FORMATS.dateCn;
  c.alignment = ALIGN.center;
  return c;
}
