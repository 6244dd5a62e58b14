/**
 * Turns a decrypted WeCom push into what the rest of the bot understands:
 * a card click becomes a NeutralAction, typed text a TextCommand. Every
 * result carries a dedupe key built from the decrypted fields alone, so a
 * redelivered push repeats its key and two real clicks never share one.
 */
import { createHash } from "node:crypto";
import type { NeutralAction } from "../../src/channels/types.js";
import type { TextCommand } from "../../src/commands.js";
import { WecomCallbackError } from "./crypto.js";
import { cardKeyOf } from "./task-id.js";
import { childOf, parseXml, textOf, XmlError, type XmlElement } from "./xml.js";

export type WecomInbound =
  | {
      kind: "action";
      action: NeutralAction;
      taskId: string;
      cardType: string;
      /** Single use, for update_template_card; absent on some pushes. */
      responseCode?: string;
    }
  | { kind: "command"; command: TextCommand }
  | {
      kind: "location";
      externalUserId: string;
      eventKey: string;
      latitude: number;
      longitude: number;
      label: string;
    }
  /** Anything else (images, voice, entering the app): no work, no error. */
  | { kind: "other"; externalUserId: string; eventKey: string; type: string };

const CARD_EVENTS = new Set([
  "template_card_event",
  "template_card_menu_event",
]);

export interface WecomApp {
  corpId: string;
  agentId?: string;
}

export function parsePush(xml: string, app: WecomApp): WecomInbound {
  try {
    return read(parseXml(xml), app);
  } catch (error) {
    if (error instanceof XmlError) {
      throw badEvent(`the decrypted push is malformed: ${error.message}`);
    }
    throw error;
  }
}

function read(root: XmlElement, app: WecomApp): WecomInbound {
  if (root.name !== "xml") {
    throw badEvent("the root element is not <xml>");
  }
  const field = (name: string) => textOf(root, name) ?? "";

  if (field("ToUserName") !== app.corpId) {
    throw badEvent("ToUserName is not our corp; check WECOM_CORP_ID");
  }
  const agentId = field("AgentID");
  if (app.agentId !== undefined && agentId !== app.agentId) {
    throw badEvent(`AgentID ${agentId} is not ours; check WECOM_AGENT_ID`);
  }
  const from = required(field("FromUserName"), "FromUserName");
  const createTime = required(field("CreateTime"), "CreateTime");
  if (!/^\d{1,12}$/.test(createTime)) {
    throw badEvent("CreateTime is not a number of seconds");
  }

  const msgType = required(field("MsgType"), "MsgType");
  if (msgType === "event") {
    return parseEvent(root, from, createTime);
  }

  // Messages carry a 64-bit MsgId: the doc's dedupe key. A string, since
  // it does not fit a JavaScript number.
  const msgId = field("MsgId");
  if (!/^\d{1,20}$/.test(msgId)) {
    throw badEvent("a message without a numeric MsgId");
  }
  const eventKey = `wecom:msg:${msgId}`;
  if (msgType === "text") {
    const text = field("Content");
    return {
      kind: "command",
      command: { channel: "wecom", externalUserId: from, eventKey, text },
    };
  }
  if (msgType === "location") {
    return {
      kind: "location",
      externalUserId: from,
      eventKey,
      latitude: coordinate(field("Location_X"), 90),
      longitude: coordinate(field("Location_Y"), 180),
      label: field("Label"),
    };
  }
  return { kind: "other", externalUserId: from, eventKey, type: msgType };
}

function parseEvent(
  root: XmlElement,
  from: string,
  createTime: string,
): WecomInbound {
  const field = (name: string) => textOf(root, name) ?? "";
  const event = required(field("Event"), "Event");
  const key = field("EventKey");

  if (!CARD_EVENTS.has(event)) {
    // The doc's key for events: who and when, plus what, for safety.
    const eventKey = digestKey("event", [from, createTime, event, key]);
    return { kind: "other", externalUserId: from, eventKey, type: event };
  }

  const taskId = required(field("TaskId"), "TaskId");
  const values = selections(root);
  // Two clicks in one second differ in card, button or choice; a retry
  // repeats all of them.
  const eventKey = digestKey("card", [
    from,
    createTime,
    event,
    taskId,
    key,
    JSON.stringify(Object.entries(values).sort()),
  ]);
  return {
    kind: "action",
    action: {
      channel: "wecom",
      eventKey,
      externalUserId: from,
      cardKey: cardKeyOf(taskId),
      action: required(key, "EventKey"),
      values,
    },
    taskId,
    cardType: field("CardType"),
    responseCode: field("ResponseCode") || undefined,
  };
}

/** SelectedItems: one entry per question, options joined by commas. */
function selections(root: XmlElement): Record<string, string> {
  const list = childOf(root, "SelectedItems");
  const values: Record<string, string> = {};
  for (const item of list?.children ?? []) {
    const question = required(textOf(item, "QuestionKey") ?? "", "QuestionKey");
    if (item.name !== "SelectedItem" || question in values) {
      throw badEvent("SelectedItems is not one item per question");
    }
    const options = childOf(item, "OptionIds")?.children ?? [];
    values[question] = options.map((o) => o.text).join(",");
  }
  return values;
}

function digestKey(kind: string, parts: string[]): string {
  const hash = createHash("sha256").update(JSON.stringify(parts));
  return `wecom:${kind}:${hash.digest("base64url").slice(0, 32)}`;
}

function required(value: string, name: string): string {
  if (value === "") {
    throw badEvent(`the push has no ${name}`);
  }
  return value;
}

function coordinate(value: string, limit: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || Math.abs(n) > limit) {
    throw badEvent("a location with an impossible coordinate");
  }
  return n;
}

const badEvent = (hint: string) =>
  new WecomCallbackError("wecom_bad_event", hint);
