/**
 * WeCom, assembled: the API client, the callback's crypto, the channel
 * the outbox delivers through, the inbox that handles pushes, and the
 * sign-in for pages. `boot` builds it when WECOM_* is configured.
 */
import type { Bot } from "../../src/boot.js";
import type { AppContext } from "../../src/context.js";
import type { WecomConfig } from "../../src/config.js";
import type { Logger } from "../../src/logger.js";
import { WecomApi } from "./api.js";
import { WecomChannel } from "./channel.js";
import { WecomCrypto } from "./crypto.js";
import { WecomInbox } from "./inbound.js";
import { WecomOAuth } from "./oauth.js";

export interface WecomRuntime {
  config: WecomConfig;
  api: WecomApi;
  crypto: WecomCrypto;
  channel: WecomChannel;
  oauth: WecomOAuth;
  inbox: WecomInbox;
  bot: Bot;
  log: Logger;
}

/** The parts that exist before the bot does: registered on its outbox. */
export function wecomParts(ctx: AppContext, wecom: WecomConfig) {
  const log = ctx.log.child({ name: "wecom" });
  const api = new WecomApi({
    baseUrl: wecom.apiBase,
    corpId: wecom.corpId,
    secret: wecom.secret,
    agentId: wecom.agentId,
    log,
  });
  const oauth = new WecomOAuth(
    wecom,
    ctx.config.publicUrl,
    ctx.config.sessionSecret!,
  );
  const channel = new WecomChannel({
    api,
    store: ctx.store,
    clock: ctx.clock,
    config: wecom,
    log,
    link: oauth.link,
    exportDir: ctx.config.exportDir,
  });
  const crypto = new WecomCrypto({
    token: wecom.token,
    encodingAesKey: wecom.encodingAesKey,
    corpId: wecom.corpId,
  });
  return { log, api, oauth, channel, crypto };
}

export function wecomRuntime(
  bot: Bot,
  wecom: WecomConfig,
  parts: ReturnType<typeof wecomParts>,
): WecomRuntime {
  const inbox = new WecomInbox(bot, parts.api, parts.oauth.link, parts.log);
  return { ...parts, config: wecom, bot, inbox };
}
