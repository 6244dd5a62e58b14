/**
 * What people type for each step of a referral, checked with the same
 * schemas on the form pages, the API and chat commands.
 */
import { z } from "zod";
import {
  choice,
  isoDate,
  moneyFen,
  optionalText,
  phone,
  requiredText,
  submissionId,
  wholeNumber,
  yesNo,
} from "../validation.js";

export const REFERRAL_KINDS = {
  source: "源头性欠薪案件",
  crime: "涉嫌拒不支付劳动报酬罪案件",
} as const;

export type ReferralKind = keyof typeof REFERRAL_KINDS;

/** Upper half of attachment 4 (or 3), plus what HRSS hands over. */
export const referralInput = z.object({
  submissionId,
  kind: z.enum(["source", "crime"], { error: "请选择案件类型" }),
  receivingUnitId: choice("接收单位"),
  caseName: requiredText(200),
  cause: requiredText(200),
  complainantName: requiredText(64),
  companyName: requiredText(200),
  headCount: wholeNumber(1, 100_000),
  amount: moneyFen,
  foundDate: isoDate,
  referralDate: isoDate,
  contactName: requiredText(64),
  contactPhone: phone,
  fileVolumes: wholeNumber(0, 999),
  filePages: wholeNumber(0, 99_999),
  exhibits: optionalText(500),
});

export type ReferralInput = z.infer<typeof referralInput>;

export const referralLabels: Record<string, string> = {
  kind: "案件类型",
  receivingUnitId: "接收单位",
  caseName: "案件名称",
  cause: "案由",
  complainantName: "投诉人姓名",
  companyName: "被投诉单位",
  headCount: "投诉人数",
  amount: "投诉金额",
  foundDate: "发现日期",
  referralDate: "移送时间",
  contactName: "移送联系人",
  contactPhone: "移送联系方式",
  fileVolumes: "案卷册数",
  filePages: "案卷页数",
  exhibits: "移送涉案物品",
  submissionId: "提交编号",
};

/** Attachment 2, when the signer corrects what was declared. */
export const receiptInput = z.object({
  submissionId,
  volumes: wholeNumber(0, 999),
  pages: wholeNumber(0, 99_999),
  exhibits: optionalText(500),
  handedOverBy: requiredText(64),
  handoverDate: isoDate,
  signerName: requiredText(64),
});

export type ReceiptInput = z.infer<typeof receiptInput>;

export const receiptLabels: Record<string, string> = {
  volumes: "案卷册数",
  pages: "案卷页数",
  exhibits: "涉案物品",
  handedOverBy: "移送人",
  handoverDate: "移送日期",
  signerName: "签收人",
};

export const reasonInput = z.object({
  submissionId,
  reason: requiredText(500),
});

export const resolveReturnInput = z.discriminatedUnion(
  "decision",
  [
    z.object({
      submissionId,
      decision: z.literal("redirect"),
      unitId: choice("改派的单位"),
    }),
    z.object({
      submissionId,
      decision: z.literal("overrule"),
      note: requiredText(500),
    }),
  ],
  { error: "请选择改派或维持原移送" },
);

export const passDownInput = z.object({
  submissionId,
  unitId: choice("下级部门"),
  note: optionalText(500),
});

export const extensionInput = z.object({
  submissionId,
  workdays: wholeNumber(1, 30),
  reason: requiredText(500),
});

/** Labels as each form shows them, so an error names what the user sees. */
export const actionLabels = {
  return: { reason: "退回理由" },
  resolveReturn: { decision: "处理方式", unitId: "改派给", note: "维持理由" },
  passDown: { unitId: "转交给", note: "转交说明" },
  extension: { workdays: "延长工作日数", reason: "延期理由" },
  sendBack: { reason: "需要补充的内容" },
} satisfies Record<string, Record<string, string>>;

const feedbackCommon = {
  submissionId,
  handlerContact: requiredText(64),
  handlerPhone: phone,
  recoveredWorkers: wholeNumber(0, 100_000),
  recoveredAmount: moneyFen,
};

/** Lower half of attachment 4. */
export const sourceFeedbackInput = z.object({
  ...feedbackCommon,
  penalty: optionalText(1000),
  summary: requiredText(2000),
  remarks: optionalText(500),
});

/** Lower half of attachment 3. */
export const crimeFeedbackInput = z
  .object({
    ...feedbackCommon,
    caseOpened: yesNo,
    arrestApproved: yesNo,
    prosecuted: yesNo,
    closedDate: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      isoDate.optional(),
    ),
  })
  .superRefine((f, ctx) => {
    // Arrest and prosecution follow a case being opened.
    for (const field of ["arrestApproved", "prosecuted"] as const) {
      if (f[field] && !f.caseOpened) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "未立案的案件不能选“是”，请核对是否立案",
        });
      }
    }
  });

export type SourceFeedback = z.infer<typeof sourceFeedbackInput>;
export type CrimeFeedback = z.infer<typeof crimeFeedbackInput>;

const sourceFeedbackLabels: Record<string, string> = {
  handlerContact: "承办联系人",
  handlerPhone: "承办联系方式",
  recoveredWorkers: "追薪人数",
  recoveredAmount: "追薪金额",
  penalty: "对违法行为行政处（理）罚情况",
  summary: "办理概况及结果",
  remarks: "备注",
  caseOpened: "是否立案",
  arrestApproved: "是否批捕",
  prosecuted: "是否起诉",
  closedDate: "结案时间",
};

export function feedbackLabels(kind: ReferralKind): Record<string, string> {
  return kind === "source"
    ? sourceFeedbackLabels
    : {
        ...sourceFeedbackLabels,
        handlerContact: "侦办联系人",
        handlerPhone: "侦办联系方式",
      };
}
