/**
 * Reads an export request typed in chat: "导出 反馈表 2026-10",
 * "导出 源头反馈表 2026年第四季度", "导出 回执 遂人社移〔2026〕12号",
 * "导出 考勤表 2026年国庆节集中接访 船山区", "导出 接访报告 #3",
 * "导出 项目表 2026-10 市住建局", "导出 报送统计表 2026".
 */
import { AppError } from "../errors.js";
import { stripInvisible } from "../validation.js";
import { CAMPAIGN_EXAMPLE, campaignRequired } from "./campaign-scope.js";
import type { ExportRequest } from "./export.js";
import { badPeriod, parsePeriod, periodRequired } from "./period.js";
import {
  normalizeNumber,
  NUMBER_EXAMPLE,
  referralRequired,
} from "./receipts.js";
import {
  isCampaignTable,
  isProjectTable,
  matchTable,
  tableList,
  unknownTable,
  type TableName,
} from "./tables.js";

export interface ParsedExportRequest extends ExportRequest {
  table: TableName;
}

export const EXPORT_USAGE =
  `导出 表格 期间或活动，如：导出 反馈表 2026-10；导出 回执 ${NUMBER_EXAMPLE}；` +
  `导出 考勤表 ${CAMPAIGN_EXAMPLE} 船山区；导出 接访报告 ${CAMPAIGN_EXAMPLE}；` +
  "导出 项目表 2026-10 市住建局；导出 报送统计表 2026。" +
  `可以导出：${tableList()}。`;

/** The request in `text`, or an AppError that says in Chinese what is wrong. */
export function parseExportRequest(text: string): ParsedExportRequest {
  const typed = stripInvisible(text)
    .trim()
    .replace(/^导出\s*/, "");
  if (!typed) {
    throw new AppError(
      "unknown_table",
      `表格名称：请写明要导出的表格。用法：${EXPORT_USAGE}`,
      422,
      "table",
    );
  }
  const match = matchTable(typed);
  if (!match) {
    throw unknownTable(typed.split(/\s+/)[0]);
  }
  const { table, rest } = match;

  if (isCampaignTable(table)) {
    // The campaign's words as typed: a space may set the site apart.
    const [head, ...words] = typed.split(/\s+/);
    const campaign = matchTable(head)?.rest === "" ? words.join(" ") : rest;
    if (!campaign) {
      throw campaignRequired();
    }
    return { table, campaign };
  }

  if (table === "receipt") {
    if (!rest) {
      throw referralRequired();
    }
    const number = normalizeNumber(rest);
    if (!number) {
      throw new AppError(
        "bad_number",
        `案件文号：“${rest}”格式不对，应如 ${NUMBER_EXAMPLE}。`,
        422,
        "referral",
      );
    }
    return { table, referralNumber: number };
  }
  if (!rest) {
    throw periodRequired();
  }
  if (isProjectTable(table)) {
    // "2026-10市住建局", as typed without its spaces: the period, a unit.
    const { period, after } = leadingPeriod(rest);
    return after ? { table, period, unit: after } : { table, period };
  }
  return { table, period: parsePeriod(rest).text };
}

/** The longest start of `text` that reads as a period, and what follows. */
function leadingPeriod(text: string): { period: string; after: string } {
  for (let end = text.length; end > 0; end--) {
    try {
      const period = parsePeriod(text.slice(0, end)).text;
      return { period, after: text.slice(end) };
    } catch {
      // Shorter, until a period or nothing is left.
    }
  }
  throw badPeriod(text);
}
