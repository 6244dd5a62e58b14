/**
 * Input checking shared by the API, the form pages and chat commands: one
 * zod schema per input, and errors that name the field in Chinese.
 */
import { z } from "zod";
import { ValidationError } from "./errors.js";
import { isValidDate } from "./time.js";

z.config(z.locales.zhCN());

const blankToUndefined = (v: unknown) =>
  typeof v === "string" && v.trim() === "" ? undefined : v;

/**
 * Control characters, zero-width and direction marks: invisible in a
 * card, they can blank out a name or make it display as another.
 */
const INVISIBLE = new RegExp(
  "[\\p{Default_Ignorable_Code_Point}\\p{Co}\\u2800" +
    "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]",
  "gu",
);

/** Half of a character pair: not text, and MySQL's utf8mb4 refuses it. */
const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_G = new RegExp(LONE_SURROGATE.source, "g");

function cleanText(v: unknown): unknown {
  return typeof v === "string" ? v.replace(INVISIBLE, "").trim() : v;
}

/** A chat message without what a reader cannot see or read. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, "").replace(LONE_SURROGATE_G, "");
}

const text = (max: number) =>
  z
    .string({ error: "请填写文字" })
    .max(max, `不能超过 ${max} 个字`)
    .refine((s) => !LONE_SURROGATE.test(s), "含有无法识别的字符，请重新输入");

/** Text that must be filled in, trimmed. */
export const requiredText = (max: number) =>
  z.preprocess(cleanText, text(max).min(1, "请填写"));

export const optionalText = (max: number) =>
  z.preprocess((v) => cleanText(v ?? ""), text(max));

/** A whole number typed into a form ("12", "-3" or 12). */
export const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      if (typeof b === "string") {
        return /^\s*-?\d+\s*$/.test(b) ? Number(b) : NaN;
      }
      return b;
    },
    z
      .number({ error: "请填写整数" })
      .int("请填写整数")
      .min(min, `不能小于 ${min}`)
      .max(max, `不能大于 ${max}`),
  );

/** The id of something picked from a list (a unit, say). */
export const choice = (what: string) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(v);
      return typeof b === "string" && /^\d+$/.test(b.trim()) ? Number(b) : b;
    },
    z
      .number({ error: `请选择${what}` })
      .int(`请选择${what}`)
      .positive(`请选择${what}`)
      .max(Number.MAX_SAFE_INTEGER, `请选择${what}`),
  );

/** Yuan with at most two decimals, kept as integer fen. */
export const moneyFen = z.preprocess(
  (v) => {
    const b = blankToUndefined(v);
    return typeof b === "number" ? String(b) : b;
  },
  z
    .string({ error: "请填写金额" })
    .transform((s) => s.replace(/[,，\s]/g, ""))
    .refine(
      (s) => /^\d{1,11}(\.\d{1,2})?$/.test(s),
      "请填写金额（元），可带两位小数，如 12345.67",
    )
    .transform((s) => {
      const [yuan, cents = ""] = s.split(".");
      return Number(yuan) * 100 + Number(cents.padEnd(2, "0"));
    }),
);

export const isoDate = z.preprocess(
  blankToUndefined,
  z
    .string({ error: "请填写日期" })
    .refine(isValidDate, "不是有效日期，应为 年-月-日，如 2026-09-29"),
);

export const phone = z.preprocess(
  (v) => (typeof v === "string" ? v.replace(/[\s]/g, "") : v),
  z
    .string({ error: "请填写联系电话" })
    .regex(
      /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/,
      "不是有效的电话号码（手机 11 位，座机如 0825-2345678）",
    ),
);

export const yesNo = z.preprocess(
  (v) =>
    v === "是" || v === "true" || v === true
      ? true
      : v === "否" || v === "false" || v === false
        ? false
        : v,
  z.boolean({ error: "请选择是或否" }),
);

/** Idempotency token a form page puts in every submission. */
export const submissionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "提交编号无效，请刷新页面后重试")
  .optional();

/**
 * Parses input or throws a ValidationError whose issues name each field by
 * its Chinese label.
 */
export function parse<T extends z.ZodType>(
  schema: T,
  input: unknown,
  labels: Record<string, string>,
): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const seen = new Set<string>();
  const issues = [];
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "_";
    if (field === "_") {
      issues.push({
        field,
        message: "提交的内容格式不对，应为由各字段组成的表单",
      });
      break;
    }
    if (seen.has(field)) {
      continue;
    }
    seen.add(field);
    const label = labelOf(issue.path, labels);
    issues.push({ field, message: `${label}：${issue.message}` });
  }
  throw new ValidationError(issues);
}

/**
 * The label of a field; inside a list ("officers.0.dates") the label of
 * its own name ("dates"), since the message shows beside that row.
 */
function labelOf(
  path: readonly PropertyKey[],
  labels: Record<string, string>,
): string {
  const field = path.join(".");
  const name = [...path].reverse().find((p) => typeof p === "string");
  const known = (key: unknown): key is string =>
    typeof key === "string" && Object.hasOwn(labels, key);
  return known(field) ? labels[field] : known(name) ? labels[name] : field;
}

/** "123456" fen → "1,234.56" */
export function formatYuan(fen: number): string {
  const yuan = Math.floor(fen / 100).toLocaleString("en-US");
  return `${yuan}.${String(fen % 100).padStart(2, "0")}`;
}

/**
 * What a user typed, without its closing punctuation, for quoting it
 * inside a sentence of ours ("理由：材料不全。请…", never "。。").
 */
export function clause(text: string): string {
  return text.replace(/[。．.!！;；,，、\s]+$/u, "");
}
