/**
 * What the lines around attachment 1 say: 填报单位 above the table;
 * 单位负责人, 填报人员, 联系电话 and 填表时间 below it. Units write the
 * value after the label's colon or in the next cell, or leave a blank
 * line of underscores.
 */
import type ExcelJS from "exceljs";
import type { IsoDate } from "../time.js";
import { cellText } from "./cells.js";
import { parseLooseDate } from "./normalize.js";

/** What the lines around the table say, when filled in. */
export interface SheetMeta {
  sheetName: string;
  unitName?: string;
  leader?: string;
  filledBy?: string;
  phone?: string;
  filledOn?: IsoDate;
}

/** The labels of the lines around the table, and the field each fills. */
const LABELS: Record<string, keyof Omit<SheetMeta, "sheetName">> = {
  填报单位: "unitName",
  单位负责人: "leader",
  填报人员: "filledBy",
  填报人: "filledBy",
  联系电话: "phone",
  填表时间: "filledOn",
  填报时间: "filledOn",
};
const LABEL_RE = new RegExp(
  `(${Object.keys(LABELS)
    .sort((a, b) => b.length - a.length)
    .join("|")})\\s*[:：]?`,
  "g",
);

/**
 * "填报单位：某某局", with the value in the label's cell or the next
 * ones, on the rows from `from` to `to`.
 */
export function labelsIn(
  sheet: ExcelJS.Worksheet,
  from: number,
  to: number,
): Partial<SheetMeta> {
  const meta: Partial<SheetMeta> = {};
  for (let r = Math.max(1, from); r <= Math.min(to, sheet.rowCount); r++) {
    const row = sheet.findRow(r);
    if (!row) {
      continue;
    }
    const text = rowText(row);
    if (/^备注\s*[:：]/.test(text)) {
      // The notice's 备注 line names HRSS's contact, not the unit's.
      continue;
    }
    const matches = [...text.matchAll(LABEL_RE)];
    matches.forEach((match, i) => {
      const end = matches[i + 1]?.index ?? text.length;
      const value = valueAfter(text.slice(match.index + match[0].length, end));
      const field = LABELS[match[1]];
      if (field === "filledOn") {
        meta.filledOn = parseLooseDate(value) ?? meta.filledOn;
      } else if (value) {
        meta[field] = value;
      }
    });
  }
  return meta;
}

/** The cells of a row, each merged block once, tab-separated. */
function rowText(row: ExcelJS.Row): string {
  const texts: string[] = [];
  row.eachCell((cell) => {
    if (cell.master === cell || cell.master.address === cell.address) {
      texts.push(cellText(cell));
    }
  });
  return texts.join("\t");
}

/** What follows a label, up to the next labelled part; blanks are none. */
function valueAfter(text: string): string {
  const parts = [];
  for (const part of text.split(/\t|\s{2,}/)) {
    if (/[:：]/.test(part)) {
      break;
    }
    const kept = part.replace(/[_＿]+/g, "").trim();
    if (kept) {
      parts.push(kept);
    }
  }
  return parts.join(" ");
}
