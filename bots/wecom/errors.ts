/**
 * WeCom answers every API call with HTTP 200 and an errcode. This turns a
 * non-zero errcode into a DeliveryError that says what to do next (try
 * again, fetch a new access token, or give up) and, when giving up, why,
 * in words an administrator can act on. Decisions rest on errcode only:
 * errmsg changes wording and carries request ids.
 */
import { DeliveryError } from "../../src/channels/types.js";

export type Remedy = "retry" | "refresh_token" | "give_up";

interface Rule {
  remedy: Remedy;
  reason: string;
  retryAfterMs?: number;
}

const THROTTLED_MS = 60_000;

const RULES: Record<number, Rule> = {
  [-1]: { remedy: "retry", reason: "企业微信系统繁忙" },
  40014: { remedy: "refresh_token", reason: "access_token 无效" },
  42001: { remedy: "refresh_token", reason: "access_token 已过期" },
  41001: { remedy: "refresh_token", reason: "缺少 access_token" },
  45009: {
    remedy: "retry",
    reason: "调用频率超过企业微信的限制",
    retryAfterMs: THROTTLED_MS,
  },
  45033: { remedy: "retry", reason: "并发调用超过企业微信的限制" },
  40001: {
    remedy: "give_up",
    reason: "应用 Secret 不正确，请核对 WECOM_SECRET",
  },
  40013: {
    remedy: "give_up",
    reason: "企业 ID 不正确，请核对 WECOM_CORP_ID",
  },
  40056: {
    remedy: "give_up",
    reason: "应用 AgentId 不正确，请核对 WECOM_AGENT_ID",
  },
  60020: {
    remedy: "give_up",
    reason:
      "服务器的出口 IP 不在应用的“企业可信IP”名单中，请在企业微信管理后台" +
      "“应用管理—本应用—企业可信IP”中添加",
  },
  60011: {
    remedy: "give_up",
    reason: "应用的可见范围不包含接收人，请在管理后台调整应用可见范围",
  },
  81013: {
    remedy: "give_up",
    reason: "接收人都无效或不在应用可见范围内，请核对人员绑定的企业微信账号",
  },
  40003: { remedy: "give_up", reason: "企业微信账号（UserID）不存在" },
  48002: {
    remedy: "give_up",
    reason: "应用没有调用该接口的权限，请在管理后台检查应用的接口权限",
  },
  50003: { remedy: "give_up", reason: "应用已被停用，请在管理后台启用" },
  45002: { remedy: "give_up", reason: "消息内容超过企业微信的长度限制" },
  44004: { remedy: "give_up", reason: "消息内容为空" },
  40008: { remedy: "give_up", reason: "消息类型不受支持" },
  40033: { remedy: "give_up", reason: "消息含有企业微信不接受的字符" },
  42022: {
    remedy: "give_up",
    reason: "卡片更新码已使用或已过期，需要重新发送卡片",
  },
  93000: {
    remedy: "give_up",
    reason: "群机器人 Webhook 地址无效，或机器人已被移出群聊",
  },
  93004: { remedy: "give_up", reason: "群机器人已被停用" },
};

/** A failed WeCom API call. `message` is what the administrator reads. */
export class WecomApiError extends DeliveryError {
  constructor(
    readonly errcode: number,
    readonly remedy: Remedy,
    readonly reason: string,
    retryAfterMs?: number,
  ) {
    super(
      `企业微信：${reason}（errcode ${errcode}）`,
      remedy !== "give_up",
      retryAfterMs,
    );
  }
}

export function wecomError(errcode: number): WecomApiError {
  const rule = RULES[errcode] ?? {
    // An unknown code is most often a request we built wrong: repeating
    // it will not help, and the code lets someone look it up.
    remedy: "give_up" as const,
    reason: "企业微信拒绝了请求",
  };
  return new WecomApiError(
    errcode,
    rule.remedy,
    rule.reason,
    rule.retryAfterMs,
  );
}

/** The token-expired codes after which a call is repeated once. */
export const needsNewToken = (error: unknown): boolean =>
  error instanceof WecomApiError && error.remedy === "refresh_token";
