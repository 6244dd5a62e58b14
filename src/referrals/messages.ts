/**
 * The messages a referral's changes cause: notice cards for a receiving
 * unit's liaisons, updates of every copy of its cards, and short texts to
 * whoever must act next. All go through the outbox, in the transaction of
 * the change.
 */
import type { Db } from "../../db/index.js";
import type { Calendar } from "../calendar/calendar.js";
import type { AppContext } from "../context.js";
import { referrerCard, unitCard, unitCardKey } from "./cards.js";
import { loadView, type ReferralView } from "./view.js";

/** One step of a command: its transaction, its instant, its calendar. */
export interface Step {
  q: Db;
  now: number;
  cal: Calendar;
}

export class ReferralMessages {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Brings every copy of the referral's cards up to date and tells the
   * people who must act next. Returns the fresh view.
   */
  async afterChange(
    s: Step,
    id: number,
    notify?: { to: number[]; text: string },
  ): Promise<ReferralView> {
    const view = await loadView(this.ctx, s.q, id);
    const { version } = view.referral;
    const { outbox, links } = this.ctx;
    // Every unit that was sent the notice holds a copy of its card.
    const cardUnits = new Set([
      view.referral.handlingUnitId,
      ...view.receipts.map((x) => x.unitId),
      ...view.returnedBy,
    ]);
    if (view.referral.supervisingUnitId) {
      cardUnits.add(view.referral.supervisingUnitId);
    }
    for (const unitId of cardUnits) {
      const card = unitCard(view, unitId, links);
      await outbox.refreshCard(s.q, card, version, s.now);
    }
    const card = referrerCard(view, links);
    await outbox.refreshCard(s.q, card, version, s.now);
    for (const personId of notify?.to ?? []) {
      const key = `event:${id}:v${version}:${personId}`;
      await this.text(s, key, personId, notify!.text);
    }
    return view;
  }

  /** The notice card, once to each liaison of a receiving unit. */
  async sendNotice(s: Step, view: ReferralView, unitId: number) {
    const card = unitCard(view, unitId, this.ctx.links);
    const notBefore = this.ctx.outbox.officeTime(s.cal, s.now);
    for (const personId of await this.liaisonIds(unitId)) {
      await this.ctx.outbox.enqueue(
        s.q,
        {
          dedupeKey: `notice:${unitCardKey(view.referral.id, unitId)}:${personId}`,
          target: { type: "person", id: personId },
          body: { type: "card", card },
          notBefore,
        },
        s.now,
      );
    }
  }

  /** A text that can wait for office hours. */
  async text(s: Step, dedupeKey: string, personId: number, text: string) {
    await this.ctx.outbox.enqueue(
      s.q,
      {
        dedupeKey,
        target: { type: "person", id: personId },
        body: { type: "text", text },
        notBefore: this.ctx.outbox.officeTime(s.cal, s.now),
      },
      s.now,
    );
  }

  async liaisonIds(unitId: number): Promise<number[]> {
    const people = await this.ctx.directory.peopleWithRole(unitId, ["liaison"]);
    return people.map((p) => p.id);
  }
}
