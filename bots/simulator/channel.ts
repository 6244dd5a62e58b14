/**
 * The simulator: a chat platform that lives in our own database and is
 * shown in the browser at /sim. It is an ordinary channel: the outbox
 * delivers to it exactly as to WeCom or DingTalk.
 */
import { and, eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import type {
  Channel,
  Delivery,
  OutboundMessage,
  Recipient,
} from "../../src/channels/types.js";
import type { Clock } from "../../src/time.js";

export const inboxOf = (recipient: { type: string; id: number }) =>
  `${recipient.type}:${recipient.id}`;

export class SimulatorChannel implements Channel {
  readonly name = "sim" as const;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async deliver(
    recipient: Recipient,
    message: OutboundMessage,
    previousRef?: string,
  ): Promise<Delivery> {
    const { simMessages } = this.store.t;
    const now = this.clock.now();
    const inbox = inboxOf(recipient);

    if (message.type === "card_update" && previousRef) {
      const result = await this.store.db
        .update(simMessages)
        .set({
          payload: JSON.stringify({ type: "card", card: message.card }),
          updatedAt: now,
        })
        .where(
          and(
            eq(simMessages.id, Number(previousRef)),
            eq(simMessages.inbox, inbox),
          ),
        );
      if (this.store.changes(result) === 1) {
        return { externalRef: previousRef };
      }
    }
    // A card, or an update whose original is gone: show it as a new card.
    const body =
      message.type === "card_update"
        ? { type: "card" as const, card: message.card }
        : message;
    const cardKey = body.type === "card" ? body.card.key : null;
    const id = await this.store.tx((q) =>
      this.store.insert(q, simMessages, {
        inbox,
        cardKey,
        payload: JSON.stringify(body),
        createdAt: now,
        updatedAt: now,
      }),
    );
    return { externalRef: String(id) };
  }
}
