/**
 * One row of attachment 1 (遂宁市新开工建设工程项目情况表): a newly
 * started project as an industry authority reports it, checked with the
 * same schema whether it comes from a form, a chat command or a sheet.
 *
 * Amounts are exact: the contract price, written in 万元 with up to six
 * decimals (one fen), is kept as integer fen; the payment progress,
 * a percentage with up to two decimals, as integer hundredths of a
 * percent (basis points). No float ever holds either.
 */
import { z } from "zod";
import { isValidDate, type IsoDate } from "../time.js";
import { optionalText, phone, requiredText } from "../validation.js";
import {
  compactKey,
  decimalText,
  foldWidth,
  parseLooseDate,
  scaledInteger,
} from "./normalize.js";

/** The notice's fourteen columns, in its order, with its headings. */
export const PROJECT_COLUMNS = [
  { key: "jurisdiction", heading: "管辖区域" },
  { key: "name", heading: "项目名称" },
  { key: "address", heading: "项目地址" },
  { key: "builder", heading: "建设单位名称" },
  { key: "startDate", heading: "开工时间" },
  { key: "duration", heading: "合同约定工期" },
  { key: "government", heading: "是否政府工程" },
  { key: "contractor", heading: "施工总包单位名称" },
  { key: "manager", heading: "项目负责人" },
  { key: "phone", heading: "联系电话" },
  { key: "contractPrice", heading: "合同总造价（万元）" },
  { key: "paymentMethod", heading: "工程款拨付方式" },
  { key: "paymentProgress", heading: "工程款拨付进度（%）" },
  { key: "remarks", heading: "备注" },
] as const;

export type ProjectField = (typeof PROJECT_COLUMNS)[number]["key"];

/** Each field by the heading it has on the sheet, for error messages. */
export const projectLabels: Record<ProjectField, string> = Object.fromEntries(
  PROJECT_COLUMNS.map((c) => [c.key, c.heading]),
) as Record<ProjectField, string>;

/** 1 万元 is 10 000 yuan, 1 000 000 fen: six decimals of 万元 are fen. */
export const FEN_PER_WAN = 1_000_000;
/** 1 万亿元: larger than any project a city reports. */
const MAX_PRICE_WAN = 100_000_000;
/** 100 % in hundredths of a percent. */
export const FULL_PROGRESS = 10_000;

const blank = (v: unknown) =>
  v === null || (typeof v === "string" && v.trim() === "") ? undefined : v;

/** A number typed or read from a cell, as text for exact reading. */
const numberText = (v: unknown) =>
  typeof v === "number" ? (decimalText(v) ?? String(v)) : blank(v);

const DECIMAL_MESSAGES = {
  price: {
    not_number: "不是数字，请填写以万元为单位的金额，如 1234.56",
    negative: "不能是负数",
    decimals: "最多 6 位小数（精确到分）",
    large: `不能大于 ${MAX_PRICE_WAN}`,
  },
  progress: {
    not_number: "不是数字，请填写 0 到 100 之间的百分数，如 30 或 12.5",
    negative: "不能小于 0",
    decimals: "最多 2 位小数",
    large: "不能大于 100",
  },
};

/**
 * A non-negative decimal with at most `decimals` places and at most
 * `max`, as an integer of 10^-decimals units.
 */
function exactDecimal(
  decimals: number,
  max: number,
  messages: (typeof DECIMAL_MESSAGES)["price"],
  strip: RegExp,
) {
  return z.preprocess(
    numberText,
    z.string({ error: "请填写" }).transform((text, ctx) => {
      const value = scaledInteger(text.replace(strip, ""), decimals);
      const problem =
        typeof value === "string"
          ? value
          : value > max * 10 ** decimals
            ? "large"
            : null;
      if (problem) {
        ctx.issues.push({
          code: "custom",
          message: messages[problem],
          input: text,
        });
        return z.NEVER;
      }
      return value as number;
    }),
  );
}

/** 合同总造价（万元）, "1,234.5" or 1234.5 → 12 345 000 000 fen. */
export const priceWanAsFen = exactDecimal(
  6,
  MAX_PRICE_WAN,
  DECIMAL_MESSAGES.price,
  /\s*万元?\s*$/u,
);

/** 工程款拨付进度（%）, "85.5%" or 85.5 → 8550. */
export const percentAsHundredths = exactDecimal(
  2,
  100,
  DECIMAL_MESSAGES.progress,
  /\s*[%％]\s*$/u,
);

const YES = new Set(["是", "Y", "YES", "TRUE", "√", "✓", "✔"]);
const NO = new Set(["否", "N", "NO", "FALSE", "×", "✗", "✘", "X"]);

/** 是/否 and the ways a sheet says them: Y/N, yes/no, √/×. */
export const yesNoLoose = z.preprocess(
  (v) => {
    if (typeof v !== "string") {
      return blank(v);
    }
    const word = foldWidth(v).toUpperCase();
    return YES.has(word) ? true : NO.has(word) ? false : blank(v);
  },
  z.boolean({ error: "请填写“是”或“否”" }),
);

/** A phone number with full-width digits or dashes folded. */
export const phoneLoose = z.preprocess(
  (v) =>
    typeof v === "number"
      ? String(v)
      : typeof v === "string"
        ? foldWidth(v)
        : v,
  phone,
);

/** A calendar date in any usual form, no later than `today`. */
export function pastDate(today: IsoDate) {
  return z.preprocess(
    (v) => (typeof v === "string" ? (parseLooseDate(v) ?? blank(v)) : blank(v)),
    z.string({ error: "请填写日期" }).superRefine((date, ctx) => {
      if (!isValidDate(date)) {
        ctx.addIssue({
          code: "custom",
          message: "不是有效日期，应为 年-月-日，如 2026-09-30",
        });
      } else if (date > today) {
        ctx.addIssue({
          code: "custom",
          message: `晚于今天（${today}），请填写实际开工的日期`,
        });
      }
    }),
  );
}

/** The schema of one row; the start date is checked against `today`. */
export function projectRowSchema(today: IsoDate) {
  return z
    .object({
      jurisdiction: requiredText(64),
      name: requiredText(200),
      address: requiredText(200),
      builder: requiredText(200),
      startDate: pastDate(today),
      duration: requiredText(100),
      government: yesNoLoose,
      contractor: requiredText(200),
      manager: requiredText(64),
      phone: phoneLoose,
      contractPrice: priceWanAsFen,
      paymentMethod: requiredText(200),
      paymentProgress: percentAsHundredths,
      remarks: optionalText(500),
    })
    .transform(({ contractPrice, paymentProgress, ...rest }): ProjectRow => ({
      ...rest,
      contractPriceFen: contractPrice,
      paymentProgressBp: paymentProgress,
    }));
}

/** A checked row: text trimmed, the date ISO, the amounts exact integers. */
export interface ProjectRow {
  jurisdiction: string;
  name: string;
  address: string;
  builder: string;
  startDate: IsoDate;
  /** As written: "365天", "2026-10-01至2027-09-30". */
  duration: string;
  government: boolean;
  contractor: string;
  manager: string;
  phone: string;
  /** 合同总造价 in fen: 万元 × 1 000 000. */
  contractPriceFen: number;
  paymentMethod: string;
  /** 工程款拨付进度 in hundredths of a percent: 0 … 10 000. */
  paymentProgressBp: number;
  remarks: string;
}

export type ProjectRowInput = z.input<ReturnType<typeof projectRowSchema>>;

/**
 * Who a project is, to find it reported twice: its name and its builder,
 * compared without spaces, width or punctuation, so 某某小区（一期）and
 * 某某小区(一期) are one project.
 */
export function projectIdentity(name: string, builder: string): string {
  return `${compactKey(name)}|${compactKey(builder)}`;
}
