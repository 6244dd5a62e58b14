/**
 * The referral lifecycle (spec sections 3.2 and 3.3): refer, sign or
 * return, pass down, extend, urge, feed back, accept. Every command checks
 * who may do it, changes the referral under its version, writes the audit
 * entry and queues its messages in one transaction.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { audit, type ChannelName } from "../audit.js";
import type { AppContext } from "../context.js";
import { AppError, conflict, forbidden, ValidationError } from "../errors.js";
import { once } from "../once.js";
import { dateOf, formatDateCn, formatInstant, yearOf } from "../time.js";
import type { Person } from "../units/directory.js";
import { clause, parse } from "../validation.js";
import { referrerCard, referrerCardKey } from "./cards.js";
import {
  checkDates,
  checkRedirect,
  checkTarget,
  statusText,
} from "./checks.js";
import {
  actionLabels,
  crimeFeedbackInput,
  extensionInput,
  feedbackLabels,
  passDownInput,
  reasonInput,
  receiptInput,
  receiptLabels,
  referralInput,
  referralLabels,
  resolveReturnInput,
  sourceFeedbackInput,
  type ReferralKind,
} from "./input.js";
import {
  assertCanRefer,
  mayUrge,
  requireHandler,
  requireReferrer,
  requireReturnDecider,
  returnDecider,
} from "./permissions.js";
import { ReferralMessages, type Step } from "./messages.js";
import { loadView, type ReferralRow, type ReferralView } from "./view.js";

/** Someone acting, as the platform vouched for them. */
export interface Acting {
  person: Person;
  channel: ChannelName;
}

export interface Outcome {
  referralId: number;
  /** What to tell the person who acted, in Chinese. */
  message: string;
  /** True when this was a repeat of an action already handled. */
  duplicate?: boolean;
}

export class ReferralService {
  private readonly messages: ReferralMessages;

  constructor(private readonly ctx: AppContext) {
    this.messages = new ReferralMessages(ctx);
  }

  /** HRSS or the petitions bureau refers a case. */
  async create(actor: Acting, raw: unknown): Promise<Outcome> {
    const input = parse(referralInput, raw, referralLabels);
    const { person } = actor;
    assertCanRefer(person);
    const target = await this.ctx.directory.unit(input.receivingUnitId);
    checkTarget(input.kind, target);
    const cal = await this.ctx.calendars.get();
    const today = dateOf(this.ctx.clock.now());
    checkDates(cal, input.foundDate, input.referralDate, today);
    if (!person.unit.docPrefix) {
      throw new AppError(
        "doc_prefix_missing",
        `${person.unit.shortName}没有配置移送文号前缀，请联系管理员在单位数据中设置。`,
        409,
      );
    }

    return this.step(
      actor,
      "referral.create",
      input.submissionId,
      input,
      async (s) => {
        const t = this.ctx.store.t;
        const year = yearOf(input.referralDate);
        const seq = await this.nextNumber(s.q, person.unit.id, year);
        const number = `${person.unit.docPrefix}〔${year}〕${seq}号`;
        const referCount = s.cal.addWorkdays(input.foundDate, 5);
        const lateDays =
          input.referralDate > referCount.due
            ? s.cal.workdaysAfter(referCount.due, input.referralDate)
            : 0;

        const { submissionId: _, amount, receivingUnitId, ...fields } = input;
        const id = await this.ctx.store.insert(s.q, t.referrals, {
          ...fields,
          number,
          year,
          seq,
          status: "pending_receipt",
          referringUnitId: person.unit.id,
          handlingUnitId: receivingUnitId,
          supervisingUnitId: null,
          amountFen: amount,
          referralLateDays: lateDays,
          createdBy: person.id,
          createdAt: s.now,
          updatedAt: s.now,
          version: 1,
        });

        const referClock = await this.ctx.clocks.start(
          s.q,
          s.cal,
          {
            subjectType: "referral",
            subjectId: id,
            rule: "referral.refer",
            unitId: person.unit.id,
            startDate: input.foundDate,
          },
          s.now,
        );
        await this.ctx.clocks.stop(
          s.q,
          s.cal,
          referClock,
          s.now,
          input.referralDate,
        );
        await this.ctx.clocks.start(
          s.q,
          s.cal,
          {
            subjectType: "referral",
            subjectId: id,
            rule: "referral.feedback",
            unitId: receivingUnitId,
            startDate: input.referralDate,
          },
          s.now,
        );

        await this.audit(s, actor, id, "referral.create", {
          number,
          ...fields,
          amountFen: amount,
        });
        const view = await loadView(this.ctx, s.q, id);
        await this.messages.sendNotice(s, view, receivingUnitId);
        await this.ctx.outbox.enqueue(
          s.q,
          {
            dedupeKey: `card:${referrerCardKey(id)}:${person.id}:new`,
            target: { type: "person", id: person.id },
            body: {
              type: "card",
              card: referrerCard(view, s.cal, this.ctx.links, s.now),
            },
            notBefore: s.now,
          },
          s.now,
        );

        const late =
          lateDays > 0
            ? `；注意：距发现之日已超过 5 个工作日，移送逾期 ${lateDays} 个工作日`
            : "";
        return {
          referralId: id,
          message:
            `已移送${target!.shortName}，文号 ${number}，反馈期限 ` +
            `${formatDateCn(view.feedbackClock!.dueDate)}${late}。`,
        };
      },
    );
  }

  /**
   * The receiving unit signs (attachment 2). Without a form, the receipt
   * confirms what the referring unit declared it handed over.
   */
  async sign(
    actor: Acting,
    id: number,
    raw?: unknown,
    key?: string,
  ): Promise<Outcome> {
    const input =
      raw === undefined ? undefined : parse(receiptInput, raw, receiptLabels);
    return this.step(
      actor,
      `referral.sign:${id}`,
      key ?? input?.submissionId,
      input ?? {},
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireHandler(actor.person, view, "签收");
        if (r.status !== "pending_receipt") {
          const receipt = view.receipts.find(
            (x) => x.unitId === actor.person.unit.id,
          );
          if (!receipt) {
            throw conflict(
              "wrong_status",
              `该案件当前状态为“${statusText(r.status)}”，不能签收。`,
            );
          }
          throw conflict(
            "already_signed",
            receipt.signedBy === actor.person.id
              ? `您已于 ${formatInstant(receipt.signedAt)} 签收该案件，无需重复签收。`
              : `该案件已由${receipt.signerName}签收，无需重复签收。`,
          );
        }
        const handover = await this.handover(s.q, view);
        const receipt = {
          referralId: id,
          unitId: r.handlingUnitId,
          signedBy: actor.person.id,
          signerName: input?.signerName ?? actor.person.name,
          handedOverBy: input?.handedOverBy ?? handover.by,
          volumes: input?.volumes ?? r.fileVolumes,
          pages: input?.pages ?? r.filePages,
          exhibits: input?.exhibits ?? r.exhibits,
          handoverDate: input?.handoverDate ?? handover.date,
          signedDate: dateOf(s.now),
          signedAt: s.now,
          channel: actor.channel,
        };
        await this.save(s, r, { status: "in_progress" });
        await this.ctx.store.insert(s.q, this.ctx.store.t.receipts, receipt);
        await this.audit(s, actor, id, "referral.sign", { receipt });
        await this.messages.afterChange(s, id, {
          to: [r.createdBy],
          text:
            `${view.handlingUnit.shortName} ${actor.person.name} ` +
            `已签收 ${r.number}（${r.caseName}）。`,
        });
        return { referralId: id, message: `已签收 ${r.number}。` };
      },
    );
  }

  /** The receiving unit sends the case back, with a reason. */
  async returnToSender(
    actor: Acting,
    id: number,
    raw: unknown,
  ): Promise<Outcome> {
    const input = parse(reasonInput, raw, actionLabels.return);
    return this.step(
      actor,
      `referral.return:${id}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireHandler(actor.person, view, "退回");
        if (r.status !== "pending_receipt") {
          throw conflict(
            "cannot_return",
            "只有待签收的案件可以退回；已签收的案件如确属其他单位职责，请联系移送单位。",
          );
        }
        await this.save(s, r, { status: "returned" });
        await this.ctx.store.insert(s.q, this.ctx.store.t.referralReturns, {
          referralId: id,
          unitId: r.handlingUnitId,
          reason: input.reason,
          returnedBy: actor.person.id,
          returnedAt: s.now,
        });
        await this.audit(s, actor, id, "referral.return", {
          unitId: r.handlingUnitId,
          reason: input.reason,
        });
        const deciders = await this.returnDeciders(view);
        await this.messages.afterChange(s, id, {
          to: deciders,
          text:
            `${view.handlingUnit.shortName}退回了 ${r.number}（${r.caseName}），` +
            `理由：${clause(input.reason)}。请改派或维持原移送。`,
        });
        return {
          referralId: id,
          message: `已退回${returnDecider(view).shortName}。`,
        };
      },
    );
  }

  /** After a return: send it to the right unit, or insist on the same one. */
  async resolveReturn(
    actor: Acting,
    id: number,
    raw: unknown,
  ): Promise<Outcome> {
    const input = parse(resolveReturnInput, raw, actionLabels.resolveReturn);
    return this.step(
      actor,
      `referral.resolve_return:${id}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        const decider = returnDecider(view);
        requireReturnDecider(actor.person, view);
        if (r.status !== "returned" || !view.openReturn) {
          throw conflict("not_returned", "该案件当前没有待处理的退回。");
        }
        const t = this.ctx.store.t;
        const resolved = { resolvedBy: actor.person.id, resolvedAt: s.now };

        if (input.decision === "overrule") {
          await this.save(s, r, { status: "pending_receipt" });
          await s.q
            .update(t.referralReturns)
            .set({ ...resolved, resolution: "overruled" })
            .where(eq(t.referralReturns.id, view.openReturn.id));
          await this.audit(s, actor, id, "referral.overrule_return", {
            note: input.note,
          });
          const liaisons = await this.messages.liaisonIds(r.handlingUnitId);
          await this.messages.afterChange(s, id, {
            to: liaisons,
            text:
              `${decider.shortName}维持原移送 ${r.number}（${r.caseName}），` +
              `说明：${clause(input.note)}。请签收办理。`,
          });
          return {
            referralId: id,
            message: `已维持原移送，${view.handlingUnit.shortName}需签收办理。`,
          };
        }

        const target = await this.ctx.directory.unit(input.unitId);
        const takeBack =
          view.supervisingUnit && target?.id === view.supervisingUnit.id;
        if (!takeBack) {
          checkRedirect(view, target);
        }
        await this.save(
          s,
          r,
          takeBack
            ? {
                status: "in_progress",
                handlingUnitId: target!.id,
                supervisingUnitId: null,
              }
            : { status: "pending_receipt", handlingUnitId: target!.id },
        );
        await s.q
          .update(t.referralReturns)
          .set({
            ...resolved,
            resolution: "redirected",
            redirectedTo: target!.id,
          })
          .where(eq(t.referralReturns.id, view.openReturn.id));
        await this.ctx.clocks.reassign(s.q, view.feedbackClock!, target!.id);
        await this.audit(s, actor, id, "referral.redirect", {
          from: r.handlingUnitId,
          to: target!.id,
        });
        const next = await this.messages.afterChange(s, id);
        if (!takeBack) {
          await this.messages.sendNotice(s, next, target!.id);
        }
        return {
          referralId: id,
          message: takeBack ? "已收回自办。" : `已改派${target!.shortName}。`,
        };
      },
    );
  }

  /** A city authority passes the case down to a county's or park's. */
  async passDown(actor: Acting, id: number, raw: unknown): Promise<Outcome> {
    const input = parse(passDownInput, raw, actionLabels.passDown);
    return this.step(
      actor,
      `referral.pass_down:${id}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadView(this.ctx, s.q, id);
        const r = view.referral;
        requireHandler(actor.person, view, "转交");
        if (r.status !== "in_progress") {
          throw conflict(
            "cannot_pass_down",
            "请先签收，签收后才能转交下级部门。",
          );
        }
        if (view.handlingUnit.level !== "city" || view.supervisingUnit) {
          throw conflict(
            "cannot_pass_down",
            "只有市级部门可以把案件转交县（市、区）或园区的同类部门。",
          );
        }
        const target = await this.ctx.directory.unit(input.unitId);
        if (
          !target ||
          !target.active ||
          target.kind !== view.handlingUnit.kind ||
          target.level === "city"
        ) {
          throw new ValidationError([
            {
              field: "unitId",
              message: `转交给：请选择县（市、区）或园区的${view.handlingUnit.shortName.replace(/^市/, "")}同类部门`,
            },
          ]);
        }
        await this.save(s, r, {
          status: "pending_receipt",
          handlingUnitId: target.id,
          supervisingUnitId: r.handlingUnitId,
        });
        await this.ctx.store.insert(s.q, this.ctx.store.t.passDowns, {
          referralId: id,
          fromUnitId: r.handlingUnitId,
          toUnitId: target.id,
          note: input.note || null,
          by: actor.person.id,
          at: s.now,
        });
        await this.ctx.clocks.reassign(s.q, view.feedbackClock!, target.id);
        await this.audit(s, actor, id, "referral.pass_down", {
          to: target.id,
          note: input.note,
        });
        const next = await this.messages.afterChange(s, id, {
          to: [r.createdBy],
          text:
            `${view.handlingUnit.shortName}已将 ${r.number}（${r.caseName}）` +
            `转交${target.shortName}办理并督办。`,
        });
        await this.messages.sendNotice(s, next, target.id);
        return {
          referralId: id,
          message: `已转交${target.shortName}，本单位继续督办。`,
        };
      },
    );
  }

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
      if (r.status === "closed" || r.status === "returned") {
        throw conflict(
          "cannot_urge",
          `该案件${statusText(r.status)}，无需催办。`,
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

  // -- shared steps ---------------------------------------------------

  private async step(
    actor: Acting,
    action: string,
    key: string | undefined,
    payload: unknown,
    fn: (s: Step) => Promise<Outcome>,
  ): Promise<Outcome> {
    const cal = await this.ctx.calendars.get();
    const scoped = key ? `${action}:${actor.person.id}:${key}` : undefined;
    return once(this.ctx, scoped, actor.channel, payload, (q) =>
      fn({ q, now: this.ctx.clock.now(), cal }),
    );
  }

  /** Updates the referral if nobody changed it meanwhile. */
  private async save(s: Step, r: ReferralRow, changes: Partial<ReferralRow>) {
    const t = this.ctx.store.t;
    const result = await s.q
      .update(t.referrals)
      .set({ ...changes, version: r.version + 1, updatedAt: s.now })
      .where(and(eq(t.referrals.id, r.id), eq(t.referrals.version, r.version)));
    if (this.ctx.store.changes(result) !== 1) {
      throw conflict(
        "referral_changed",
        "该案件刚被他人处理过，请刷新后再试。",
      );
    }
  }

  private async audit(
    s: Step,
    actor: Acting,
    id: number,
    action: string,
    detail: Record<string, unknown>,
  ) {
    await audit(this.ctx.store, s.q, {
      actor: {
        personId: actor.person.id,
        name: actor.person.name,
        channel: actor.channel,
      },
      at: s.now,
      subjectType: "referral",
      subjectId: id,
      action,
      detail,
    });
  }

  private async nextNumber(
    q: Db,
    unitId: number,
    year: number,
  ): Promise<number> {
    const { docCounters } = this.ctx.store.t;
    await this.ctx.store.insertIfAbsent(q, docCounters, {
      unitId,
      year,
      last: 0,
    });
    const where = and(
      eq(docCounters.unitId, unitId),
      eq(docCounters.year, year),
    );
    await q
      .update(docCounters)
      .set({ last: sql`${docCounters.last} + 1` })
      .where(where);
    const [row] = await q.select().from(docCounters).where(where);
    return row.last;
  }

  /** Who handed the file over, and when: the referrer, or who passed it down. */
  private async handover(q: Db, view: ReferralView) {
    const t = this.ctx.store.t;
    if (view.supervisingUnit) {
      const [pass] = await q
        .select()
        .from(t.passDowns)
        .where(eq(t.passDowns.referralId, view.referral.id))
        .orderBy(desc(t.passDowns.id))
        .limit(1);
      const by = pass ? await this.ctx.directory.person(pass.by) : undefined;
      if (pass && by) {
        return { by: by.name, date: dateOf(pass.at) };
      }
    }
    return { by: view.referral.contactName, date: view.referral.referralDate };
  }

  private async returnDeciders(view: ReferralView): Promise<number[]> {
    if (!view.supervisingUnit) {
      return [view.referral.createdBy];
    }
    return this.messages.liaisonIds(view.supervisingUnit.id);
  }
}
