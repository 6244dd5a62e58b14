/**
 * Exactly-once handling of user actions. A click, a command or a form
 * submission carries a key; the first arrival is handled and its answer
 * stored in the same transaction, a repeat gets the stored answer and
 * changes nothing. Callers scope keys to the person and the case; a key
 * used again with other content is refused. If handling fails, nothing
 * is stored and the user may try again.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/index.js";
import type { AppContext } from "./context.js";
import { conflict } from "./errors.js";

export async function once<T extends object>(
  ctx: AppContext,
  key: string | undefined,
  channel: string,
  payload: unknown,
  handle: (q: Db) => Promise<T>,
): Promise<T & { duplicate?: boolean }> {
  const { store } = ctx;
  const { inboundEvents } = store.t;
  return store.tx(async (q): Promise<T & { duplicate?: boolean }> => {
    if (!key) {
      return handle(q);
    }
    const now = ctx.clock.now();
    const body = JSON.stringify(payload ?? null);
    const first = await store.insertIfAbsent(q, inboundEvents, {
      dedupeKey: key,
      channel,
      payload: body,
      receivedAt: now,
    });
    if (!first) {
      const [event] = await q
        .select()
        .from(inboundEvents)
        .where(eq(inboundEvents.dedupeKey, key));
      // A repeat carries the same content; other content under a used key
      // is a new submission that must not pass for the old one.
      if (event && event.payload !== body) {
        throw conflict(
          "submission_reused",
          "这份表单已经提交过，内容却不同。请刷新页面，重新填写后再提交。",
        );
      }
      return { ...(JSON.parse(event?.result ?? "{}") as T), duplicate: true };
    }
    const result = await handle(q);
    await q
      .update(inboundEvents)
      .set({ result: JSON.stringify(result), handledAt: now })
      .where(eq(inboundEvents.dedupeKey, key));
    return result;
  });
}
