/**
 * Getting a case to the right unit: returns and how the sender resolves
 * them, and a city authority passing a case down to a county's.
 */
import { eq } from "drizzle-orm";
import { conflict, ValidationError } from "../errors.js";
import { clause, parse } from "../validation.js";
import { ReferralCommands, type Acting, type Outcome } from "./commands.js";
import { checkRedirect } from "./checks.js";
import {
  actionLabels,
  passDownInput,
  reasonInput,
  resolveReturnInput,
} from "./input.js";
import {
  requireHandler,
  requireReturnDecider,
  returnDecider,
} from "./permissions.js";
import { loadView, type ReferralView } from "./view.js";

export class Routing extends ReferralCommands {
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

  protected async returnDeciders(view: ReferralView): Promise<number[]> {
    if (!view.supervisingUnit) {
      return [view.referral.createdBy];
    }
    return this.messages.liaisonIds(view.supervisingUnit.id);
  }
}
