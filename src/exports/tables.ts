/**
 * The official tables the bot exports, by the names users type. Each
 * table is an attachment of the notice; "反馈表" asks for both feedback
 * tables at once, one sheet each. A reception campaign gives two: its
 * attendance sheet (attachment 6) and the report the city sends the
 * government office, compiled from that sheet and the daily reports.
 * New projects give two: attachment 1 per reporting unit, and HRSS's
 * table of how each unit reports (on time, late, omissions, checks).
 */
import { AppError } from "../errors.js";

export const TABLE_NAMES = [
  "receipt",
  "feedback-crime",
  "feedback-source",
  "feedback",
  "attendance",
  "campaign-report",
  "projects",
  "project-stats",
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** The feedback table of one referral kind (attachment 3 or 4). */
export type FeedbackTable = "feedback-crime" | "feedback-source";

/** The tables of a reception campaign, asked for by campaign, not period. */
export type CampaignTable = "attendance" | "campaign-report";

/** The tables of new projects, asked for by period (and unit). */
export type ProjectTable = "projects" | "project-stats";

export interface TableInfo {
  /** How the bot names it to users. */
  label: string;
  /** The notice's attachments it covers. */
  attachments: number[];
  /** What users may type for it, besides the English name. */
  aliases: string[];
}

export const TABLES: Record<TableName, TableInfo> = {
  receipt: {
    label: "回执",
    attachments: [2],
    aliases: [
      "回执",
      "签收回执",
      "移送书签收回执",
      "源头性欠薪案件移送书签收回执",
      "附件2",
    ],
  },
  "feedback-crime": {
    label: "公安反馈表",
    attachments: [3],
    aliases: [
      "公安反馈表",
      "犯罪反馈表",
      "拒支反馈表",
      "犯罪案件反馈表",
      "涉嫌拒不支付劳动报酬罪犯罪案件移送查处情况反馈表",
      "附件3",
    ],
  },
  "feedback-source": {
    label: "源头反馈表",
    attachments: [4],
    aliases: [
      "源头反馈表",
      "源头性反馈表",
      "行业反馈表",
      "源头性欠薪案件反馈表",
      "源头性欠薪案件移送查办情况反馈表",
      "附件4",
    ],
  },
  feedback: {
    label: "反馈表",
    attachments: [3, 4],
    aliases: ["反馈表", "反馈", "移送案件反馈表"],
  },
  attendance: {
    label: "考勤表",
    attachments: [6],
    aliases: [
      "考勤表",
      "接访考勤表",
      "集中接访考勤表",
      "保障农民工工资支付集中接访考勤表",
      "附件6",
    ],
  },
  // Not an attachment itself: the city's report on attachment 6 and the
  // daily reports that the notice points to it (集中接访开展情况，详见附件6).
  "campaign-report": {
    label: "接访报告",
    attachments: [6],
    aliases: [
      "接访报告",
      "接访报告表",
      "集中接访报告",
      "接访情况报告",
      "集中接访情况报告",
      "集中接访情况报告表",
    ],
  },
  projects: {
    label: "项目表",
    attachments: [1],
    aliases: [
      "项目表",
      "新开工项目",
      "新开工项目表",
      "新开工项目情况表",
      "新开工建设工程项目情况表",
      "附件1",
    ],
  },
  // Not an attachment itself: what HRSS compiles from attachment 1 and
  // its checks for the government office (spec 3.1.3 and 3.1.4).
  "project-stats": {
    label: "报送统计表",
    attachments: [1],
    aliases: [
      "报送统计表",
      "报送统计",
      "报送情况统计表",
      "项目统计表",
      "项目报送统计表",
      "项目报送情况统计表",
      "新开工项目报送统计表",
      "新开工项目报送情况统计表",
    ],
  },
};

export function isCampaignTable(table: TableName): table is CampaignTable {
  return table === "attendance" || table === "campaign-report";
}

export function isProjectTable(table: TableName): table is ProjectTable {
  return table === "projects" || table === "project-stats";
}

/** The feedback tables a request covers, in the notice's order. */
export function feedbackTables(table: TableName): FeedbackTable[] {
  if (table === "feedback") {
    return ["feedback-crime", "feedback-source"];
  }
  return table === "feedback-crime" || table === "feedback-source"
    ? [table]
    : [];
}

/** "回执（附件2）、公安反馈表（附件3）…", for messages that list them. */
export function tableList(): string {
  return TABLE_NAMES.map((name) => {
    const t = TABLES[name];
    return `${t.label}（附件${t.attachments.join("、")}）`;
  }).join("、");
}

/** Full-width letters, digits and dashes as ASCII; no spaces. */
export function normalizeTyped(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(/[－—–]/g, "-")
    .replace(/\s+/g, "");
}

const BY_ALIAS = new Map<string, TableName>(
  TABLE_NAMES.flatMap((name) => [
    [name, name] as const,
    ...TABLES[name].aliases.map((alias) => [alias, name] as const),
  ]),
);

/** The longest table name `text` starts with, and what follows it. */
export function matchTable(
  text: string,
): { table: TableName; rest: string } | undefined {
  const typed = normalizeTyped(text).toLowerCase();
  let best: { table: TableName; length: number } | undefined;
  for (const [alias, table] of BY_ALIAS) {
    if (typed.startsWith(alias) && alias.length > (best?.length ?? 0)) {
      best = { table, length: alias.length };
    }
  }
  return best && { table: best.table, rest: typed.slice(best.length) };
}

/** A table name as typed, or an error listing the valid ones. */
export function parseTableName(typed: string): TableName {
  const match = matchTable(typed);
  if (!match || match.rest !== "") {
    throw unknownTable(typed);
  }
  return match.table;
}

export function unknownTable(typed: string): AppError {
  const shown = [...typed.trim()].slice(0, 20).join("");
  const what = shown ? `没有名为“${shown}”的表格` : "请写明要导出的表格";
  return new AppError(
    "unknown_table",
    `表格名称：${what}。可以导出：${tableList()}。`,
    422,
    "table",
  );
}
