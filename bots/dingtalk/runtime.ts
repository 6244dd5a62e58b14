/**
 * DingTalk, assembled: the API client, the channel the outbox delivers
 * through, the Stream connection, the inbox that handles what arrives on
 * it, and the sign-in for pages. `boot` builds it when DINGTALK_* is
 * configured; `main` starts and stops the connection.
 */
import type { Bot } from "../../src/boot.js";
import type { DingTalkConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { DeliveryError } from "../../src/channels/types.js";
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
  /** The start-up check of the card template; undefined until it ran. */
  template?: TemplateCheck;
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
    exportDir: ctx.config.exportDir,
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

export interface TemplateCheck {
  /** Undefined while DingTalk could not be asked (a connection problem). */
  ok?: boolean;
  reason?: string;
}

/**
 * Checks that the configured card template exists and is usable by this
 * app, by creating a card from it that is delivered to nobody (DingTalk
 * offers no call that lists templates). One metered call per check.
 */
export async function checkCardTemplate(
  rt: DingTalkRuntime,
): Promise<TemplateCheck> {
  const probe = `template-check-${Date.now().toString(36)}`;
  try {
    await rt.api.createCard({
      cardTemplateId: rt.config.cardTemplateId,
      outTrackId: probe,
      callbackType: "STREAM",
      cardData: {
        cardParamMap: rt.channel.params({
          key: "template-check",
          title: "模板检查",
          fields: [],
          buttons: [],
        }),
      },
      userIdType: 1,
    });
    return { ok: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof DeliveryError && error.retryable) {
      rt.log.warn(
        { code: "dingtalk_template_unchecked", reason },
        "dingtalk: could not reach DingTalk to check the card template; " +
          "will try again",
      );
      return { reason };
    }
    rt.log.error(
      { code: "dingtalk_template_unusable", reason },
      "dingtalk: the card template in DINGTALK_CARD_TEMPLATE_ID cannot be " +
        "used; notices will fail until it is fixed (see docs/dingtalk-cards.md)",
    );
    return { ok: false, reason };
  }
}

/**
 * Checks the template at start, and again every `everyMs` while DingTalk
 * could not be reached. Returns the function that stops it.
 */
export function watchCardTemplate(
  rt: DingTalkRuntime,
  everyMs = 60_000,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    rt.template = await checkCardTemplate(rt);
    if (rt.template.ok === undefined && !stopped) {
      timer = setTimeout(() => void run(), everyMs);
      timer.unref();
    }
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
