/**
 * WeCom's doors into the web app: the callback (URL verification and
 * encrypted pushes) and the sign-in return. Mounted before the body
 * reader and the same-origin check: WeCom posts raw XML from its own
 * servers.
 */
import type { Context, Middleware } from "koa";
import { AppError, unknownPerson } from "../../src/errors.js";
import type { WebState } from "../../src/web/state.js";
import { startSession } from "../../src/web/session.js";
import { signInFirst } from "../../src/web/sign-in-first.js";
import { WecomCallbackError } from "./crypto.js";
import { WecomApiError } from "./errors.js";
import { parsePush } from "./events.js";
import type { Ack } from "./inbound.js";
import { isLocalPath, OAUTH_PATH } from "./oauth.js";
import type { WecomRuntime } from "./runtime.js";
import { xmlFields } from "./xml.js";

export const CALLBACK_PATH = "/wecom/callback";

/** A push is a few hundred bytes; anything this big is not WeCom. */
const PUSH_LIMIT_BYTES = 64 * 1024;

export function wecomRoutes(rt: WecomRuntime): Middleware<WebState> {
  const log = rt.log;
  return async (ctx, next) => {
    if (ctx.path === CALLBACK_PATH) {
      try {
        await callback(ctx, rt);
      } catch (error) {
        if (!(error instanceof WecomCallbackError)) {
          throw error;
        }
        // One line naming what to check; WeCom only sees the status.
        log.warn(
          { code: error.code, hint: error.hint, method: ctx.method },
          `wecom: callback refused: ${error.hint}`,
        );
        ctx.status = error.status;
        ctx.type = "text/plain";
        ctx.body = error.code;
      }
      return;
    }
    if (ctx.path === OAUTH_PATH && ctx.method === "GET") {
      await signIn(ctx, rt);
      return;
    }
    await next();
  };
}

async function callback(ctx: Context, rt: WecomRuntime): Promise<void> {
  const query = ctx.query as Record<string, unknown>;
  if (ctx.method === "GET") {
    // URL verification: the plain echostr, nothing around it.
    ctx.type = "text/plain";
    ctx.body = rt.crypto.verifyUrl(query);
    return;
  }
  if (ctx.method !== "POST") {
    ctx.status = 405;
    ctx.body = "";
    return;
  }
  const body = await rawBody(ctx);
  const xml = rt.crypto.openPush(query, body);
  const push = parsePush(xml, {
    corpId: rt.config.corpId,
    agentId: String(rt.config.agentId),
  });
  const ack = await rt.inbox.accept(push);
  if (ack.reply === "retry") {
    ctx.status = 503;
    ctx.type = "text/plain";
    ctx.body = "retry";
    return;
  }
  ctx.status = 200;
  ctx.type = "text/plain";
  ctx.body = ack.reply === "none" ? "" : passiveReply(rt, ack, query.nonce);
}

function passiveReply(
  rt: WecomRuntime,
  ack: Extract<Ack, { reply: "button" }>,
  nonce: unknown,
): string {
  const now = Math.floor(Date.now() / 1000);
  const inner =
    "<xml>" +
    xmlFields({
      ToUserName: ack.to,
      FromUserName: rt.config.corpId,
      CreateTime: now,
      MsgType: "update_button",
    }) +
    `<Button>${xmlFields({ ReplaceName: ack.label })}</Button></xml>`;
  return rt.crypto.sealReply(inner, {
    timestamp: now,
    nonce: typeof nonce === "string" ? nonce : undefined,
  });
}

async function rawBody(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > PUSH_LIMIT_BYTES) {
      throw new WecomCallbackError(
        "wecom_bad_envelope",
        "the callback body is larger than any WeCom push; check what " +
          "sends to this address",
        413,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** WeCom's sign-in comes back here with a one-time code. */
async function signIn(ctx: Context, rt: WecomRuntime): Promise<void> {
  const next = typeof ctx.query.next === "string" ? ctx.query.next : "";
  const state = typeof ctx.query.state === "string" ? ctx.query.state : "";
  const code = typeof ctx.query.code === "string" ? ctx.query.code : "";
  if (!isLocalPath(next) || !rt.oauth.checkState(next, state)) {
    throw new AppError(
      "wecom_oauth_bad_link",
      "登录链接不完整或已被改动。请回到企业微信，从卡片或消息中重新打开。",
      400,
    );
  }
  if (code === "" || code.length > 512) {
    throw new AppError(
      "wecom_oauth_no_code",
      "没有收到企业微信的身份信息。请在企业微信客户端中打开此链接。",
      401,
    );
  }
  let userid: string | undefined;
  try {
    userid = await rt.api.userIdForCode(code);
  } catch (error) {
    if (error instanceof WecomApiError && error.errcode === 40029) {
      throw new AppError(
        "wecom_oauth_code_expired",
        "登录凭据已失效（只能使用一次，5 分钟内有效）。请回到企业微信重新打开此链接。",
        401,
      );
    }
    rt.log.warn(
      { code: "wecom_oauth_failed", reason: (error as Error).message },
      "wecom: could not learn who opened a page",
    );
    throw new AppError(
      "wecom_oauth_failed",
      "暂时无法通过企业微信确认您的身份，请稍后重试；如果仍然不行，请联系管理员。",
      502,
    );
  }
  if (!userid) {
    throw new AppError(
      "wecom_oauth_not_member",
      "只有本单位企业微信通讯录中的成员可以打开此页面。",
      403,
    );
  }
  const person = await rt.bot.ctx.directory.personByBinding("wecom", userid);
  if (!person) {
    throw unknownPerson();
  }
  startSession(ctx, person.id);
  ctx.status = 303;
  ctx.redirect(next);
}

/** Pages opened inside WeCom (its User-Agent says wxwork) sign in first. */
export function signInInsideWecom(rt: WecomRuntime): Middleware<WebState> {
  return signInFirst(/wxwork/i, (path) => rt.oauth.authorizeUrl(path), [
    OAUTH_PATH,
  ]);
}
