/**
 * The robot half of the fake DingTalk: proactive 1:1 and group messages
 * (dingtalk.md sections 3.2-3.4), the messages users send the robot, and
 * the sessionWebhook that answers them (sections 2.2 and 2.5).
 */
import { randomBytes } from "node:crypto";
import {
  badParam,
  ok,
  oldError,
  type Answer,
  type Json,
} from "./dingtalk-http.js";

export interface FakeGroup {
  title: string;
  members: string[];
  /** The robot was added to the group (default true). */
  robot?: boolean;
}

/** A robot message the API accepted, one per recipient. */
export interface RobotDelivery {
  to: string;
  kind: "oto" | "group";
  msgKey: string;
  msgParam: Json;
  processQueryKey: string;
}

export interface SessionReply {
  conversationId: string;
  senderStaffId: string;
  body: Json;
}

export interface RobotMessageInput {
  text: string;
  senderStaffId: string;
  conversationType?: "1" | "2";
  /** Required for groups; a 1:1 chat gets one per sender. */
  conversationId?: string;
  msgId?: string;
}

/** What the robot needs to know of the fake around it. */
export interface RobotDirectory {
  clientId: string;
  corpId: string;
  users: Record<string, string>;
  groups: Record<string, FakeGroup>;
  sessionTtlMs: number;
  now: () => number;
  base: () => string;
}

interface SessionRecord {
  conversationId: string;
  senderStaffId: string;
  expiresAt: number;
}

export class FakeRobot {
  readonly messages: RobotDelivery[] = [];
  readonly sessionReplies: SessionReply[] = [];
  /** Users whose 1:1 robot messages are held back by flow control. */
  readonly flowControlled = new Set<string>();
  private readonly sessions = new Map<string, SessionRecord>();

  constructor(private readonly d: RobotDirectory) {}

  batchSend(b: Json): Answer {
    const robot = this.checkRobotCode(b.robotCode);
    if (robot) {
      return robot;
    }
    const userIds = Array.isArray(b.userIds) ? b.userIds.map(String) : [];
    if (userIds.length === 0) {
      return badParam("invalidParameter.userIds.empty", "userIds 不能为空");
    }
    if (userIds.length > 20) {
      return badParam("invalidParameter.userIds.overMax", "userIds 超过上限");
    }
    const param = checkMsgParam(b.msgKey, b.msgParam);
    if ("code" in param) {
      return badParam(param.code, param.message);
    }
    const processQueryKey = randomBytes(24).toString("base64");
    const invalid = userIds.filter((u) => !(u in this.d.users));
    const held = userIds.filter(
      (u) => !invalid.includes(u) && this.flowControlled.has(u),
    );
    for (const to of userIds) {
      if (!invalid.includes(to) && !held.includes(to)) {
        this.messages.push({ to, kind: "oto", ...param, processQueryKey });
      }
    }
    return ok({
      processQueryKey,
      invalidStaffIdList: invalid,
      flowControlledStaffIdList: held,
    });
  }

  groupSend(b: Json): Answer {
    const robot = this.checkRobotCode(b.robotCode);
    if (robot) {
      return robot;
    }
    const to =
      typeof b.openConversationId === "string" ? b.openConversationId : "";
    const group = this.d.groups[to];
    if (!group) {
      return badParam("invalid.openConversationId", "群会话不存在");
    }
    if (group.robot === false) {
      return badParam("invalidParameter.robotCode.notExsit", "机器人不在群内");
    }
    // The 15 000-byte cap is documented; its error code is not.
    if (Buffer.byteLength(String(b.msgParam ?? ""), "utf8") > 15_000) {
      return badParam(
        "invalidParameter.msgParam.length",
        "msgParam 超过 15000 字节",
      );
    }
    const param = checkMsgParam(b.msgKey, b.msgParam);
    if ("code" in param) {
      return badParam(param.code, param.message);
    }
    const processQueryKey = randomBytes(24).toString("base64");
    this.messages.push({ to, kind: "group", ...param, processQueryKey });
    return ok({ processQueryKey });
  }

  sendBySession(q: Record<string, string>, b: Json): Answer {
    const session = this.sessions.get(q.session ?? "");
    if (!session || session.expiresAt <= this.d.now()) {
      return oldError(300001, "session 不存在");
    }
    const bad = checkSessionBody(b);
    if (bad) {
      return oldError(bad.errcode, bad.errmsg);
    }
    this.sessionReplies.push({
      conversationId: session.conversationId,
      senderStaffId: session.senderStaffId,
      body: b,
    });
    return ok({ errcode: 0, errmsg: "ok" });
  }

  /** The `data` of a robot message a user sends; keeps its session. */
  robotData(input: RobotMessageInput): Json {
    const group = input.conversationType === "2";
    const now = this.d.now();
    const conversationId =
      input.conversationId ??
      (group
        ? ""
        : `cid${Buffer.from(input.senderStaffId).toString("base64")}`);
    const members = group ? this.d.groups[conversationId]?.members : [];
    if (!members) {
      throw new Error(`fake dingtalk: unknown group ${conversationId}`);
    }
    if (group && !members.includes(input.senderStaffId)) {
      throw new Error(`fake dingtalk: ${input.senderStaffId} not in group`);
    }
    const session = randomBytes(16).toString("hex");
    this.sessions.set(session, {
      conversationId,
      senderStaffId: input.senderStaffId,
      expiresAt: now + this.d.sessionTtlMs,
    });
    return {
      conversationId,
      atUsers: [{ dingtalkId: `$:LWCP_v1:$${this.d.clientId}` }],
      chatbotCorpId: this.d.corpId,
      chatbotUserId: `$:LWCP_v1:$${this.d.clientId}`,
      msgId: input.msgId ?? `msg${randomBytes(12).toString("base64")}`,
      senderNick: this.d.users[input.senderStaffId] ?? input.senderStaffId,
      isAdmin: false,
      senderStaffId: input.senderStaffId,
      sessionWebhookExpiredTime: now + this.d.sessionTtlMs,
      createAt: now,
      senderCorpId: this.d.corpId,
      conversationType: group ? "2" : "1",
      senderId: `$:LWCP_v1:$${input.senderStaffId}`,
      ...(group
        ? { conversationTitle: this.d.groups[conversationId].title }
        : {}),
      isInAtList: true,
      sessionWebhook: `${this.d.base()}/robot/sendBySession?session=${session}`,
      text: { content: group ? ` ${input.text}` : input.text },
      robotCode: this.d.clientId,
      msgtype: "text",
    };
  }

  private checkRobotCode(robotCode: unknown): Answer | undefined {
    if (typeof robotCode !== "string" || robotCode === "") {
      return badParam("invalidParameter.robotCode.empty", "robotCode 不能为空");
    }
    if (robotCode !== this.d.clientId) {
      return badParam("invalidParameter.robotCode.auth", "robotCode 不正确");
    }
    return undefined;
  }
}

/**
 * Fields each msgKey needs in msgParam. Keys whose button counts differ
 * between doc versions are only checked for being a JSON object.
 */
const MSG_KEYS: Record<string, string[]> = {
  sampleText: ["content"],
  sampleMarkdown: ["title", "text"],
  sampleImageMsg: ["photoURL"],
  sampleLink: ["text", "title", "picUrl", "messageUrl"],
  sampleActionCard: ["title", "text", "singleTitle", "singleURL"],
  sampleActionCard2: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard3: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard4: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard5: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard6: [
    "title",
    "text",
    "actionTitle1",
    "actionURL1",
    "actionTitle2",
    "actionURL2",
  ],
  sampleAudio: [],
  sampleFile: ["mediaId", "fileName", "fileType"],
  sampleVideo: [],
};

export type MsgParam =
  { msgKey: string; msgParam: Json } | { code: string; message: string };

/** msgParam is a string holding a JSON object with the key's fields. */
export function checkMsgParam(msgKey: unknown, msgParam: unknown): MsgParam {
  if (typeof msgKey !== "string" || msgKey === "") {
    return {
      code: "invalidParameter.msgKey.empty",
      message: "msgKey 不能为空",
    };
  }
  const fields = MSG_KEYS[msgKey];
  if (!fields) {
    return { code: "invalidParameter.msgKey.invalid", message: "msgKey 无效" };
  }
  const invalid = (message: string) => ({
    code: "invalidParameter.msgParam.invalid",
    message,
  });
  if (typeof msgParam !== "string") {
    return invalid("msgParam 必须是 JSON 字符串");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(msgParam);
  } catch {
    return invalid("msgParam 不是合法的 JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid("msgParam 必须是 JSON 对象");
  }
  const json = parsed as Json;
  const missing = fields.find(
    (f) => typeof json[f] !== "string" || json[f] === "",
  );
  if (missing) {
    return invalid(`msgParam 缺少 ${missing}`);
  }
  return { msgKey, msgParam: json };
}

const SESSION_TYPES: Record<string, string[]> = {
  text: ["content"],
  markdown: ["title", "text"],
  link: ["title", "text", "messageUrl"],
  actionCard: ["title", "text"],
  feedCard: [],
};

/**
 * A sessionWebhook body. The errcode for a bad body is not documented;
 * 40035 (missing parameter) stands in for it.
 */
export function checkSessionBody(
  body: Json,
): { errcode: number; errmsg: string } | undefined {
  const msgtype = typeof body.msgtype === "string" ? body.msgtype : "";
  const fields = SESSION_TYPES[msgtype];
  if (!fields) {
    return { errcode: 40035, errmsg: "缺少参数 msgtype 或其值无效" };
  }
  const content = body[msgtype];
  if (typeof content !== "object" || content === null) {
    return { errcode: 40035, errmsg: `缺少参数 ${msgtype}` };
  }
  const json = content as Json;
  const missing = fields.find(
    (f) => typeof json[f] !== "string" || json[f] === "",
  );
  return missing
    ? { errcode: 40035, errmsg: `缺少参数 ${msgtype}.${missing}` }
    : undefined;
}
