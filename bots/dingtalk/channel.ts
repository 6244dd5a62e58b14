/**
 * The DingTalk channel: what the outbox hands it goes out through the
 * app's robot — interactive cards (callbacks on Stream) into each member's
 * chat with the robot, texts and markdown as one-to-one robot messages,
 * group summaries as group robot messages. Never through a session
 * webhook: those expire within the hour.
 *
 * A card is one instance per sending to one member; changing it is a PUT
 * on that instance, so every copy shows the same state.
 */
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { fitBytes } from "../../src/channels/text.js";
import {
  DeliveryError,
  type Card,
  type Channel,
  type Delivery,
  type OutboundMessage,
  type Recipient,
} from "../../src/channels/types.js";
import type { DingTalkConfig } from "../../src/config.js";
import type { Logger } from "../../src/logger.js";
import { formatInstant, type Clock } from "../../src/time.js";
import type { DingTalkApi, Json } from "./api.js";
import { DingTalkApiError } from "./errors.js";
import { exportPath } from "../../src/exports/files.js";
import { cardAsMarkdown, cardParams } from "./render.js";

/**
 * Group robot messages are capped at 15 000 bytes; ours stay one message
 * each (a message in parts, throttled half way, would be sent twice).
 */
const MESSAGE_BYTES = 6_000;

export interface DingTalkChannelDeps {
  api: DingTalkApi;
  store: Store;
  clock: Clock;
  config: DingTalkConfig;
  log: Logger;
  /** Wraps a link to our pages so it opens inside DingTalk, signed in. */
  link: (url: string) => string;
  /** Where exported files are (EXPORT_DIR). */
  exportDir: string;
}

export class DingTalkChannel implements Channel {
  readonly name = "dingtalk" as const;
  /** batchSend takes 20 userIds a call. */
  readonly batchSize = 20;

  constructor(private readonly d: DingTalkChannelDeps) {}

  async deliver(
    recipient: Recipient,
    message: OutboundMessage,
    previousRef?: string,
  ): Promise<Delivery> {
    if (recipient.type === "group") {
      await this.toGroup(recipient.externalId, message);
      return {};
    }
    const userId = recipient.externalId;
    switch (message.type) {
      case "text":
      case "markdown":
        for (const { msgKey, param } of robotMessages(message)) {
          await this.toMember(userId, msgKey, param);
        }
        return {};
      case "card":
        return this.sendCard(recipient, message.card);
      case "card_update":
        return this.updateCard(recipient, message.card, previousRef);
      case "file": {
        const path = exportPath(this.d.exportDir, message.token);
        const mediaId = await this.d.api.uploadFile(path, message.name);
        await this.toMember(userId, "sampleFile", {
          mediaId,
          fileName: message.name,
          fileType: "xlsx",
        });
        return {};
      }
    }
  }

  /**
   * The same text or markdown to up to 20 members in one call per part;
   * invalid and flow-controlled members come back as their failures.
   */
  async deliverMany(
    recipients: Recipient[],
    message: OutboundMessage,
  ): Promise<Map<number, unknown>> {
    const ids = recipients.map((r) => r.externalId);
    const failures = new Map<number, unknown>();
    for (const { msgKey, param } of robotMessages(message)) {
      const { invalid, flowControlled } = await this.d.api.batchSend(
        ids,
        msgKey,
        param,
      );
      for (const r of recipients) {
        const error = recipientError(r.externalId, invalid, flowControlled);
        if (error && !failures.has(r.id)) {
          failures.set(r.id, error);
        }
      }
    }
    return failures;
  }

  /** The card's variables as they are now, for a click's answer. */
  params(card: Card): Record<string, string> {
    return cardParams(
      card,
      this.d.link,
      formatInstant(this.d.clock.now()).slice(5),
    );
  }

  private async toMember(userId: string, msgKey: string, param: Json) {
    const { invalid, flowControlled } = await this.d.api.batchSend(
      [userId],
      msgKey,
      param,
    );
    const error = recipientError(userId, invalid, flowControlled);
    if (error) {
      throw error;
    }
  }

  private async sendCard(recipient: Recipient, card: Card): Promise<Delivery> {
    const outTrackId = await this.create(
      card,
      recipient.id,
      recipient.externalId,
      {
        openSpaceId: `dtv1.card//IM_ROBOT.${recipient.externalId}`,
        imRobotOpenSpaceModel: {
          supportForward: false,
          lastMessageI18n: { ZH_CN: card.title },
        },
        imRobotOpenDeliverModel: {
          spaceType: "IM_ROBOT",
          robotCode: this.d.config.robotCode,
        },
      },
    );
    await this.syncGroupCopy(card);
    return { externalRef: outTrackId };
  }

  /** Creates and delivers a card instance, and records it. */
  private async create(
    card: Card,
    personId: number,
    userId: string,
    space: Json,
  ): Promise<string> {
    const { api, config, store, clock } = this.d;
    const now = clock.now();
    const outTrackId = trackIdFor(card.key, personId, now);
    const res = await api.createAndDeliver({
      cardTemplateId: config.cardTemplateId,
      outTrackId,
      callbackType: "STREAM",
      cardData: { cardParamMap: this.params(card) },
      ...space,
      userIdType: 1,
    });
    const result = (res.result ?? {}) as Json;
    const failed = (
      Array.isArray(result.deliverResults) ? result.deliverResults : []
    ).find((r: Json) => r.success === false) as Json | undefined;
    if (failed) {
      throw new DeliveryError(
        `钉钉：卡片未送达（${String(failed.errorMsg || "原因不明")}），请核对钉钉账号、群和应用可见范围`,
        false,
      );
    }
    const { dingtalkCards } = store.t;
    await store.tx((q) =>
      store.insert(q, dingtalkCards, {
        outTrackId,
        cardKey: card.key,
        personId,
        userId,
        card: JSON.stringify(card),
        sentAt: now,
      }),
    );
    return outTrackId;
  }

  /**
   * A unit with its own group (DINGTALK_UNIT_GROUPS) gets its notice card
   * there too, once, kept in step with the liaisons' copies. A failure
   * here is logged, not thrown: the liaison's copy was delivered, and the
   * next change tries the group again.
   */
  private async syncGroupCopy(card: Card): Promise<void> {
    const match = /^referral:\d+:unit:(\d+)$/.exec(card.key);
    if (!match) {
      return;
    }
    const { store, config } = this.d;
    const { units, dingtalkCards } = store.t;
    try {
      const [unit] = await store.db
        .select({ code: units.code })
        .from(units)
        .where(eq(units.id, Number(match[1])));
      const cid = unit && config.unitGroups[unit.code];
      if (!cid) {
        return;
      }
      const [copy] = await store.db
        .select()
        .from(dingtalkCards)
        .where(
          and(
            eq(dingtalkCards.cardKey, card.key),
            eq(dingtalkCards.personId, 0),
          ),
        );
      if (!copy) {
        await this.create(card, 0, `group:${cid}`, {
          openSpaceId: `dtv1.card//IM_GROUP.${cid}`,
          imGroupOpenSpaceModel: {
            supportForward: false,
            lastMessageI18n: { ZH_CN: card.title },
          },
          imGroupOpenDeliverModel: { robotCode: config.robotCode },
        });
        return;
      }
      const now = JSON.stringify(card);
      if (copy.card !== now) {
        await this.d.api.updateCard({
          outTrackId: copy.outTrackId,
          cardData: { cardParamMap: this.params(card) },
          cardUpdateOptions: { updateCardDataByKey: true },
          userIdType: 1,
        });
        await store.db
          .update(dingtalkCards)
          .set({ card: now })
          .where(eq(dingtalkCards.id, copy.id));
      }
    } catch (error) {
      this.d.log.warn(
        { err: error, code: "dingtalk_group_card_failed", cardKey: card.key },
        "dingtalk: the unit group's copy of a card could not be sent or changed",
      );
    }
  }

  private async updateCard(
    recipient: Recipient,
    card: Card,
    outTrackId?: string,
  ): Promise<Delivery> {
    const { store } = this.d;
    const { dingtalkCards } = store.t;
    const [copy] = outTrackId
      ? await store.db
          .select()
          .from(dingtalkCards)
          .where(eq(dingtalkCards.outTrackId, outTrackId))
      : [];
    if (!copy || copy.personId !== recipient.id) {
      return this.sendCard(recipient, card);
    }
    try {
      await this.d.api.updateCard({
        outTrackId: copy.outTrackId,
        cardData: { cardParamMap: this.params(card) },
        cardUpdateOptions: { updateCardDataByKey: true },
        userIdType: 1,
      });
    } catch (error) {
      if (
        error instanceof DingTalkApiError &&
        error.code === "param.cardNotExist"
      ) {
        return this.sendCard(recipient, card);
      }
      throw error;
    }
    await store.db
      .update(dingtalkCards)
      .set({ card: JSON.stringify(card) })
      .where(eq(dingtalkCards.id, copy.id));
    await this.syncGroupCopy(card);
    return { externalRef: copy.outTrackId };
  }

  private async toGroup(group: string, message: OutboundMessage) {
    const cid = this.d.config.groups[group];
    if (!cid) {
      throw new DeliveryError(
        `钉钉：群“${group}”没有配置会话编号（DINGTALK_GROUPS）`,
        false,
      );
    }
    if (message.type === "file") {
      throw new DeliveryError("导出的文件含个人信息，不发到群里", false);
    }
    const body =
      message.type === "text" || message.type === "markdown"
        ? message
        : {
            type: "markdown" as const,
            ...cardAsMarkdown(message.card, this.d.link),
          };
    const [{ msgKey, param }] = robotMessages(body);
    await this.d.api.groupSend(cid, msgKey, param);
  }
}

/** A text or markdown as one robot message, cut short to fit. */
function robotMessages(
  message: OutboundMessage,
): { msgKey: string; param: Json }[] {
  if (message.type === "text") {
    return [
      {
        msgKey: "sampleText",
        param: { content: fitBytes(message.text, MESSAGE_BYTES) },
      },
    ];
  }
  if (message.type === "markdown") {
    return [
      {
        msgKey: "sampleMarkdown",
        param: {
          title: message.title,
          text: fitBytes(message.text, MESSAGE_BYTES),
        },
      },
    ];
  }
  throw new Error(`not a robot message: ${message.type}`);
}

/** What batchSend said about one member, as the outbox's error. */
function recipientError(
  userId: string,
  invalid: string[],
  flowControlled: string[],
): DeliveryError | undefined {
  if (invalid.includes(userId)) {
    return new DeliveryError(
      `钉钉：账号“${userId}”无效或不在应用可见范围内，请核对人员名单中的钉钉账号和应用可见范围`,
      false,
    );
  }
  if (flowControlled.includes(userId)) {
    // Backing off (30 s, 1 min, 2 min …): every try costs a metered call.
    return new DeliveryError("钉钉：此接收人暂时被限流，稍后重发", true);
  }
  return undefined;
}

/**
 * A card instance's id: unique for ever (an id is never reused), readable
 * in logs, letters, digits, "_" and "-" only.
 */
export function trackIdFor(cardKey: string, personId: number, now: number) {
  const key = cardKey.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 80);
  return `${key}-p${personId}-${now.toString(36)}${randomBytes(3).toString("hex")}`;
}
