/**
 * What a chat platform pushes (a WeCom callback, a DingTalk frame), from
 * the moment it is stored to the moment it is done. The platform's
 * adapter stores a push under its dedupe key before acknowledging it
 * (a redelivery then changes nothing) and the work happens here, after
 * the acknowledgement: one push at a time, in order of arrival, with
 * retries that back off and, in the end, a "failed" row an administrator
 * sees on /admin.
 */
import { and, asc, eq, gt, lt } from "drizzle-orm";
import type { Bot } from "../boot.js";
import type { Logger } from "../logger.js";

/** A push whose handling crashed the process is picked up again after this. */
const STALE_CLAIM_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

export interface InboundHandler<P> {
  handle(push: P): Promise<void>;
  /** Called once when a push is given up on, to tell whoever sent it. */
  abandon?(push: P): Promise<void>;
}

/** 10 s, 20 s, 40 s, 80 s between tries: a short outage passes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** (attempts - 1), 300_000);
}

export class InboundQueue<P> {
  private draining?: Promise<void>;
  private again = false;

  constructor(
    private readonly bot: Bot,
    readonly channel: string,
    private readonly handler: InboundHandler<P>,
    private readonly log: Logger,
  ) {}

  /**
   * Stores a push under its key. "repeat" when the key was there already
   * (a redelivery). Rejects when the database refuses.
   */
  async store(key: string, push: P): Promise<"stored" | "repeat"> {
    const { store, clock } = this.bot.ctx;
    const inserted = await store.tx((q) =>
      store.insertIfAbsent(q, store.t.inboundQueue, {
        channel: this.channel,
        dedupeKey: key,
        payload: JSON.stringify(push),
        status: "pending",
        attempts: 0,
        receivedAt: clock.now(),
      }),
    );
    this.start();
    return inserted ? "stored" : "repeat";
  }

  /** "done", "failed", "pending"/"working", or undefined when unknown. */
  async statusOf(key: string): Promise<string | undefined> {
    const { store } = this.bot.ctx;
    const [row] = await store.db
      .select({ status: store.t.inboundQueue.status })
      .from(store.t.inboundQueue)
      .where(eq(store.t.inboundQueue.dedupeKey, key));
    return row?.status;
  }

  /** Starts a pass in the background; its failures are logged, not thrown. */
  start(): void {
    void this.kick().catch((error: unknown) =>
      this.log.error(
        { err: error, code: `${this.channel}_inbox_failed` },
        `${this.channel}: handling pushes failed`,
      ),
    );
  }

  /**
   * Handles leftovers now and then: pushes a crash or a failure left
   * pending. Returns the function that stops it.
   */
  poll(everyMs: number): () => void {
    this.start();
    const timer = setInterval(() => this.start(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Handles what is pending; concurrent calls share one pass. */
  kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async drain(): Promise<void> {
    const { store, clock } = this.bot.ctx;
    const { inboundQueue } = store.t;
    const mine = eq(inboundQueue.channel, this.channel);
    // Claims a crash left behind are free again.
    await store.db
      .update(inboundQueue)
      .set({ status: "pending" })
      .where(
        and(
          mine,
          eq(inboundQueue.status, "working"),
          lt(inboundQueue.handledAt, clock.now() - STALE_CLAIM_MS),
        ),
      );
    // One pass goes forward through the queue: a push that failed waits
    // for its retry time instead of being tried again at once.
    let after = 0;
    for (;;) {
      const rows = await store.db
        .select()
        .from(inboundQueue)
        .where(
          and(
            mine,
            eq(inboundQueue.status, "pending"),
            gt(inboundQueue.id, after),
          ),
        )
        .orderBy(asc(inboundQueue.id))
        .limit(20);
      if (rows.length === 0) {
        return;
      }
      const now = clock.now();
      for (const row of rows) {
        after = row.id;
        const waiting =
          row.attempts > 0 &&
          row.handledAt !== null &&
          row.handledAt + retryDelayMs(row.attempts) > now;
        if (!waiting) {
          await this.handleRow(row);
        }
      }
      await this.bot.deliverNow();
    }
  }

  private async handleRow(row: {
    id: number;
    payload: string;
    attempts: number;
  }): Promise<void> {
    const { store, clock } = this.bot.ctx;
    const { inboundQueue } = store.t;
    const claimed = await store.db
      .update(inboundQueue)
      .set({ status: "working", handledAt: clock.now() })
      .where(
        and(eq(inboundQueue.id, row.id), eq(inboundQueue.status, "pending")),
      );
    if (store.changes(claimed) !== 1) {
      return;
    }
    const push = JSON.parse(row.payload) as P;
    try {
      await this.handler.handle(push);
      await store.db
        .update(inboundQueue)
        .set({ status: "done", handledAt: clock.now(), lastError: null })
        .where(eq(inboundQueue.id, row.id));
    } catch (error) {
      const attempts = row.attempts + 1;
      const giveUp = attempts >= MAX_ATTEMPTS;
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(
        {
          err: error,
          code: `${this.channel}_push_failed`,
          inboundId: row.id,
          giveUp,
        },
        `${this.channel}: handling a push failed`,
      );
      await store.db
        .update(inboundQueue)
        .set({
          status: giveUp ? "failed" : "pending",
          attempts,
          handledAt: clock.now(),
          lastError: reason.slice(0, 500),
        })
        .where(eq(inboundQueue.id, row.id));
      if (giveUp) {
        await this.handler.abandon?.(push);
      }
    }
  }
}
