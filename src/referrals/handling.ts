/**
 * While a case is handled: extension requests and their decision, and
 * urging by the referring or supervising unit.
 */
import { eq } from "drizzle-orm";
import { conflict, forbidden } from "../errors.js";
import { dateOf, formatDateCn } from "../time.js";
import { clause, parse } from "../validation.js";
import { statusText } from "./checks.js";
import { ReferralCommands, type Acting, type Outcome } from "./commands.js";
import { actionLabels, extensionInput } from "./input.js";
import {
  awaitsHandler,
  mayUrge,
  requireHandler,
  requireReferrer,
} from "./permissions.js";
import { loadView } from "./view.js";

export class Handling extends ReferralCommands {
  async requestExtension(
    actor: Acting,
    id: number,
    raw: unknown,
  ): Promise<Outcome> {
    const input = parse(extensionInput, raw, actionLabels.extension);
    return this.step(
      actor,
      `referral.request_extension:${id}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireHandler(actor.person, view, "申请延期");
        if (r.status !== "in_progress") {
          throw conflict(
            "cannot_extend",
            `该案件当前状态为“${statusText(r.status)}”，不能申请延期。`,
          );
        }
        if (view.pendingExtension) {
          throw conflict(
            "extension_pending",
            "已有一份延期申请在等待审批，请勿重复申请。",
          );
        }
        await this.save(s, r, {});
        await this.ctx.store.insert(s.q, this.ctx.store.t.extensionRequests, {
          referralId: id,
          unitId: r.handlingUnitId,
          workdays: input.workdays,
          reason: input.reason,
          requestedBy: actor.person.id,
          requestedAt: s.now,
          status: "pending",
        });
        await this.audit(s, actor, id, "referral.request_extension", {
          workdays: input.workdays,
          reason: input.reason,
        });
        await this.messages.afterChange(s, id, {
          to: [r.createdBy],
          text:
            `${view.handlingUnit.shortName}申请将 ${r.number} 的反馈期限延长 ` +
            `${input.workdays} 个工作日，理由：${clause(input.reason)}。请审批。`,
        });
        return {
          referralId: id,
          message: "延期申请已提交，等待移送单位审批。",
        };
      },
    );
  }

  async decideExtension(
    actor: Acting,
    id: number,
    approve: boolean,
    key?: string,
  ) {
    return this.step(
      actor,
      `referral.decide_extension:${id}`,
      key,
      { approve },
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireReferrer(actor.person, view, "审批延期");
        const request = view.pendingExtension;
        if (!request) {
          throw conflict("no_extension", "该案件没有待审批的延期申请。");
        }
        const t = this.ctx.store.t;
        await this.save(s, r, {});
        await s.q
          .update(t.extensionRequests)
          .set({
            status: approve ? "approved" : "refused",
            decidedBy: actor.person.id,
            decidedAt: s.now,
          })
          .where(eq(t.extensionRequests.id, request.id));
        let dueText = formatDateCn(view.feedbackClock!.dueDate);
        if (approve) {
          const clock = await this.ctx.clocks.extend(
            s.q,
            s.cal,
            view.feedbackClock!,
            request.workdays,
          );
          dueText = formatDateCn(clock.dueDate);
        }
        await this.audit(
          s,
          actor,
          id,
          approve ? "referral.approve_extension" : "referral.refuse_extension",
          {
            requestId: request.id,
            workdays: request.workdays,
          },
        );
        const verdict = approve
          ? `同意延期 ${request.workdays} 个工作日`
          : "不同意延期";
        await this.messages.afterChange(s, id, {
          to: await this.messages.liaisonIds(r.handlingUnitId),
          text: `${view.referringUnit.shortName}${verdict}：${r.number}，反馈期限 ${dueText}。`,
        });
        return {
          referralId: id,
          message: `已${verdict}，反馈期限 ${dueText}。`,
        };
      },
    );
  }

  /** One tap from the referring (or supervising) unit; once a day. */
  async urge(actor: Acting, id: number, key?: string): Promise<Outcome> {
    return this.step(actor, `referral.urge:${id}`, key, {}, async (s) => {
      const view = await loadView(this.ctx, s.q, id);
      const r = view.referral;
      if (!mayUrge(actor.person, view)) {
        throw forbidden("只有移送单位或督办单位可以催办。");
      }
      if (!awaitsHandler(view)) {
        throw conflict(
          "cannot_urge",
          `该案件${statusText(r.status)}，承办单位没有待办事项，无需催办。`,
        );
      }
      const today = dateOf(s.now);
      const first = await this.ctx.store.insertIfAbsent(
        s.q,
        this.ctx.store.t.urges,
        {
          referralId: id,
          date: today,
          by: actor.person.id,
          at: s.now,
        },
      );
      if (!first) {
        throw conflict("already_urged", "今天已催办过该案件，明天可再次催办。");
      }
      await this.audit(s, actor, id, "referral.urge", {});
      const due = view.feedbackClock
        ? `，反馈期限 ${formatDateCn(view.feedbackClock.dueDate)}`
        : "";
      for (const personId of await this.messages.liaisonIds(r.handlingUnitId)) {
        await this.messages.text(
          s,
          `urge:${id}:${today}:${personId}`,
          personId,
          `【催办】${actor.person.unit.shortName}催办 ${r.number}（${r.caseName}）` +
            `，当前状态：${statusText(r.status)}${due}。请抓紧办理。`,
        );
      }
      return {
        referralId: id,
        message: `已向${view.handlingUnit.shortName}催办。`,
      };
    });
  }
}
