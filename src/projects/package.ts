/**
 * Checks on an uploaded file before exceljs opens it: an .xlsx is a zip
 * package, and a small zip can unpack to gigabytes. Reading its central
 * directory tells what the file is and how large it claims to unpack,
 * without unpacking anything.
 */
import { AppError } from "../errors.js";

/** A unit's attachment 1 of 2000 rows is well under a megabyte. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** What exceljs parses: the XML parts, pictures aside. */
const MAX_UNPACKED_XML = 50 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
/** Pictures and embedded files, which exceljs keeps without parsing. */
const MEDIA = /^xl\/(media|embeddings)\//;
const MAX_ENTRIES = 2000;

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
/** The part every workbook has, whatever wrote it. */
const WORKBOOK_PART = "xl/workbook.xml";
/** The signature of the compound files of .xls and of encrypted .xlsx. */
const COMPOUND_FILE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const SAVE_AS =
  "请用 Excel 或 WPS 打开，“另存为”Excel 工作簿（*.xlsx）后再上传。";

export const SHEET_PROBLEMS = {
  sheet_too_large:
    `文件太大（上限 ${MAX_FILE_BYTES / 1024 / 1024} MB，附件 1 一般不到 1 MB）。` +
    "请删除其他工作表和图片，只保留附件 1 的表格后再上传。",
  sheet_not_xlsx: `这不是 Excel 表格文件（.xlsx）。${SAVE_AS}`,
  sheet_old_format:
    "这是旧版 Excel 文件（.xls）或设置了打开密码的文件。" +
    `${SAVE_AS}（如有密码请先取消。）`,
  sheet_corrupt: `表格文件已损坏，无法打开。${SAVE_AS}`,
  sheet_empty: "表格是空的，请按附件 1 的格式填写后再上传。",
  sheet_no_header:
    "表格中找不到附件 1 的表头（项目名称、建设单位名称、开工时间等列），" +
    "请按附件 1 的格式填写。",
  sheet_too_many_rows: "表格中的项目超过 {max} 行，请分成几个文件上传。",
  sheet_many_tables:
    "文件中有 {count} 个工作表都是附件 1（{names}）。每次只上传本单位的一张表，" +
    "请删除其他工作表后再上传。",
} as const;

export type SheetProblem = keyof typeof SHEET_PROBLEMS;

export function sheetError(
  code: SheetProblem,
  detail: Record<string, string | number> = {},
): AppError {
  const message = SHEET_PROBLEMS[code].replace(/\{(\w+)\}/g, (_, name) =>
    String(detail[name] ?? ""),
  );
  return new AppError(code, message, code === "sheet_too_large" ? 413 : 400);
}

/** Throws the reason an upload cannot be an .xlsx worth opening. */
export function checkPackage(bytes: Uint8Array): void {
  if (bytes.length > MAX_FILE_BYTES) {
    throw sheetError("sheet_too_large");
  }
  if (COMPOUND_FILE.every((b, i) => bytes[i] === b)) {
    throw sheetError("sheet_old_format");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 22 || view.getUint32(0, true) !== ZIP_LOCAL) {
    throw sheetError("sheet_not_xlsx");
  }
  const { names, unpacked, xml } = directory(view);
  if (!names.has(WORKBOOK_PART)) {
    // A zip, but a Word file or an archive rather than a workbook.
    throw sheetError("sheet_not_xlsx");
  }
  if (xml > MAX_UNPACKED_XML || unpacked > MAX_UNPACKED_BYTES) {
    throw sheetError("sheet_too_large");
  }
}

interface Directory {
  names: Set<string>;
  /** Bytes the entries say they unpack to: all of them, the XML parts. */
  unpacked: number;
  xml: number;
}

/** The names in the central directory, and what they say they unpack to. */
function directory(view: DataView): Directory {
  const end = findEnd(view);
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (entries > MAX_ENTRIES) {
    throw sheetError("sheet_corrupt");
  }
  const found: Directory = { names: new Set(), unpacked: 0, xml: 0 };
  for (let i = 0; i < entries; i++) {
    if (at + 46 > view.byteLength || view.getUint32(at, true) !== ZIP_CENTRAL) {
      throw sheetError("sheet_corrupt");
    }
    // 0xFFFFFFFF means the size is in a zip64 field: far too large anyway.
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    if (at + 46 + nameLength > view.byteLength) {
      throw sheetError("sheet_corrupt");
    }
    const name = new Uint8Array(
      view.buffer,
      view.byteOffset + at + 46,
      nameLength,
    );
    const path = new TextDecoder().decode(name);
    found.names.add(path);
    found.unpacked += size;
    found.xml += MEDIA.test(path) ? 0 : size;
    at +=
      46 +
      nameLength +
      view.getUint16(at + 30, true) +
      view.getUint16(at + 32, true);
  }
  return found;
}

/** The end-of-central-directory record sits in the last 64 KB + 22 bytes. */
function findEnd(view: DataView): number {
  const stop = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= stop; at--) {
    if (view.getUint32(at, true) === ZIP_END) {
      return at;
    }
  }
  throw sheetError("sheet_corrupt");
}
