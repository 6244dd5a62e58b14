/**
 * What DingTalk sends over Stream, from frame to done. A robot message
 * (1:1, or @bot in a group) is stored under its msgId and then acked; a
 * card click is stored, handled at once if that fits in DingTalk's 2 s,
 * and answered with the card's new state and, for the clicker alone, a
 * line saying what happened. Whatever does not fit is finished by the
 * inbound queue and reaches the card through the outbox.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Bot } from "../../src/boot.js";
import type { Card, NeutralAction } from "../../src/channels/types.js";
import type { TextCommand } from "../../src/commands.js";
import { act } from "../../src/inbound/act.js";
import { InboundQueue, type InboundHandler } from "../../src/inbound/queue.js";
import { answer } from "../../src/inbound/reply.js";
import type { Logger } from "../../src/logger.js";
import type { Person } from "../../src/units/directory.js";
import type { DingTalkApi } from "./api.js";
import type { DingTalkChannel } from "./channel.js";
import type { CardResponse, StreamFrame } from "./stream.js";

export type DingTalkPush =
  | { kind: "command"; command: TextCommand }
  | { kind: "action"; action: NeutralAction; outTrackId: string }
  | { kind: "other"; userId: string; eventKey: string; type: string };

/** How long a click waits for its own handling before answering. */
const CLICK_WAIT_MS = 1_100;

/** What a handled click left for its answer, by event key. */
interface ClickResult {
  message: string;
  card?: Card;
}

export class DingTalkInbox implements InboundHandler<DingTalkPush> {
  readonly queue: InboundQueue<DingTalkPush>;
  private readonly results = new Map<string, ClickResult>();
  /** Clicks answered before they were handled: told when they are. */
  private readonly late = new Set<string>();

  constructor(
    private readonly bot: Bot,
    private readonly api: DingTalkApi,
    private readonly channel: DingTalkChannel,
    private readonly log: Logger,
  ) {
    this.queue = new InboundQueue(bot, "dingtalk", this, log);
  }

  /** A robot message: stored before the ack (a failure means no ack). */
  async robotMessage(frame: StreamFrame): Promise<void> {
    const { conversationType, conversationId, conversationTitle } = frame.data;
    if (conversationType === "2" && typeof conversationId === "string") {
      // What an operator needs for DINGTALK_GROUPS, from the group itself.
      this.log.info(
        {
          code: "dingtalk_group_message",
          conversationId,
          conversationTitle,
        },
        `dingtalk: @bot in group "${String(conversationTitle ?? "")}", ` +
          `openConversationId ${conversationId} (for DINGTALK_GROUPS)`,
      );
    }
    const push = readRobotMessage(frame);
    if (!push) {
      this.log.info(
        { code: "dingtalk_message_ignored", messageId: frame.messageId },
        "dingtalk: a robot message without a sender in this organisation",
      );
      return;
    }
    await this.queue.store(keyOf(push), push);
  }

  /** A card click: stored, handled if there is time, answered. */
  async cardCallback(frame: StreamFrame): Promise<CardResponse> {
    // DingTalk's 2 s run from the frame's arrival, storing included.
    const deadline = Date.now() + CLICK_WAIT_MS;
    const push = await this.readClick(frame);
    if (!push) {
      return { userPrivateData: { cardParamMap: { myNote: UNKNOWN_CARD } } };
    }
    const key = keyOf(push);
    let stored: "stored" | "repeat";
    try {
      stored = await this.queue.store(key, push);
    } catch (error) {
      this.log.error(
        { err: error, code: "dingtalk_click_not_stored" },
        "dingtalk: a card click could not be stored; the clicker is told",
      );
      return {
        cardUpdateOptions: { updatePrivateDataByKey: true },
        userPrivateData: { cardParamMap: { myNote: NOT_STORED } },
      };
    }
    while (Date.now() < deadline && !this.results.has(key)) {
      const status = await this.queue.statusOf(key);
      if (status === "done" || status === "failed") {
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const result = this.results.get(key);
    this.results.delete(key);
    if (!result && stored === "stored") {
      // Handled later: its outcome goes to the clicker's card then.
      this.late.add(key);
    }
    if (!result) {
      const note = stored === "repeat" ? "" : "已收到，正在办理…";
      return {
        cardUpdateOptions: { updatePrivateDataByKey: true },
        userPrivateData: { cardParamMap: { myNote: note } },
      };
    }
    return {
      cardUpdateOptions: {
        updateCardDataByKey: true,
        updatePrivateDataByKey: true,
      },
      ...(result.card
        ? { cardData: { cardParamMap: this.channel.params(result.card) } }
        : {}),
      userPrivateData: { cardParamMap: { myNote: result.message } },
    };
  }

  async handle(push: DingTalkPush): Promise<void> {
    const { directory } = this.bot.ctx;
    if (push.kind === "action") {
      return this.handleAction(push);
    }
    if (push.kind === "command") {
      const { command } = push;
      const person = await directory.personByBinding(
        "dingtalk",
        command.externalUserId,
      );
      const reply = await this.bot.commands.handle(command);
      return this.reply(
        person,
        command.externalUserId,
        command.eventKey,
        reply,
      );
    }
    const person = await directory.personByBinding("dingtalk", push.userId);
    await this.reply(
      person,
      push.userId,
      push.eventKey,
      "机器人暂时只能读懂文字指令。发送“帮助”查看可用指令；材料请在表单页面中上传或按原渠道报送。",
    );
  }

  async abandon(push: DingTalkPush): Promise<void> {
    const userId =
      push.kind === "command"
        ? push.command.externalUserId
        : push.kind === "action"
          ? push.action.externalUserId
          : push.userId;
    try {
      await this.api.batchSend([userId], "sampleText", {
        content:
          "系统暂时无法办理您刚才的操作，请稍后重试，或打开卡片上的“详情”在页面中办理。",
      });
    } catch (error) {
      this.log.warn(
        { err: error, code: "dingtalk_abandon_notice_failed" },
        "dingtalk: could not tell a member that their action failed",
      );
    }
  }

  private async handleAction(
    push: Extract<DingTalkPush, { kind: "action" }>,
  ): Promise<void> {
    const { ctx } = this.bot;
    const { action } = push;
    const person = await ctx.directory.personByBinding(
      "dingtalk",
      action.externalUserId,
    );
    const { message, card } = await act(
      this.bot,
      action,
      person,
      action.cardKey ?? "",
    );
    if (this.late.delete(action.eventKey)) {
      // The click was answered "being handled": the outcome goes to the
      // clicker's card now, for them alone (the outbox brings the rest).
      await this.privateNote(push.outTrackId, action.externalUserId, message);
      return;
    }
    this.results.set(action.eventKey, { message, card });
    // Forget answers nobody collected (the click was answered already).
    setTimeout(() => this.results.delete(action.eventKey), 10_000).unref();
  }

  private async privateNote(
    outTrackId: string,
    userId: string,
    note: string,
  ): Promise<void> {
    try {
      await this.api.updateCard({
        outTrackId,
        privateData: { [userId]: { cardParamMap: { myNote: note } } },
        cardUpdateOptions: { updatePrivateDataByKey: true },
        userIdType: 1,
      });
    } catch (error) {
      this.log.warn(
        { err: error, code: "dingtalk_note_failed" },
        "dingtalk: could not tell a clicker the outcome on their card",
      );
    }
  }

  private reply(
    person: Person | undefined,
    userId: string,
    eventKey: string,
    text: string,
  ): Promise<void> {
    return answer(
      this.bot,
      {
        channel: "dingtalk",
        person,
        eventKey,
        direct: (t) =>
          this.api.batchSend([userId], "sampleText", { content: t }),
      },
      text,
    );
  }

  private async readClick(
    frame: StreamFrame,
  ): Promise<Extract<DingTalkPush, { kind: "action" }> | undefined> {
    const d = frame.data;
    const outTrackId = typeof d.outTrackId === "string" ? d.outTrackId : "";
    const userId = typeof d.userId === "string" ? d.userId : "";
    const content = typeof d.content === "string" ? d.content : "";
    let params: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(content) as {
        cardPrivateData?: { params?: Record<string, unknown> };
      };
      params = parsed.cardPrivateData?.params ?? {};
    } catch {
      params = {};
    }
    const action = typeof params.action === "string" ? params.action : "";
    if (!outTrackId || !userId || !action) {
      this.log.warn(
        { code: "dingtalk_bad_click", messageId: frame.messageId },
        "dingtalk: a card callback without outTrackId, userId or action",
      );
      return undefined;
    }
    const { store } = this.bot.ctx;
    const [copy] = await store.db
      .select()
      .from(store.t.dingtalkCards)
      .where(eq(store.t.dingtalkCards.outTrackId, outTrackId));
    if (!copy) {
      return undefined;
    }
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (name !== "action") {
        values[name] =
          typeof value === "string" ? value : JSON.stringify(value);
      }
    }
    // A redelivered frame repeats all of this; two real clicks differ in
    // card, person or what was clicked.
    const eventKey = `dingtalk:card:${digest([outTrackId, userId, content])}`;
    return {
      kind: "action",
      outTrackId,
      action: {
        channel: "dingtalk",
        eventKey,
        externalUserId: userId,
        cardKey: copy.cardKey,
        action,
        values,
      },
    };
  }
}

const NOT_STORED =
  "系统繁忙，未能记录您的操作，请稍后再点一次；如仍不行，请打开“详情”在页面中办理。";

const UNKNOWN_CARD =
  "无法识别这张卡片，可能不是本机器人发出的。发送“待办”查看需要办理的事项。";

/** A robot message's push, or undefined when it has no sender of ours. */
export function readRobotMessage(frame: StreamFrame): DingTalkPush | undefined {
  const d = frame.data;
  const userId = typeof d.senderStaffId === "string" ? d.senderStaffId : "";
  const msgId = typeof d.msgId === "string" ? d.msgId : frame.messageId;
  if (!userId) {
    return undefined;
  }
  const eventKey = `dingtalk:msg:${msgId}`;
  if (d.msgtype !== "text") {
    return { kind: "other", userId, eventKey, type: String(d.msgtype) };
  }
  const text = (d.text as { content?: unknown } | undefined)?.content;
  return {
    kind: "command",
    command: {
      channel: "dingtalk",
      externalUserId: userId,
      eventKey,
      // In a group the @mention is stripped but leaves a leading space.
      text: typeof text === "string" ? text.trim() : "",
    },
  };
}

function keyOf(push: DingTalkPush): string {
  switch (push.kind) {
    case "action":
      return push.action.eventKey;
    case "command":
      return push.command.eventKey;
    default:
      return push.eventKey;
  }
}

function digest(parts: string[]): string {
  return createHash("sha256")
    .update(JSON.stringify(parts))
    .digest("base64url")
    .slice(0, 32);
}
