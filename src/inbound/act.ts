/**
 * Runs a click from a platform and tells the adapter what to show the
 * clicker: the outcome in words (a refusal too), and the card's new state
 * when the click changed that person's copy — which the adapter uses for
 * its immediate answer, or to put back a card it had greyed out.
 */
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { Bot } from "../boot.js";
import type { Card, NeutralAction } from "../channels/types.js";
import { AppError } from "../errors.js";
import type { Person } from "../units/directory.js";

export interface ActResult {
  message: string;
  /** The clicker's card as it is now, if the click changed it. */
  card?: Card;
}

export async function act(
  bot: Bot,
  action: NeutralAction,
  person: Person | undefined,
  cardKey: string,
): Promise<ActResult> {
  const { store } = bot.ctx;
  const { outbox } = store.t;
  const [{ last }] = await store.db
    .select({ last: max(outbox.id) })
    .from(outbox);
  let message: string;
  try {
    message = (await bot.actions.handle(action)).message;
  } catch (error) {
    if (!(error instanceof AppError)) {
      throw error;
    }
    message = error.userMessage;
  }
  if (!person) {
    return { message };
  }
  // Every change of a card queues an update for each copy, in the
  // transaction of the change: the newest one for this person is the
  // card's state now.
  const changes = await store.db
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(
      and(
        gt(outbox.id, last ?? 0),
        eq(outbox.cardKey, cardKey),
        eq(outbox.targetType, "person"),
        eq(outbox.targetId, person.id),
      ),
    )
    .orderBy(asc(outbox.id));
  const newest = changes.at(-1);
  return {
    message,
    card: newest
      ? (JSON.parse(newest.payload) as { card: Card }).card
      : undefined,
  };
}
