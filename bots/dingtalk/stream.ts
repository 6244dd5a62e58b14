/**
 * The DingTalk Stream connection, supervised. The SDK (dingtalk-stream
 * 2.1.5) parses frames, answers pings and writes acks; everything around
 * it is ours, because the SDK's own loop is unsafe (dingtalk.md 1.8 and 8):
 * it cannot be pointed at another gateway, reconnects every second
 * forever or in a doubling storm, shares one subscriptions array between
 * clients, and lets a throwing callback or a non-JSON frame crash the
 * process.
 *
 * Here: the open-connection URL is configuration; reconnects back off
 * exponentially with jitter and never overlap; a watchdog replaces a
 * socket that went silent; handlers can fail without taking the process
 * with them; a card click is always answered within DingTalk's 2 s.
 */
import { performance } from "node:perf_hooks";
import {
  TOPIC_CARD,
  TOPIC_ROBOT,
  type DWClientDownStream,
} from "dingtalk-stream";
import type { Logger } from "../../src/logger.js";
import {
  DingTalkStreamError,
  GatewayClient,
  internals,
  type SdkSocket,
} from "./stream-client.js";

export { DingTalkStreamError };

export type StreamState =
  "connecting" | "connected" | "backing_off" | "auth_failed" | "stopped";

export interface StreamHealth {
  state: StreamState;
  /** When the state was entered, ms epoch. */
  since: number;
  lastError?: string;
  /** Connection attempts since the last successful one. */
  attempts: number;
}

/** A CALLBACK frame with its `data` parsed. */
export interface StreamFrame {
  messageId: string;
  topic: string;
  /** `headers.time` as ms epoch (sent as a string), else arrival time. */
  time: number;
  data: Record<string, unknown>;
}

type ParamMap = Record<string, string>;

/** What a card click is answered with (dingtalk.md 4.7). */
export interface CardResponse {
  cardUpdateOptions?: {
    updateCardDataByKey?: boolean;
    updatePrivateDataByKey?: boolean;
  };
  cardData?: { cardParamMap: ParamMap };
  /** The clicking user's private data; not keyed by user id. */
  userPrivateData?: { cardParamMap: ParamMap };
}

export interface StreamOptions {
  clientId: string;
  clientSecret: string;
  /**
   * The gateway's open-connection URL; on the public cloud
   * https://api.dingtalk.com/v1.0/gateway/connections/open.
   */
  openUrl: string;
  logger: Logger;
  /** No frame or pong for this long replaces the socket. */
  watchdogMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Connected this long, the back-off starts again from the minimum. */
  healthyMs?: number;
  /** Limit for the open call and for the WebSocket handshake each. */
  openTimeoutMs?: number;
  /** A card handler slower than this is answered with an empty update. */
  cardReplyMs?: number;
  now?: () => number;
  random?: () => number;
}

const CLOSED = 3;
const STOP_WAIT_MS = 1_000;

export class DingTalkStream {
  private readonly o: Required<StreamOptions>;
  private readonly log: Logger;
  private robotHandler?: (frame: StreamFrame) => Promise<void>;
  private cardHandler?: (frame: StreamFrame) => Promise<CardResponse>;
  private client?: GatewayClient;
  private socket?: SdkSocket;
  private state: StreamHealth = { state: "stopped", since: 0, attempts: 0 };
  private started = false;
  private stopped = false;
  private connecting = false;
  private failures = 0;
  private lastFrameAt = 0;
  private abort?: AbortController;
  private retryTimer?: NodeJS.Timeout;
  private healthyTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private readonly replyTimers = new Set<NodeJS.Timeout>();

  constructor(options: StreamOptions) {
    this.o = {
      watchdogMs: 90_000,
      backoffMinMs: 1_000,
      backoffMaxMs: 60_000,
      healthyMs: 60_000,
      openTimeoutMs: 10_000,
      cardReplyMs: 1_500,
      now: Date.now,
      random: Math.random,
      ...options,
    };
    this.log = options.logger;
    this.state.since = this.o.now();
  }

  /** `fn` stores the message; the ack goes out once it resolves. */
  onRobotMessage(fn: (frame: StreamFrame) => Promise<void>): this {
    this.beforeStart();
    this.robotHandler = fn;
    return this;
  }

  /** `fn` answers a card click; DingTalk waits 2 s at most. */
  onCardCallback(fn: (frame: StreamFrame) => Promise<CardResponse>): this {
    this.beforeStart();
    this.cardHandler = fn;
    return this;
  }

  /** "stopped" before start() as after stop(). */
  health(): StreamHealth {
    return { ...this.state };
  }

  /** Connects in the background; `health()` tells how it goes. */
  start(): void {
    this.beforeStart();
    this.started = true;
    this.client = new GatewayClient(this.o, {
      signal: () => this.abort?.signal,
      onFrame: () => {
        this.lastFrameAt = performance.now();
      },
      onDisconnectFrame: () => this.rebalance(),
      log: this.log,
    });
    if (this.robotHandler) {
      this.client.registerCallbackListener(TOPIC_ROBOT, (msg) =>
        this.guard(this.robotFrame(msg)),
      );
    }
    if (this.cardHandler) {
      this.client.registerCallbackListener(TOPIC_CARD, (msg) =>
        this.guard(this.cardFrame(msg)),
      );
    }
    void this.attempt();
  }

  /** Closes the socket and clears every timer; resolves once closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.setState("stopped");
    clearTimeout(this.retryTimer);
    this.stopWatching();
    for (const timer of this.replyTimers) {
      clearTimeout(timer);
    }
    this.replyTimers.clear();
    this.abort?.abort();
    const socket = this.client && internals(this.client).socket;
    if (this.client) {
      internals(this.client).userDisconnect = true;
    }
    if (socket && socket.readyState !== CLOSED) {
      await new Promise<void>((resolve) => {
        // terminate() destroys the socket; the bound only guards a
        // socket whose state a crashed listener left inconsistent.
        const bound = setTimeout(resolve, STOP_WAIT_MS);
        socket.once("close", () => {
          clearTimeout(bound);
          resolve();
        });
        socket.terminate();
      });
    }
  }

  private beforeStart(): void {
    if (this.started) {
      throw new Error("dingtalk stream: register handlers before start()");
    }
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.connecting || this.socket) {
      return;
    }
    const client = this.client!;
    this.connecting = true;
    this.abort = new AbortController();
    this.state.attempts += 1;
    this.setState("connecting");
    try {
      await client.getEndpoint();
      if (!this.stopped) {
        await client._connect();
      }
    } catch (error) {
      this.connecting = false;
      this.failed(error);
      return;
    }
    this.connecting = false;
    if (!this.stopped) {
      this.connected(internals(client).socket!);
    }
  }

  private connected(socket: SdkSocket): void {
    this.socket = socket;
    this.lastFrameAt = performance.now();
    socket.on("pong", () => {
      this.lastFrameAt = performance.now();
    });
    socket.on("close", () => this.closed(socket));
    this.state.attempts = 0;
    this.state.lastError = undefined;
    this.setState("connected");
    this.log.info("dingtalk: Stream connected");

    this.healthyTimer = setTimeout(() => {
      this.failures = 0;
    }, this.o.healthyMs);
    const tick = Math.max(10, Math.floor(this.o.watchdogMs / 4));
    this.watchdog = setInterval(() => this.check(socket), tick);
  }

  /** Pings a quiet socket; replaces one that stayed silent. */
  private check(socket: SdkSocket): void {
    const silentMs = performance.now() - this.lastFrameAt;
    if (silentMs >= this.o.watchdogMs) {
      this.log.warn(
        { code: "dingtalk_stream_silent", silentMs: Math.round(silentMs) },
        "dingtalk: Stream socket silent; reconnecting",
      );
      socket.terminate();
    } else if (silentMs >= this.o.watchdogMs / 2) {
      socket.ping();
    }
  }

  private closed(socket: SdkSocket): void {
    if (socket !== this.socket) {
      return;
    }
    this.socket = undefined;
    this.stopWatching();
    if (this.stopped) {
      return;
    }
    this.state.lastError = "连接已断开";
    this.log.warn(
      { code: "dingtalk_stream_closed" },
      "dingtalk: Stream socket closed; reconnecting",
    );
    this.retry("backing_off");
  }

  private failed(error: unknown): void {
    if (this.stopped) {
      return;
    }
    internals(this.client!).socket?.terminate();
    const message = error instanceof Error ? error.message : String(error);
    this.state.lastError = message;
    if (
      error instanceof DingTalkStreamError &&
      error.code === "dingtalk_auth_failed"
    ) {
      this.log.error(
        { code: error.code, attempt: this.state.attempts },
        "dingtalk: the Stream gateway refused the credentials; " +
          "check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET",
      );
      this.retry("auth_failed");
      return;
    }
    this.log.warn(
      {
        code: "dingtalk_connect_failed",
        attempt: this.state.attempts,
        reason: message,
      },
      "dingtalk: Stream connection failed",
    );
    this.retry("backing_off");
  }

  /** The gateway is moving us: reconnect now rather than in 10 s. */
  private rebalance(): void {
    this.log.info(
      { code: "dingtalk_stream_rebalanced" },
      "dingtalk: gateway asked to reconnect",
    );
    this.socket?.terminate();
  }

  /** Exponential back-off with equal jitter, capped. */
  private retry(state: StreamState): void {
    const ceiling = Math.min(
      this.o.backoffMaxMs,
      this.o.backoffMinMs * 2 ** this.failures,
    );
    this.failures += 1;
    const delayMs = Math.round(ceiling / 2 + (this.o.random() * ceiling) / 2);
    this.setState(state);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.attempt();
    }, delayMs);
  }

  private stopWatching(): void {
    clearTimeout(this.healthyTimer);
    clearInterval(this.watchdog);
    this.healthyTimer = undefined;
    this.watchdog = undefined;
  }

  private setState(state: StreamState): void {
    if (this.state.state !== state) {
      this.state.state = state;
      this.state.since = this.o.now();
    }
  }

  private async robotFrame(msg: DWClientDownStream): Promise<void> {
    const frame = this.parse(msg);
    if (!frame) {
      // Garbage stays garbage: ack it so it is not delivered again.
      this.reply(msg, null);
      return;
    }
    try {
      await this.robotHandler!(frame);
    } catch (error) {
      this.log.error(
        {
          err: error,
          code: "dingtalk_handler_failed",
          topic: frame.topic,
          messageId: frame.messageId,
        },
        "dingtalk: robot message not stored; DingTalk will send it again",
      );
      return;
    }
    this.reply(msg, null);
  }

  /**
   * Answers within `cardReplyMs` whatever happens: with the handler's
   * response, or with an empty update when it is slow or fails.
   */
  private async cardFrame(msg: DWClientDownStream): Promise<void> {
    const frame = this.parse(msg);
    if (!frame) {
      this.reply(msg, {});
      return;
    }
    const meta = {
      topic: frame.topic,
      messageId: frame.messageId,
      outTrackId: frame.data.outTrackId,
    };
    const answer = Promise.resolve()
      .then(() => this.cardHandler!(frame))
      .then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"late">((resolve) => {
      timer = setTimeout(resolve, this.o.cardReplyMs, "late");
      this.replyTimers.add(timer);
    });
    const first = await Promise.race([answer, deadline]);
    clearTimeout(timer);
    this.replyTimers.delete(timer!);
    if (this.stopped) {
      return;
    }

    if (first === "late") {
      this.log.warn(
        {
          ...meta,
          code: "dingtalk_card_reply_late",
          limitMs: this.o.cardReplyMs,
        },
        "dingtalk: card click handler too slow; answered with no update",
      );
      this.reply(msg, {});
      return;
    }
    if ("error" in first) {
      this.log.error(
        { ...meta, err: first.error, code: "dingtalk_handler_failed" },
        "dingtalk: card click handler failed; answered with no update",
      );
      this.reply(msg, {});
      return;
    }
    const ok = typeof first.response === "object" && first.response !== null;
    this.reply(msg, ok ? first.response : {});
  }

  /** Nothing a frame does may reach the SDK's emitter as a rejection. */
  private guard(work: Promise<void>): void {
    work.catch((error: unknown) =>
      this.log.error(
        { err: error, code: "dingtalk_frame_failed" },
        "dingtalk: handling a frame failed",
      ),
    );
  }

  private parse(msg: DWClientDownStream): StreamFrame | undefined {
    const { messageId, topic, time } = msg.headers;
    try {
      const data: unknown = JSON.parse(msg.data);
      if (typeof data === "object" && data !== null && !Array.isArray(data)) {
        return {
          messageId,
          topic,
          time: Number(time) || this.o.now(),
          data: data as Record<string, unknown>,
        };
      }
    } catch {
      // Logged below.
    }
    this.log.warn(
      { code: "dingtalk_frame_malformed", topic, messageId },
      "dingtalk: CALLBACK frame data is not a JSON object; dropped",
    );
    return undefined;
  }

  private reply(msg: DWClientDownStream, response: unknown): void {
    try {
      this.client!.socketCallBackResponse(msg.headers.messageId, response);
    } catch (error) {
      this.log.warn(
        { err: error, code: "dingtalk_ack_failed", topic: msg.headers.topic },
        "dingtalk: could not answer a frame; DingTalk will send it again",
      );
    }
  }
}
