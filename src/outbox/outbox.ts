/**
 * The outbox. Workflows and jobs enqueue messages inside the transaction of
 * the change that caused them; the delivery worker sends them through the
 * recipient's channel, retries with backoff, and leaves what it could not
 * deliver visible as "failed". A unique dedupe key makes every message
 * happen once, whatever runs twice.
 */
import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Db, Store } from "../../db/index.js";
import type { Calendar } from "../calendar/calendar.js";
import type { Logger } from "../logger.js";
import { atTime, dateOf, timeOf } from "../time.js";
import {
  DeliveryDeferred,
  DeliveryError,
  type Card,
  type Channel,
  type OutboundMessage,
  type Recipient,
} from "../channels/types.js";

export type Target = { type: "person" | "group"; id: number };

type Row = typeof import("../../db/schema.js").outbox.$inferSelect;
type Result = "sent" | "failed" | "deferred";

/**
 * "now": a direct answer or a card change the user is waiting for.
 * "office": can wait for office hours on a working day.
 */
export type Urgency = "now" | "office";

const MAX_ATTEMPTS = 8;
const CLAIM_MS = 60_000;
const BATCH = 50;

/** 30 s, 1 min, 2 min … capped at one hour. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
}

export class Outbox {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly officeHours: { start: string; end: string },
  ) {}

  register(channel: Channel): void {
    this.channels.set(channel.name, channel);
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /**
   * The first instant at or after `now` inside office hours of a working
   * day: when a message that can wait may go out.
   */
  officeTime(cal: Calendar, now: number): number {
    const today = dateOf(now);
    const time = timeOf(now);
    if (
      cal.isWorkday(today) &&
      time >= this.officeHours.start &&
      time < this.officeHours.end
    ) {
      return now;
    }
    const from =
      cal.isWorkday(today) && time < this.officeHours.start
        ? today
        : cal.nextWorkday(dateOf(now + 86_400_000));
    return atTime(cal.nextWorkday(from), this.officeHours.start);
  }

  /** Queues a message. Returns false when the dedupe key was already used. */
  async enqueue(
    q: Db,
    message: {
      dedupeKey: string;
      target: Target;
      body: OutboundMessage;
      notBefore: number;
    },
    now: number,
  ): Promise<boolean> {
    const card =
      message.body.type === "card" || message.body.type === "card_update"
        ? message.body.card.key
        : null;
    return this.store.insertIfAbsent(q, this.store.t.outbox, {
      dedupeKey: message.dedupeKey,
      targetType: message.target.type,
      targetId: message.target.id,
      payload: JSON.stringify(message.body),
      cardKey: card,
      status: "pending",
      attempts: 0,
      nextAttemptAt: message.notBefore,
      createdAt: now,
    });
  }

  /**
   * Brings every copy of a card up to date: copies still waiting in the
   * outbox get the new content, delivered copies get an update message.
   * `version` makes each state of the card one update per person.
   */
  async refreshCard(
    q: Db,
    card: Card,
    version: number,
    now: number,
  ): Promise<void> {
    const { outbox, cardDeliveries } = this.store.t;
    const waiting = await q
      .select({ id: outbox.id, payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.cardKey, card.key), eq(outbox.status, "pending")));
    for (const row of waiting) {
      // A waiting update stays an update: as a card it would show twice.
      const { type } = JSON.parse(row.payload) as OutboundMessage;
      await q
        .update(outbox)
        .set({ payload: JSON.stringify({ type, card }) })
        .where(eq(outbox.id, row.id));
    }

    const copies = await q
      .select({ personId: cardDeliveries.personId })
      .from(cardDeliveries)
      .where(eq(cardDeliveries.cardKey, card.key));
    const people = [...new Set(copies.map((c) => c.personId))];
    for (const personId of people) {
      await this.enqueue(
        q,
        {
          dedupeKey: `card:${card.key}:${personId}:v${version}`,
          target: { type: "person", id: personId },
          body: { type: "card_update", card },
          notBefore: now,
        },
        now,
      );
    }
  }

  /** Delivers what is due. Safe to run in several processes at once. */
  async deliverDue(now: number): Promise<{ sent: number; failed: number }> {
    const { outbox } = this.store.t;
    const due = await this.store.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, "pending"), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.id))
      .limit(BATCH);

    let sent = 0;
    let failed = 0;
    const count = (result: Result) => {
      if (result === "sent") {
        sent++;
      } else if (result === "failed") {
        failed++;
      }
    };
    const claimed: Row[] = [];
    for (const row of due) {
      if (await this.claim(row.id, now)) {
        claimed.push(row);
      }
    }
    // The same text to several people (a unit's liaisons): one call where
    // the platform sends to many at once.
    const alike = new Map<string, Row[]>();
    for (const row of claimed) {
      const type = (JSON.parse(row.payload) as OutboundMessage).type;
      if (
        row.targetType === "person" &&
        (type === "text" || type === "markdown")
      ) {
        alike.set(row.payload, [...(alike.get(row.payload) ?? []), row]);
      }
    }
    const batched = new Set<number>();
    for (const rows of alike.values()) {
      if (rows.length > 1) {
        for (const result of await this.deliverTogether(rows, now)) {
          count(result);
        }
        rows.forEach((r) => batched.add(r.id));
      }
    }
    for (const row of claimed) {
      if (!batched.has(row.id)) {
        count(await this.deliverOne(row, now));
      }
    }
    if (failed > 0) {
      this.log.warn(
        { sent, failed },
        `outbox: ${failed}/${sent + failed} deliveries failed`,
      );
    }
    return { sent, failed };
  }

  /**
   * One message to several people: through `deliverMany` of the channels
   * that have it, in chunks of their size; one by one otherwise.
   */
  private async deliverTogether(rows: Row[], now: number): Promise<Result[]> {
    const results: Result[] = [];
    const byChannel = new Map<Channel, { row: Row; recipient: Recipient }[]>();
    for (const row of rows) {
      try {
        const { channel, recipient } = await this.resolve(
          row.targetType,
          row.targetId,
        );
        if (!channel.deliverMany) {
          results.push(await this.deliverOne(row, now));
          continue;
        }
        byChannel.set(channel, [
          ...(byChannel.get(channel) ?? []),
          { row, recipient },
        ]);
      } catch (error) {
        await this.recordFailure(row, error, now);
        results.push("failed");
      }
    }
    for (const [channel, list] of byChannel) {
      const size = channel.batchSize ?? 1;
      for (let i = 0; i < list.length; i += size) {
        const chunk = list.slice(i, i + size);
        const body = JSON.parse(chunk[0].row.payload) as OutboundMessage;
        let errors: Map<number, unknown>;
        try {
          errors = await channel.deliverMany!(
            chunk.map((c) => c.recipient),
            body,
          );
        } catch (error) {
          errors = new Map(chunk.map((c) => [c.recipient.id, error]));
        }
        for (const { row, recipient } of chunk) {
          const error = errors.get(recipient.id);
          if (error === undefined) {
            await this.markSent(row, now);
            results.push("sent");
          } else {
            await this.recordFailure(row, error, now);
            results.push(
              error instanceof DeliveryDeferred ? "deferred" : "failed",
            );
          }
        }
      }
    }
    return results;
  }

  private async markSent(row: Row, now: number): Promise<void> {
    const { outbox } = this.store.t;
    await this.store.db
      .update(outbox)
      .set({
        status: "sent",
        sentAt: now,
        attempts: row.attempts + 1,
        lockedUntil: null,
      })
      .where(eq(outbox.id, row.id));
  }

  private async claim(id: number, now: number): Promise<boolean> {
    const { outbox } = this.store.t;
    const result = await this.store.db
      .update(outbox)
      .set({ lockedUntil: now + CLAIM_MS })
      .where(
        and(
          eq(outbox.id, id),
          eq(outbox.status, "pending"),
          or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
        ),
      );
    return this.store.changes(result) === 1;
  }

  private async deliverOne(row: Row, now: number): Promise<Result> {
    const { outbox, cardDeliveries } = this.store.t;
    const body = JSON.parse(row.payload) as OutboundMessage;
    try {
      const { channel, recipient } = await this.resolve(
        row.targetType,
        row.targetId,
      );
      let previousRef: string | undefined;
      if (body.type === "card_update") {
        const [copy] = await this.store.db
          .select()
          .from(cardDeliveries)
          .where(
            and(
              eq(cardDeliveries.cardKey, body.card.key),
              eq(cardDeliveries.personId, row.targetId),
              eq(cardDeliveries.channel, channel.name),
            ),
          );
        previousRef = copy?.externalRef;
      }
      const result = await channel.deliver(recipient, body, previousRef);

      await this.store.tx(async (q) => {
        await q
          .update(outbox)
          .set({
            status: "sent",
            sentAt: now,
            attempts: row.attempts + 1,
            lockedUntil: null,
          })
          .where(eq(outbox.id, row.id));
        if (
          (body.type === "card" || body.type === "card_update") &&
          result.externalRef &&
          row.targetType === "person"
        ) {
          await this.recordCopy(
            q,
            body.card.key,
            row.targetId,
            channel.name,
            result.externalRef,
            now,
          );
        }
      });
      return "sent";
    } catch (error) {
      await this.recordFailure(row, error, now);
      return error instanceof DeliveryDeferred ? "deferred" : "failed";
    }
  }

  private async recordCopy(
    q: Db,
    cardKey: string,
    personId: number,
    channel: string,
    externalRef: string,
    now: number,
  ) {
    const { cardDeliveries } = this.store.t;
    const inserted = await this.store.insertIfAbsent(q, cardDeliveries, {
      cardKey,
      personId,
      channel,
      externalRef,
      deliveredAt: now,
    });
    if (!inserted) {
      await q
        .update(cardDeliveries)
        .set({ externalRef, deliveredAt: now })
        .where(
          and(
            eq(cardDeliveries.cardKey, cardKey),
            eq(cardDeliveries.personId, personId),
            eq(cardDeliveries.channel, channel),
          ),
        );
    }
  }

  private async recordFailure(
    row: { id: number; attempts: number; dedupeKey: string },
    error: unknown,
    now: number,
  ) {
    const { outbox } = this.store.t;
    if (error instanceof DeliveryDeferred) {
      this.log.debug(
        { outboxId: row.id, waitMs: error.retryAfterMs, reason: error.message },
        "outbox: delivery deferred",
      );
      await this.store.db
        .update(outbox)
        .set({ nextAttemptAt: now + error.retryAfterMs, lockedUntil: null })
        .where(eq(outbox.id, row.id));
      return;
    }
    const attempts = row.attempts + 1;
    const retryable =
      error instanceof DeliveryError
        ? error.retryable
        : !(error instanceof NoRouteError);
    const giveUp = !retryable || attempts >= MAX_ATTEMPTS;
    const wait =
      error instanceof DeliveryError && error.retryAfterMs
        ? error.retryAfterMs
        : backoffMs(attempts);
    const message = error instanceof Error ? error.message : String(error);
    this.log.warn(
      {
        outboxId: row.id,
        attempts,
        giveUp,
        code: "delivery_failed",
        reason: message,
      },
      giveUp
        ? "outbox: gave up delivering a message"
        : "outbox: delivery failed, will retry",
    );
    await this.store.db
      .update(outbox)
      .set({
        status: giveUp ? "failed" : "pending",
        attempts,
        nextAttemptAt: giveUp ? now : now + wait,
        lockedUntil: null,
        lastError: message.slice(0, 500),
      })
      .where(eq(outbox.id, row.id));
  }

  /** Which channel reaches a person or group, and their id there. */
  private async resolve(
    type: string,
    id: number,
  ): Promise<{ channel: Channel; recipient: Recipient }> {
    const { personBindings, groupBindings } = this.store.t;
    const names = this.channelNames();
    if (names.length === 0) {
      throw new NoRouteError("no chat channel is enabled");
    }
    const bindings =
      type === "person"
        ? await this.store.db
            .select({
              channel: personBindings.channel,
              externalId: personBindings.externalId,
            })
            .from(personBindings)
            .where(
              and(
                eq(personBindings.personId, id),
                inArray(personBindings.channel, names),
              ),
            )
        : await this.store.db
            .select({
              channel: groupBindings.channel,
              externalId: groupBindings.externalId,
            })
            .from(groupBindings)
            .where(
              and(
                eq(groupBindings.groupId, id),
                inArray(groupBindings.channel, names),
              ),
            );
    // Prefer channels in the order they were registered.
    const binding = names
      .map((n) => bindings.find((b) => b.channel === n))
      .find((b) => b !== undefined);
    if (!binding) {
      throw new NoRouteError(
        `${type} ${id} is not bound to any enabled channel`,
      );
    }
    return {
      channel: this.channels.get(binding.channel)!,
      recipient: {
        type: type as Recipient["type"],
        id,
        externalId: binding.externalId,
      },
    };
  }
}

/** The recipient cannot be reached on any enabled channel: do not retry. */
export class NoRouteError extends Error {}
