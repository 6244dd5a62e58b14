/**
 * The WeCom channel: what the outbox hands it goes out as app messages to
 * one member (template cards, markdown, text) or through a group's robot.
 *
 * A card is a task of its own each time it is sent (task ids are never
 * reused). To change a delivered card we spend one of its response codes
 * (from the send, or from that member's clicks); when none is left or
 * they have aged out, a fresh card goes out and the old task is marked
 * superseded, so a click on it is answered as such.
 */
import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db, Store } from "../../db/index.js";
import {
  DeliveryError,
  type Card,
  type Channel,
  type Delivery,
  type OutboundMessage,
  type Recipient,
} from "../../src/channels/types.js";
import type { WecomConfig } from "../../src/config.js";
import type { Logger } from "../../src/logger.js";
import type { Clock } from "../../src/time.js";
import type { WecomApi } from "./api.js";
import { WecomApiError } from "./errors.js";
import { Pacer, PERSON_LIMITS, ROBOT_LIMITS } from "./pacer.js";
import {
  APP_TEXT_BYTES,
  markdownContent,
  ROBOT_MARKDOWN_BYTES,
  splitByBytes,
  templateCard,
} from "./render.js";
import { exportPath } from "../../src/exports/files.js";
import { taskIdFor } from "./task-id.js";

type Json = Record<string, unknown>;

export interface ResponseCode {
  code: string;
  at: number;
}

export interface WecomChannelDeps {
  api: WecomApi;
  store: Store;
  clock: Clock;
  config: WecomConfig;
  log: Logger;
  /** Wraps a link to our pages in WeCom's sign-in. */
  link: (url: string) => string;
  /** Where exported files are (EXPORT_DIR). */
  exportDir: string;
}

export class WecomChannel implements Channel {
  readonly name = "wecom" as const;
  private readonly people: Pacer;
  private readonly robots: Pacer;

  constructor(private readonly d: WecomChannelDeps) {
    // Rate limits are WeCom's, on its wall clock, whatever the bot's is.
    this.people = new Pacer(PERSON_LIMITS, Date.now);
    this.robots = new Pacer(ROBOT_LIMITS, Date.now);
  }

  async deliver(
    recipient: Recipient,
    message: OutboundMessage,
    previousRef?: string,
  ): Promise<Delivery> {
    if (recipient.type === "group") {
      await this.toGroup(recipient.externalId, message);
      return {};
    }
    const userid = recipient.externalId;
    switch (message.type) {
      case "text":
        await this.sendParts(
          userid,
          "text",
          splitByBytes(message.text, APP_TEXT_BYTES),
        );
        return {};
      case "markdown":
        await this.sendParts(
          userid,
          "markdown",
          splitByBytes(
            markdownContent(message.title, message.text),
            APP_TEXT_BYTES,
          ),
        );
        return {};
      case "card":
        return this.sendCard(recipient, message.card);
      case "card_update":
        return this.updateCard(recipient, message.card, previousRef);
      case "file": {
        this.people.take(userid);
        const path = exportPath(this.d.exportDir, message.token);
        const mediaId = await this.d.api.uploadFile(path, message.name);
        checkRecipient(await this.d.api.sendFile(userid, mediaId), userid);
        return {};
      }
    }
  }

  private async sendParts(
    userid: string,
    type: "text" | "markdown",
    parts: string[],
  ): Promise<void> {
    this.people.take(userid, parts.length);
    for (const part of parts) {
      const res =
        type === "text"
          ? await this.d.api.sendText(userid, part)
          : await this.d.api.sendMarkdown(userid, part);
      checkRecipient(res, userid);
    }
  }

  private async sendCard(recipient: Recipient, card: Card): Promise<Delivery> {
    const userid = recipient.externalId;
    const now = this.d.clock.now();
    const taskId = taskIdFor(card.key, serial(now));
    this.people.take(userid);
    const res = await this.d.api.sendCard(
      userid,
      templateCard(card, taskId, this.d.link),
    );
    checkRecipient(res, userid);
    const codes: ResponseCode[] =
      typeof res.response_code === "string" && res.response_code !== ""
        ? [{ code: res.response_code, at: now }]
        : [];
    const { store } = this.d;
    const { wecomCards } = store.t;
    await store.tx(async (q) => {
      await q
        .update(wecomCards)
        .set({ supersededAt: now })
        .where(
          and(
            eq(wecomCards.cardKey, card.key),
            eq(wecomCards.personId, recipient.id),
            isNull(wecomCards.supersededAt),
          ),
        );
      await store.insert(q, wecomCards, {
        taskId,
        cardKey: card.key,
        personId: recipient.id,
        userid,
        responseCodes: JSON.stringify(codes),
        card: JSON.stringify(card),
        sentAt: now,
      });
    });
    return { externalRef: taskId };
  }

  private async updateCard(
    recipient: Recipient,
    card: Card,
    taskId?: string,
  ): Promise<Delivery> {
    const { store } = this.d;
    const { wecomCards } = store.t;
    const [copy] = taskId
      ? await store.db
          .select()
          .from(wecomCards)
          .where(eq(wecomCards.taskId, taskId))
      : [];
    if (!copy || copy.supersededAt !== null || copy.personId !== recipient.id) {
      return this.sendCard(recipient, card);
    }
    const now = this.d.clock.now();
    // Room first: a code taken and then not used would be lost.
    this.people.take(recipient.externalId);
    const code = await this.takeCode(copy.id, now);
    if (!code) {
      return this.sendCard(recipient, card);
    }
    try {
      await this.d.api.updateCard({
        userids: [recipient.externalId],
        response_code: code,
        template_card: templateCard(card, copy.taskId, this.d.link),
      });
    } catch (error) {
      if (error instanceof WecomApiError && error.remedy === "give_up") {
        // Most likely the code: spent or aged out at WeCom's end. A fresh
        // card reaches the member; if WeCom refuses that too, its own
        // error says why.
        this.d.log.info(
          { taskId: copy.taskId, errcode: error.errcode },
          "wecom: card update refused, sending a fresh card",
        );
        return this.sendCard(recipient, card);
      }
      throw error;
    }
    await store.db
      .update(wecomCards)
      .set({ card: JSON.stringify(card) })
      .where(eq(wecomCards.id, copy.id));
    return { externalRef: copy.taskId };
  }

  /**
   * Takes the oldest response code still inside the window (it expires
   * first) and drops the aged ones. Undefined when none is left.
   */
  private async takeCode(id: number, now: number): Promise<string | undefined> {
    const { store } = this.d;
    const { wecomCards } = store.t;
    return store.tx(async (q: Db) => {
      const [row] = await q
        .select({ codes: wecomCards.responseCodes })
        .from(wecomCards)
        .where(eq(wecomCards.id, id));
      const window = this.d.config.cardUpdateWindowMs;
      const fresh = parseCodes(row?.codes).filter((c) => now - c.at < window);
      fresh.sort((a, b) => a.at - b.at);
      const taken = fresh.shift();
      await q
        .update(wecomCards)
        .set({ responseCodes: JSON.stringify(fresh) })
        .where(eq(wecomCards.id, id));
      return taken?.code;
    });
  }

  /** Group summaries through the group's robot. */
  private async toGroup(group: string, message: OutboundMessage) {
    const key = this.d.config.robotKeys[group];
    if (!key) {
      throw new DeliveryError(
        `企业微信：群“${group}”没有配置群机器人（WECOM_ROBOT_KEYS）`,
        false,
      );
    }
    if (message.type === "file") {
      throw new DeliveryError("导出的文件含个人信息，不发到群里", false);
    }
    let bodies: Json[];
    if (message.type === "text") {
      bodies = splitByBytes(message.text, APP_TEXT_BYTES).map((content) => ({
        msgtype: "text",
        text: { content },
      }));
    } else {
      const content =
        message.type === "markdown"
          ? markdownContent(message.title, message.text)
          : cardAsMarkdown(message.card, this.d.link);
      bodies = splitByBytes(content, ROBOT_MARKDOWN_BYTES).map((part) => ({
        msgtype: "markdown",
        markdown: { content: part },
      }));
    }
    this.robots.take(group, bodies.length);
    for (const body of bodies) {
      await this.d.api.webhook(key, body);
    }
  }
}

/** WeCom says "ok" and lists the recipients it could not reach. */
function checkRecipient(res: Json, userid: string): void {
  const invalid = String(res.invaliduser ?? "")
    .split("|")
    .map((u) => u.toLowerCase());
  if (invalid.includes(userid.toLowerCase())) {
    throw new DeliveryError(
      `企业微信：账号“${userid}”无效或不在应用可见范围内，请核对人员名单中的企业微信账号和应用可见范围`,
      false,
    );
  }
}

export function parseCodes(value: string | null | undefined): ResponseCode[] {
  try {
    const parsed: unknown = JSON.parse(value ?? "[]");
    return Array.isArray(parsed)
      ? parsed.filter(
          (c): c is ResponseCode =>
            typeof c?.code === "string" && typeof c?.at === "number",
        )
      : [];
  } catch {
    return [];
  }
}

/** Unique per sending: the instant in base 36 and six random hex digits. */
function serial(now: number): string {
  return `${now.toString(36)}-${randomBytes(3).toString("hex")}`;
}

/** A robot cannot take clicks: a card goes to a group as markdown. */
function cardAsMarkdown(card: Card, link: (url: string) => string): string {
  const lines = [`**${card.title}**`];
  if (card.status) {
    lines.push(card.status.text);
  }
  for (const f of card.fields) {
    lines.push(`> ${f.label}：${f.value}`);
  }
  if (card.note) {
    lines.push(card.note);
  }
  if (card.url) {
    lines.push(`[查看详情](${link(card.url)})`);
  }
  return lines.join("\n");
}
