/**
 * DingTalk, assembled: the API client, the channel the outbox delivers
 * through, the Stream connection, the inbox that handles what arrives on
 * it, and the sign-in for pages. `boot` builds it when DINGTALK_* is
 * configured; `main` starts and stops the connection.
 */
import type { Bot } from "../../src/boot.js";
import type { DingTalkConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import type { Logger } from "../../src/logger.js";
import { DingTalkApi } from "./api.js";
import { DingTalkChannel } from "./channel.js";
import { DingTalkInbox } from "./inbound.js";
import { DingTalkSignIn } from "./signin.js";
import { DingTalkStream, type StreamOptions } from "./stream.js";

export interface DingTalkRuntime {
  config: DingTalkConfig;
  api: DingTalkApi;
  channel: DingTalkChannel;
  signIn: DingTalkSignIn;
  inbox: DingTalkInbox;
  stream: DingTalkStream;
  bot: Bot;
  log: Logger;
}

/** The parts that exist before the bot does: registered on its outbox. */
export function dingtalkParts(ctx: AppContext, config: DingTalkConfig) {
  const log = ctx.log.child({ name: "dingtalk" });
  const api = new DingTalkApi({
    config,
    store: ctx.store,
    clock: ctx.clock,
    log,
  });
  const signIn = new DingTalkSignIn(
    config,
    ctx.config.publicUrl,
    ctx.config.sessionSecret!,
  );
  const channel = new DingTalkChannel({
    api,
    store: ctx.store,
    clock: ctx.clock,
    config,
    log,
    link: signIn.link,
  });
  return { log, api, signIn, channel };
}

export function dingtalkRuntime(
  bot: Bot,
  config: DingTalkConfig,
  parts: ReturnType<typeof dingtalkParts>,
  streamOptions: Partial<StreamOptions> = {},
): DingTalkRuntime {
  const inbox = new DingTalkInbox(bot, parts.api, parts.channel, parts.log);
  const stream = new DingTalkStream({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    openUrl: config.gatewayUrl,
    logger: parts.log,
    ...streamOptions,
  })
    .onRobotMessage((frame) => inbox.robotMessage(frame))
    .onCardCallback((frame) => inbox.cardCallback(frame));
  return { ...parts, config, bot, inbox, stream };
}
