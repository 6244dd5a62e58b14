/**
 * What every referral command shares: one transaction per command with
 * exactly-once handling, the referral changed under its version, the
 * audit entry, and the messages the change causes.
 */
import { and, eq } from "drizzle-orm";
import { audit, type ChannelName } from "../audit.js";
import type { AppContext } from "../context.js";
import { conflict } from "../errors.js";
import { once } from "../once.js";
import type { Person } from "../units/directory.js";
import { ReferralMessages, type Step } from "./messages.js";
import type { ReferralRow } from "./view.js";

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

export abstract class ReferralCommands {
  protected readonly messages: ReferralMessages;

  constructor(protected readonly ctx: AppContext) {
    this.messages = new ReferralMessages(ctx);
  }

  protected async step(
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
  protected async save(s: Step, r: ReferralRow, changes: Partial<ReferralRow>) {
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

  protected async audit(
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
}
