/**
 * Taking a case in: HRSS refers it, the receiving unit signs for it
 * (attachment 2).
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { AppError, conflict } from "../errors.js";
import { dateOf, formatDateCn, formatInstant, yearOf } from "../time.js";
import { parse } from "../validation.js";
import { ReferralCommands, type Acting, type Outcome } from "./commands.js";
import { referrerCard, referrerCardKey } from "./cards.js";
import { checkDates, checkTarget, statusText } from "./checks.js";
import {
  receiptInput,
  receiptLabels,
  referralInput,
  referralLabels,
} from "./input.js";
import { assertCanRefer, requireHandler } from "./permissions.js";
import { loadView, type ReferralView } from "./view.js";

export class Intake extends ReferralCommands {
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
              card: referrerCard(view, this.ctx.links),
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

  protected async nextNumber(
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
  protected async handover(q: Db, view: ReferralView) {
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
}
