/**
 * What HRSS types after a report arrives: the site check (现场核查) and
 * its findings, the correction (整改) once done, and the projects it
 * learns of elsewhere (线索). One zod schema per form, with the labels
 * its errors name the fields by.
 */
import { z } from "zod";
import {
  choice,
  isoDate,
  optionalText,
  requiredText,
  submissionId,
} from "../validation.js";

/**
 * What a site check can find: the four subcontracting abuses (三包一挂)
 * and the wage-payment duties a site must meet (spec 3.1.2 and 3.4.2).
 */
export const FINDINGS = {
  subcontract_whole: "转包",
  illegal_subcontract: "违法分包",
  illegal_award: "违法发包",
  affiliation: "挂靠",
  wage_account: "未按规定开设农民工工资专用账户",
  proxy_pay: "未落实总包单位代发工资",
  wage_deposit: "未按规定存储工资保证金",
  real_name: "未落实实名制管理",
  rights_notice: "未公示维权信息",
  labour_officer: "未配备劳资专管员",
  wage_rules: "其他工资支付制度未落实",
} as const;

export type Finding = keyof typeof FINDINGS;

/** The findings as the form groups them. */
export const FINDING_GROUPS: { heading: string; findings: Finding[] }[] = [
  {
    heading: "三包一挂",
    findings: [
      "subcontract_whole",
      "illegal_subcontract",
      "illegal_award",
      "affiliation",
    ],
  },
  {
    heading: "工资支付制度落实情况",
    findings: [
      "wage_account",
      "proxy_pay",
      "wage_deposit",
      "real_name",
      "rights_notice",
      "labour_officer",
      "wage_rules",
    ],
  },
];

/** Where HRSS learned of a project (spec 3.1.3). */
export const CLUE_SOURCES = {
  platform: "网络平台",
  assigned: "上级交办",
  visit: "群众来访",
  hotline: "12345政府热线",
  patrol: "自行巡查",
} as const;

export type ClueSource = keyof typeof CLUE_SOURCES;

/** "转包、挂靠" */
export function findingsText(findings: readonly string[]): string {
  return findings.map((f) => FINDINGS[f as Finding] ?? f).join("、");
}

/** A code, or its Chinese words as a sheet or a chat message says them. */
function codeOf<T extends string>(labels: Record<T, string>) {
  const byLabel = new Map(
    Object.entries<string>(labels).map(([code, label]) => [label, code]),
  );
  return (v: unknown) =>
    typeof v === "string" ? (byLabel.get(v.trim()) ?? v.trim()) : v;
}

const findingCode = codeOf(FINDINGS);

/** Ticked boxes arrive as one value, several, or none. */
const findingList = z.preprocess(
  (v) => {
    const list = v === undefined || v === null || v === "" ? [] : v;
    return (Array.isArray(list) ? list : [list]).map(findingCode);
  },
  z
    .array(
      z.enum(Object.keys(FINDINGS) as [Finding, ...Finding[]], {
        error: "请从列表中选择",
      }),
    )
    .max(Object.keys(FINDINGS).length)
    .transform((list) => [...new Set(list)]),
);

const optionalDate = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  isoDate.optional(),
);

export const checkInput = z
  .object({
    submissionId,
    checkDate: isoDate,
    /** Who went; the person recording it when left blank. */
    inspectors: optionalText(200),
    findings: findingList,
    note: optionalText(1000),
    correctionDeadline: optionalDate,
  })
  .superRefine((input, ctx) => {
    if (input.findings.length > 0 && !input.correctionDeadline) {
      ctx.addIssue({
        code: "custom",
        path: ["correctionDeadline"],
        message: "发现问题时请填写整改期限",
      });
    }
    if (input.findings.length === 0 && input.correctionDeadline) {
      ctx.addIssue({
        code: "custom",
        path: ["correctionDeadline"],
        message: "未发现问题时不填整改期限；如有问题请勾选",
      });
    }
  });

export type CheckInput = z.infer<typeof checkInput>;

export const checkLabels: Record<string, string> = {
  checkDate: "核查日期",
  inspectors: "核查人员",
  findings: "发现问题",
  note: "核查情况",
  correctionDeadline: "整改期限",
};

export const correctionInput = z.object({
  submissionId,
  correctedDate: isoDate,
  note: optionalText(1000),
});

export const correctionLabels: Record<string, string> = {
  correctedDate: "整改完成日期",
  note: "整改情况",
};

export const clueInput = z.object({
  submissionId,
  source: z.preprocess(
    codeOf(CLUE_SOURCES),
    z.enum(Object.keys(CLUE_SOURCES) as [ClueSource, ...ClueSource[]], {
      error: "请从列表中选择",
    }),
  ),
  learnedDate: isoDate,
  name: requiredText(200),
  builder: optionalText(200),
  address: optionalText(200),
  responsibleUnitId: choice("应报送的行业主管部门"),
  note: optionalText(1000),
});

export type ClueInput = z.infer<typeof clueInput>;

export const clueLabels: Record<string, string> = {
  source: "线索来源",
  learnedDate: "获悉日期",
  name: "项目名称",
  builder: "建设单位名称",
  address: "项目地址",
  responsibleUnitId: "应报送单位",
  note: "情况说明",
};

/** Only the idempotency token: for commands whose input is in the path. */
export const keyInput = z.object({ submissionId });
