/**
 * The two API inputs that have no form of their own in
 * src/referrals/input.ts: one-tap decisions that the cards send as actions.
 */
import { z } from "zod";
import { submissionId } from "../validation.js";

export const extensionDecisionInput = z.object({
  submissionId,
  decision: z.enum(["approve", "refuse"], {
    error: "请选择同意（approve）或不同意（refuse）",
  }),
});

/** "send_back" carries a reason, which the service checks itself. */
export const reviewInput = z.looseObject({
  submissionId,
  decision: z.enum(["accept", "send_back"], {
    error: "请选择采纳（accept）或退回补充（send_back）",
  }),
});

export const keyOnlyInput = z.looseObject({ submissionId });

export const decisionLabels: Record<string, string> = {
  decision: "审核结果",
  submissionId: "提交编号",
};
