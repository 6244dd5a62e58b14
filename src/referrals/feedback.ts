/**
 * Feedback (lower half of attachment 4 or 3) and the referring unit's
 * review: accept and close, or send back for more.
 */
import { and, eq } from "drizzle-orm";
import { conflict } from "../errors.js";
import { clause, parse } from "../validation.js";
import { statusText } from "./checks.js";
import { ReferralCommands, type Acting, type Outcome } from "./commands.js";
import {
  actionLabels,
  crimeFeedbackInput,
  feedbackLabels,
  reasonInput,
  sourceFeedbackInput,
  type ReferralKind,
} from "./input.js";
import { requireHandler, requireReferrer } from "./permissions.js";
import { loadView } from "./view.js";

export class FeedbackCommands extends ReferralCommands {
  /** The handling unit feeds back (lower half of attachment 4 or 3). */
  async submitFeedback(
    actor: Acting,
    id: number,
    raw: unknown,
  ): Promise<Outcome> {
    const t = this.ctx.store.t;
    // Who may feed back is checked before the form is: the form's fields
    // would tell a stranger what kind of case this is.
    const before = await loadView(this.ctx, this.ctx.store.db, id);
    requireHandler(actor.person, before, "反馈");
    const kind = before.referral.kind as ReferralKind;
    const schema = kind === "crime" ? crimeFeedbackInput : sourceFeedbackInput;
    const input = parse(schema, raw, feedbackLabels(kind));

    return this.step(
      actor,
      `referral.feedback:${id}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireHandler(actor.person, view, "反馈");
        if (r.status !== "in_progress") {
          throw conflict(
            "cannot_feed_back",
            r.status === "pending_receipt"
              ? "请先签收，再填写反馈。"
              : `该案件当前状态为“${statusText(r.status)}”，不能再提交反馈。`,
          );
        }
        const { submissionId: _, ...data } = input;
        await this.save(s, r, { status: "feedback_submitted" });
        // Feedback given: a deadline extension asked for earlier is moot.
        await s.q
          .update(t.extensionRequests)
          .set({ status: "withdrawn", decidedAt: s.now })
          .where(
            and(
              eq(t.extensionRequests.referralId, id),
              eq(t.extensionRequests.status, "pending"),
            ),
          );
        await this.ctx.store.insert(s.q, t.feedbacks, {
          referralId: id,
          unitId: r.handlingUnitId,
          data: JSON.stringify(data),
          recoveredWorkers: input.recoveredWorkers,
          recoveredFen: input.recoveredAmount,
          submittedBy: actor.person.id,
          submittedAt: s.now,
          status: "submitted",
        });
        const clock = await this.ctx.clocks.stop(
          s.q,
          s.cal,
          view.feedbackClock!,
          s.now,
        );
        await this.audit(s, actor, id, "referral.feedback", {
          ...data,
          lateDays: clock.lateDays,
        });
        await this.messages.afterChange(s, id, {
          to: [r.createdBy],
          text: `${view.handlingUnit.shortName}已反馈 ${r.number}（${r.caseName}）的办理情况，请审核。`,
        });
        const late = clock.lateDays
          ? `（逾期 ${clock.lateDays} 个工作日）`
          : "";
        return {
          referralId: id,
          message: `反馈已提交${late}，等待${view.referringUnit.shortName}审核。`,
        };
      },
    );
  }

  /** The referring unit accepts the feedback (the case closes) or sends it back. */
  async reviewFeedback(
    actor: Acting,
    id: number,
    decision: { accept: true; key?: string } | { accept: false; raw: unknown },
  ): Promise<Outcome> {
    const reason = decision.accept
      ? undefined
      : parse(reasonInput, decision.raw, actionLabels.sendBack);
    const key = decision.accept ? decision.key : reason?.submissionId;
    return this.step(
      actor,
      `referral.review:${id}`,
      key,
      reason ?? {},
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireReferrer(actor.person, view, "审核反馈");
        if (r.status !== "feedback_submitted" || !view.feedback) {
          throw conflict(
            "no_feedback",
            r.status === "closed"
              ? "该案件已办结。"
              : "该案件没有待审核的反馈。",
          );
        }
        await this.save(
          s,
          r,
          reason
            ? { status: "in_progress" }
            : { status: "closed", closedAt: s.now },
        );
        const t = this.ctx.store.t;
        await s.q
          .update(t.feedbacks)
          .set({
            status: reason ? "sent_back" : "accepted",
            reviewReason: reason?.reason ?? null,
            reviewedBy: actor.person.id,
            reviewedAt: s.now,
          })
          .where(eq(t.feedbacks.id, view.feedback.id));

        const liaisons = await this.messages.liaisonIds(r.handlingUnitId);
        if (reason) {
          await this.ctx.clocks.reopen(s.q, view.feedbackClock!);
          await this.audit(s, actor, id, "referral.send_back", {
            reason: reason.reason,
          });
          await this.messages.afterChange(s, id, {
            to: liaisons,
            text:
              `${view.referringUnit.shortName}退回了 ${r.number} 的反馈，` +
              `要求补充：${clause(reason.reason)}。`,
          });
          return {
            referralId: id,
            message: "已退回补充，承办单位需重新反馈。",
          };
        }
        await this.audit(s, actor, id, "referral.close", {});
        await this.messages.afterChange(s, id, {
          to: liaisons,
          text: `${view.referringUnit.shortName}已采纳 ${r.number}（${r.caseName}）的反馈，案件办结。`,
        });
        return { referralId: id, message: `已采纳反馈，${r.number} 办结。` };
      },
    );
  }
}
