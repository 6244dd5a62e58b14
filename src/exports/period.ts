/**
 * The period a table covers: a month, a quarter or a year, as users type
 * it ("2026-10", "2026-Q4", "2026", or "2026年10月", "2026年第四季度",
 * "2026年"). Referrals belong to the period of their referral date.
 */
import { AppError } from "../errors.js";
import { addDays, type IsoDate } from "../time.js";
import { normalizeTyped } from "./tables.js";

export interface Period {
  kind: "month" | "quarter" | "year";
  /** Canonical form: "2026-10", "2026-Q4", "2026". */
  text: string;
  /** As a table shows it: "2026年10月", "2026年第四季度", "2026年". */
  label: string;
  /** First and last day, inclusive. */
  from: IsoDate;
  to: IsoDate;
}

const QUARTER_CN = ["一", "二", "三", "四"];
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;

export const PERIOD_EXAMPLES = "2026-10（月）、2026-Q4（季度）或 2026（年）";

export function parsePeriod(typed: string): Period {
  const text = normalizeTyped(typed).toUpperCase();
  const found = readPeriod(text);
  if (!found || found.year < FIRST_YEAR || found.year > LAST_YEAR) {
    throw badPeriod(typed);
  }
  const { year } = found;
  if (found.month !== undefined) {
    return month(year, found.month);
  }
  if (found.quarter !== undefined) {
    const q = found.quarter;
    const first = `${year}-${pad((q - 1) * 3 + 1)}-01`;
    return {
      kind: "quarter",
      text: `${year}-Q${q}`,
      label: `${year}年第${QUARTER_CN[q - 1]}季度`,
      from: first,
      to: lastDayOfMonth(year, q * 3),
    };
  }
  return {
    kind: "year",
    text: String(year),
    label: `${year}年`,
    from: `${year}-01-01`,
    to: `${year}-12-31`,
  };
}

function readPeriod(
  text: string,
): { year: number; month?: number; quarter?: number } | undefined {
  let m = /^(\d{4})(?:年度?)?$/.exec(text);
  if (m) {
    return { year: Number(m[1]) };
  }
  m = /^(\d{4})-(\d{1,2})$/.exec(text) ?? /^(\d{4})年(\d{1,2})月$/.exec(text);
  if (m) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12
      ? { year: Number(m[1]), month }
      : undefined;
  }
  m = /^(\d{4})(?:-?Q([1-4])|年第?([1-4一二三四])季度?)$/.exec(text);
  if (m) {
    const q = m[2] ?? m[3];
    const quarter = /\d/.test(q) ? Number(q) : QUARTER_CN.indexOf(q) + 1;
    return { year: Number(m[1]), quarter };
  }
  return undefined;
}

function month(year: number, m: number): Period {
  return {
    kind: "month",
    text: `${year}-${pad(m)}`,
    label: `${year}年${m}月`,
    from: `${year}-${pad(m)}-01`,
    to: lastDayOfMonth(year, m),
  };
}

function lastDayOfMonth(year: number, m: number): IsoDate {
  const next = m === 12 ? `${year + 1}-01-01` : `${year}-${pad(m + 1)}-01`;
  return addDays(next, -1);
}

const pad = (n: number) => String(n).padStart(2, "0");

export function badPeriod(typed: string): AppError {
  const shown = [...typed.trim()].slice(0, 20).join("");
  return new AppError(
    "invalid_period",
    `统计期间：“${shown}”不是有效的期间，应写成 ${PERIOD_EXAMPLES}。`,
    422,
    "period",
  );
}

export function periodRequired(): AppError {
  return new AppError(
    "period_required",
    `统计期间：请写明要导出哪个期间，如 ${PERIOD_EXAMPLES}。`,
    422,
    "period",
  );
}
