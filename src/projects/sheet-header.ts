/**
 * Where attachment 1's columns are on an uploaded sheet, found by their
 * headings rather than their places: units insert, drop and reorder
 * columns, merge the headings over two or three rows, and write them
 * with stray spaces or half-width brackets.
 */
import type ExcelJS from "exceljs";
import { cellText } from "./cells.js";
import { PROJECT_COLUMNS, type ProjectField } from "./input.js";
import { compactKey } from "./normalize.js";

export type HeaderField = ProjectField | "index";

/** Other headings in use for the notice's columns. */
const OTHER_HEADINGS: Record<HeaderField, string[]> = {
  index: ["序号"],
  jurisdiction: ["所属区域"],
  name: [],
  address: [],
  builder: ["建设单位"],
  startDate: ["开工日期"],
  duration: ["合同工期", "约定工期"],
  government: ["是否政府投资工程", "政府工程"],
  contractor: ["施工总承包单位名称", "施工总包单位", "施工总承包单位"],
  manager: ["项目经理"],
  phone: ["联系方式"],
  contractPrice: ["合同总造价"],
  paymentMethod: [],
  // The "%" is punctuation: the heading's key is 工程款拨付进度 already.
  paymentProgress: [],
  remarks: [],
};

const BY_KEY = new Map<string, HeaderField>();
for (const { key, heading } of PROJECT_COLUMNS) {
  BY_KEY.set(compactKey(heading), key);
}
for (const [field, headings] of Object.entries(OTHER_HEADINGS)) {
  for (const heading of headings) {
    BY_KEY.set(compactKey(heading), field as HeaderField);
  }
}

/** Headings sit near the top; a sheet wider than this is not ours. */
const SCAN_ROWS = 30;
const SCAN_COLUMNS = 64;
/** Rows above the headings' last row that may hold a heading. */
const BAND_ROWS = 3;
/** Fewer matching headings than this and a row is not the header. */
const MIN_HEADINGS = 4;

export interface Header {
  /** The last heading row: data starts below it. */
  row: number;
  /** The first heading row: what is above is the title and 填报单位. */
  top: number;
  columns: Map<HeaderField, number>;
  /** Fields whose heading appears in two columns, with the second. */
  duplicates: { field: ProjectField; column: number }[];
}

export function fieldOf(text: string): HeaderField | undefined {
  return BY_KEY.get(compactKey(text));
}

/**
 * The header: the row naming the most columns, plus headings standing
 * alone in the rows just above it (序号, 管辖区域 and 备注 written once
 * over a merged block). Undefined when no row names enough columns.
 */
export function findHeader(sheet: ExcelJS.Worksheet): Header | undefined {
  const width = Math.min(sheet.columnCount, SCAN_COLUMNS);
  const rows = Math.min(sheet.rowCount, SCAN_ROWS);
  let best = { row: 0, count: 0 };
  for (let r = 1; r <= rows; r++) {
    const fields = new Set(headingsIn(sheet, r, width).values());
    fields.delete("index");
    if (fields.size > best.count) {
      best = { row: r, count: fields.size };
    }
  }
  if (best.count < MIN_HEADINGS) {
    return undefined;
  }

  const header: Header = {
    row: best.row,
    top: best.row,
    columns: new Map(),
    duplicates: [],
  };
  const masters = new Map<HeaderField, string>();
  for (let r = best.row; r >= Math.max(1, best.row - BAND_ROWS); r--) {
    for (const [column, field] of headingsIn(sheet, r, width)) {
      const master = sheet.getCell(r, column).master.address;
      header.top = r;
      if (!header.columns.has(field)) {
        header.columns.set(field, column);
        masters.set(field, master);
      } else if (r === best.row && masters.get(field) !== master) {
        // A heading merged over two columns is one column.
        if (field !== "index") {
          header.duplicates.push({ field, column });
        }
      }
    }
  }
  return header;
}

/** Column → field, for the cells of a row that are known headings. */
function headingsIn(
  sheet: ExcelJS.Worksheet,
  row: number,
  width: number,
): Map<number, HeaderField> {
  const found = new Map<number, HeaderField>();
  const cells = sheet.findRow(row);
  if (!cells) {
    return found;
  }
  for (let c = 1; c <= width; c++) {
    const field = fieldOf(cellText(cells.getCell(c)));
    if (field) {
      found.set(c, field);
    }
  }
  return found;
}
