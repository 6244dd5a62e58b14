/**
 * DingTalk answers failures in two shapes (dingtalk.md 3.1): the new API
 * with an HTTP 4xx/5xx and `{code, message, requestid}`, the old API with
 * HTTP 200 and `{errcode, errmsg}` (throttling wrapped as errcode 88 with
 * a sub_code). Both become a DingTalkApiError that says what to do next —
 * retry, fetch a new token, back off, or give up — and, when giving up,
 * why, in words an administrator can act on. Decisions rest on the codes,
 * never on the messages.
 */
import { DeliveryError } from "../../src/channels/types.js";

export type Remedy = "retry" | "refresh_token" | "back_off" | "give_up";

interface Rule {
  remedy: Remedy;
  reason: string;
  retryAfterMs?: number;
}

/** A throttled app waits at least a second (dingtalk.md 7). */
const QPS_WAIT_MS = 2_000;
/** Robot send limits: wait a minute. */
const SEND_WAIT_MS = 60_000;

const NEW_API: Record<string, Rule> = {
  InvalidAuthentication: {
    remedy: "refresh_token",
    reason: "access_token 无效",
  },
  "AuthenticationFailed.MissingParameter": {
    remedy: "refresh_token",
    reason: "缺少 access_token",
  },
  "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi": {
    remedy: "back_off",
    reason: "调用频率超过钉钉对本应用的限制",
    retryAfterMs: QPS_WAIT_MS,
  },
  "Forbidden.AccessDenied.QpsLimitForApi": {
    remedy: "back_off",
    reason: "钉钉接口整体繁忙（频率限制）",
    retryAfterMs: QPS_WAIT_MS,
  },
  "Forbidden.AccessDenied.ApiCountLimitForOrg": {
    remedy: "give_up",
    reason:
      "本组织本月的钉钉接口调用次数已用完，下月 1 日恢复；可在钉钉开放平台升级版本或购买调用量",
  },
  "send.too.fast": {
    remedy: "back_off",
    reason: "机器人发送过快",
    retryAfterMs: SEND_WAIT_MS,
  },
  "send.byToken.tooFast": {
    remedy: "back_off",
    reason: "机器人发送过快",
    retryAfterMs: SEND_WAIT_MS,
  },
  "too.many.people": {
    remedy: "back_off",
    reason: "短时间内发送的人数过多",
    retryAfterMs: SEND_WAIT_MS,
  },
  "too.many.group": {
    remedy: "back_off",
    reason: "短时间内发送的群过多",
    retryAfterMs: SEND_WAIT_MS,
  },
  invalidClientIdOrSecret: {
    remedy: "give_up",
    reason:
      "应用的 Client ID 或 Client Secret 不正确，请核对 DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET",
  },
  authFailed: {
    remedy: "give_up",
    reason:
      "应用的 Client ID 或 Client Secret 不正确，请核对 DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET",
  },
  "param.templateNotExist": {
    remedy: "give_up",
    reason:
      "卡片模板不存在，请核对 DINGTALK_CARD_TEMPLATE_ID，并确认模板已关联本应用",
  },
  "param.templateUnpublished": {
    remedy: "give_up",
    reason: "卡片模板尚未发布，请在钉钉卡片平台发布后重试",
  },
  "param.userIdNotExist": {
    remedy: "give_up",
    reason: "钉钉账号（userId）不存在，请核对人员名单中的钉钉账号",
  },
  "param.cardNotExist": { remedy: "give_up", reason: "要更新的卡片不存在" },
  "param.cardAlreadyExist": { remedy: "give_up", reason: "卡片编号重复" },
  "param.contentUnsafe": {
    remedy: "give_up",
    reason: "消息内容未通过钉钉的内容安全审核",
  },
  "invalid.openConversationId": {
    remedy: "give_up",
    reason: "群会话编号无效，请核对 DINGTALK_GROUPS",
  },
  "invalidParameter.robotCode.notExsit": {
    remedy: "give_up",
    reason:
      "机器人不在该群中，或 RobotCode 不正确，请核对 DINGTALK_ROBOT_CODE 并把机器人加入群",
  },
  "bot.stopped": { remedy: "give_up", reason: "机器人已被停用" },
  "system.busy": { remedy: "retry", reason: "钉钉系统繁忙" },
};

const OLD_API: Record<number, Rule> = {
  [-1]: { remedy: "retry", reason: "钉钉系统繁忙" },
  40014: { remedy: "refresh_token", reason: "access_token 无效" },
  42001: { remedy: "refresh_token", reason: "access_token 已过期" },
  90018: {
    remedy: "back_off",
    reason: "调用频率超过钉钉对本应用的限制",
    retryAfterMs: QPS_WAIT_MS,
  },
  90002: {
    remedy: "back_off",
    reason: "钉钉接口整体繁忙（频率限制）",
    retryAfterMs: QPS_WAIT_MS,
  },
  90020: NEW_API["Forbidden.AccessDenied.ApiCountLimitForOrg"],
  40096: NEW_API.invalidClientIdOrSecret,
  40078: { remedy: "give_up", reason: "免登授权码无效或已使用" },
  300001: { remedy: "give_up", reason: "会话已过期" },
  310000: {
    remedy: "give_up",
    reason: "群机器人安全设置不通过（关键词、加签或 IP 白名单）",
  },
  300005: { remedy: "give_up", reason: "群机器人 access_token 不存在" },
  660026: {
    remedy: "back_off",
    reason: "群机器人每分钟发送超过 20 条",
    retryAfterMs: 10 * 60_000,
  },
  130101: {
    remedy: "back_off",
    reason: "群机器人每分钟发送超过 20 条",
    retryAfterMs: 10 * 60_000,
  },
};

/** A failed DingTalk call. `message` is what the administrator reads. */
export class DingTalkApiError extends DeliveryError {
  constructor(
    /** The new API's `code`, or the old API's errcode as text. */
    readonly code: string,
    readonly remedy: Remedy,
    readonly reason: string,
    retryAfterMs?: number,
  ) {
    super(`钉钉：${reason}（${code}）`, remedy !== "give_up", retryAfterMs);
  }
}

/** A new-API failure: HTTP status and the body's `code`. */
export function newApiError(status: number, code: unknown): DingTalkApiError {
  const name =
    typeof code === "string" && code !== "" ? code : `HTTP ${status}`;
  const rule =
    NEW_API[name] ??
    (name.startsWith("invalidParameter.")
      ? { remedy: "give_up" as const, reason: "请求参数不被钉钉接受" }
      : status >= 500
        ? { remedy: "retry" as const, reason: "钉钉服务暂时不可用" }
        : status === 401
          ? { remedy: "refresh_token" as const, reason: "身份验证失败" }
          : { remedy: "give_up" as const, reason: "钉钉拒绝了请求" });
  return new DingTalkApiError(
    name,
    rule.remedy,
    rule.reason,
    rule.retryAfterMs,
  );
}

/** An old-API failure: errcode, and for errcode 88 the sub_code inside. */
export function oldApiError(
  errcode: number,
  subCode?: unknown,
): DingTalkApiError {
  const sub = Number(subCode);
  const effective = errcode === 88 && Number.isInteger(sub) ? sub : errcode;
  const rule = OLD_API[effective] ?? {
    remedy: "give_up" as const,
    reason: "钉钉拒绝了请求",
  };
  return new DingTalkApiError(
    String(effective),
    rule.remedy,
    rule.reason,
    rule.retryAfterMs,
  );
}

export const needsNewToken = (error: unknown): boolean =>
  error instanceof DingTalkApiError && error.remedy === "refresh_token";
