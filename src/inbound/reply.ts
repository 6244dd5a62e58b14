/**
 * The bot's answer to something a person sent on a platform (a command,
 * a click that could not change a card). Through the outbox when the
 * person is known — answered at once, never twice for one event — and
 * straight to the platform when nobody is bound to the sender: there is
 * no one to queue it for, and the answer is what tells them whom to ask.
 */
import type { Bot } from "../boot.js";
import type { Person } from "../units/directory.js";

export async function answer(
  bot: Bot,
  to: {
    channel: string;
    person: Person | undefined;
    eventKey: string;
    /** Sends to the unbound sender directly. */
    direct: (text: string) => Promise<unknown>;
  },
  text: string,
): Promise<void> {
  if (to.person) {
    const { ctx } = bot;
    const now = ctx.clock.now();
    await ctx.store.tx((q) =>
      ctx.outbox.enqueue(
        q,
        {
          dedupeKey: `reply:${to.channel}:${to.eventKey}`,
          target: { type: "person", id: to.person!.id },
          body: { type: "text", text },
          notBefore: now,
        },
        now,
      ),
    );
    return;
  }
  try {
    await to.direct(text);
  } catch (error) {
    bot.ctx.log.warn(
      { err: error, code: `${to.channel}_reply_failed` },
      `${to.channel}: could not answer a sender nobody is bound to`,
    );
  }
}
