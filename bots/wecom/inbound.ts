/**
 * What WeCom pushes, from the moment it is opened to the moment it is
 * done. `accept` runs inside the callback request: it stores the push
 * under its dedupe key and says what to answer at once; everything else
 * happens after the answer (src/inbound/queue.ts), so WeCom never waits
 * on our workflows (it gives up after five seconds and pushes again).
 */
import { eq } from "drizzle-orm";
import type { Bot } from "../../src/boot.js";
import type { Card } from "../../src/channels/types.js";
import { act } from "../../src/inbound/act.js";
import { InboundQueue, type InboundHandler } from "../../src/inbound/queue.js";
import { answer } from "../../src/inbound/reply.js";
import type { Logger } from "../../src/logger.js";
import type { Person } from "../../src/units/directory.js";
import type { WecomApi } from "./api.js";
import { parseCodes } from "./channel.js";
import type { WecomInbound } from "./events.js";
import { templateCard } from "./render.js";

/**
 * WeCom waits 5 s. A push not stored by then is answered with an error
 * (WeCom pushes it again) rather than acknowledged and maybe lost.
 */
const ACK_BUDGET_MS = 4_000;

/** What the callback answers right away. */
export type Ack =
  | { reply: "none" }
  /** Not stored: a non-200 answer, so that WeCom pushes it again. */
  | { reply: "retry" }
  /** Grey out the clicked card's buttons with this label until it changes. */
  | { reply: "button"; to: string; label: string };

const BUSY_LABEL = "处理中…";

/** Message types we cannot read yet; the sender is told so. */
const UNREAD_TYPES = new Set(["image", "voice", "video", "file", "link"]);

export class WecomInbox implements InboundHandler<WecomInbound> {
  private readonly queue: InboundQueue<WecomInbound>;

  constructor(
    private readonly bot: Bot,
    private readonly api: WecomApi,
    private readonly link: (url: string) => string,
    private readonly log: Logger,
    private readonly ackBudgetMs = ACK_BUDGET_MS,
  ) {
    this.queue = new InboundQueue(bot, "wecom", this, log);
  }

  /**
   * Stores a push (once per dedupe key) and starts handling it. Answers
   * "retry" when the push could not be stored in time: WeCom then pushes
   * it again, and the dedupe key keeps the two from counting twice.
   */
  async accept(push: WecomInbound): Promise<Ack> {
    const key = dedupeKeyOf(push);
    const stored = this.queue.store(key, push);
    // Whenever it lands, even after we answered, the work starts; a
    // failure is answered below.
    stored.catch(() => undefined);
    let first: "stored" | "repeat" | "late";
    try {
      first = await Promise.race([
        stored,
        new Promise<"late">((resolve) =>
          setTimeout(resolve, this.ackBudgetMs, "late").unref(),
        ),
      ]);
    } catch (error) {
      this.log.error(
        { err: error, code: "wecom_push_not_stored", key },
        "wecom: a push could not be stored; answered with an error so " +
          "that WeCom pushes it again",
      );
      return { reply: "retry" };
    }
    if (first === "late") {
      this.log.warn(
        { code: "wecom_slow_store", key },
        "wecom: storing a push is slow; answered with an error so that " +
          "WeCom pushes it again (the repeat is recognised)",
      );
      return { reply: "retry" };
    }
    if (first === "stored" && push.kind === "action" && push.action.cardKey) {
      return {
        reply: "button",
        to: push.action.externalUserId,
        label: BUSY_LABEL,
      };
    }
    return { reply: "none" };
  }

  /** Handles what is pending; concurrent calls share one pass. */
  kick(): Promise<void> {
    return this.queue.kick();
  }

  /** Handles leftovers every `everyMs`; returns the function that stops it. */
  poll(everyMs: number): () => void {
    return this.queue.poll(everyMs);
  }

  /**
   * A push we gave up on: the member who clicked gets the card back and a
   * word, instead of a card greyed out for good.
   */
  async abandon(push: WecomInbound): Promise<void> {
    if (push.kind !== "action") {
      return;
    }
    const userid = push.action.externalUserId;
    try {
      const { store } = this.bot.ctx;
      const [copy] = await store.db
        .select()
        .from(store.t.wecomCards)
        .where(eq(store.t.wecomCards.taskId, push.taskId));
      if (copy && copy.userid === userid) {
        await this.direct(
          userid,
          push.responseCode,
          copy.taskId,
          JSON.parse(copy.card) as Card,
        );
      }
      await this.api.sendText(
        userid,
        "系统暂时无法办理您刚才的操作，请稍后重试，或打开卡片上的“详情”在页面中办理。",
      );
    } catch (error) {
      this.log.warn(
        { err: error, code: "wecom_abandon_notice_failed" },
        "wecom: could not tell a member that their click failed",
      );
    }
  }

  async handle(push: WecomInbound): Promise<void> {
    const { directory } = this.bot.ctx;
    if (push.kind === "action") {
      return this.handleAction(push);
    }
    if (push.kind === "command") {
      const person = await directory.personByBinding(
        "wecom",
        push.command.externalUserId,
      );
      const reply = await this.bot.commands.handle(push.command);
      return this.reply(
        person,
        push.command.externalUserId,
        push.command.eventKey,
        reply,
      );
    }
    const person = await directory.personByBinding(
      "wecom",
      push.externalUserId,
    );
    if (push.kind === "location") {
      // A duty officer's location checks them in, or is kept with it.
      const reply = await this.bot.commands.handleLocation({
        channel: "wecom",
        externalUserId: push.externalUserId,
        eventKey: push.eventKey,
        location: {
          latitude: push.latitude,
          longitude: push.longitude,
          ...(push.label ? { label: push.label } : {}),
        },
      });
      return this.reply(person, push.externalUserId, push.eventKey, reply);
    }
    if (UNREAD_TYPES.has(push.type)) {
      return this.reply(
        person,
        push.externalUserId,
        push.eventKey,
        "机器人暂时只能读懂文字指令。发送“帮助”查看可用指令；材料请在表单页面中上传或按原渠道报送。",
      );
    }
    // Entering the app and other events need no answer.
  }

  private async handleAction(
    push: Extract<WecomInbound, { kind: "action" }>,
  ): Promise<void> {
    const { ctx } = this.bot;
    const { store, clock } = ctx;
    const { wecomCards } = store.t;
    const { action } = push;
    const userid = action.externalUserId;

    const [copy] = await store.db
      .select()
      .from(wecomCards)
      .where(eq(wecomCards.taskId, push.taskId));
    if (copy && push.responseCode) {
      const codes = parseCodes(copy.responseCodes);
      if (!codes.some((c) => c.code === push.responseCode)) {
        codes.push({ code: push.responseCode, at: clock.now() });
        await store.db
          .update(wecomCards)
          .set({ responseCodes: JSON.stringify(codes) })
          .where(eq(wecomCards.id, copy.id));
      }
    }
    const person = await ctx.directory.personByBinding("wecom", userid);
    const card = copy ? (JSON.parse(copy.card) as Card) : undefined;

    if (!copy || !card || copy.userid !== userid) {
      const text =
        "无法识别这张卡片，可能不是本机器人发出的。发送“待办”查看需要办理的事项。";
      return this.reply(person, userid, action.eventKey, text);
    }
    if (copy.supersededAt !== null) {
      await this.direct(
        userid,
        push.responseCode,
        copy.taskId,
        superseded(card),
      );
      return;
    }

    // Did the action change this member's card? If not, the buttons
    // greyed out by our first answer come back, with a word on why.
    const { message, card: changed } = await act(
      this.bot,
      action,
      person,
      copy.cardKey,
    );
    if (changed) {
      return;
    }
    if (person) {
      const now = clock.now();
      await store.tx((q) =>
        ctx.outbox.enqueue(
          q,
          {
            dedupeKey: `restore:${action.eventKey}`,
            target: { type: "person", id: person.id },
            body: { type: "card_update", card },
            notBefore: now,
          },
          now,
        ),
      );
    } else {
      await this.direct(userid, push.responseCode, copy.taskId, card);
    }
    await this.reply(person, userid, action.eventKey, message);
  }

  private reply(
    person: Person | undefined,
    userid: string,
    eventKey: string,
    text: string,
  ): Promise<void> {
    return answer(
      this.bot,
      {
        channel: "wecom",
        person,
        eventKey,
        direct: (t) => this.api.sendText(userid, t),
      },
      text,
    );
  }

  /** Changes one clicked card at once with the click's own code. */
  private async direct(
    userid: string,
    code: string | undefined,
    taskId: string,
    card: Card,
  ): Promise<void> {
    if (!code) {
      return;
    }
    try {
      await this.api.updateCard({
        userids: [userid],
        response_code: code,
        template_card: templateCard(card, taskId, this.link),
      });
      const { store } = this.bot.ctx;
      const { wecomCards } = store.t;
      const [copy] = await store.db
        .select()
        .from(wecomCards)
        .where(eq(wecomCards.taskId, taskId));
      if (copy) {
        const left = parseCodes(copy.responseCodes).filter(
          (c) => c.code !== code,
        );
        await store.db
          .update(wecomCards)
          .set({ responseCodes: JSON.stringify(left) })
          .where(eq(wecomCards.id, copy.id));
      }
    } catch (error) {
      this.log.warn(
        { err: error, code: "wecom_card_update_failed", taskId },
        "wecom: could not change a clicked card",
      );
    }
  }
}

/** The key a push is stored under: the event's own, from decrypted fields. */
export function dedupeKeyOf(push: WecomInbound): string {
  switch (push.kind) {
    case "action":
      return push.action.eventKey;
    case "command":
      return push.command.eventKey;
    default:
      return push.eventKey;
  }
}

/** An old copy of a card, after a newer one went out to the same member. */
function superseded(card: Card): Card {
  return {
    ...card,
    status: { text: "此卡片已有新版本，请在最新的卡片上办理", tone: "info" },
    buttons: card.buttons.filter((b) => b.url),
  };
}
