/**
 * The dingtalk-stream 2.1.5 client with its unsafe defaults replaced
 * (dingtalk.md sections 0, 1.3 and 1.8): the open-connection URL is
 * configuration, each client gets its own subscriptions array, the SDK
 * never reconnects on its own, and a frame is checked before the SDK's
 * unguarded JSON.parse sees it. Used only by DingTalkStream.
 */
import { DWClient } from "dingtalk-stream";
import type { Logger } from "../../src/logger.js";

/** Why a connection attempt failed; `code` is what the log carries. */
export class DingTalkStreamError extends Error {
  constructor(
    readonly code: "dingtalk_auth_failed" | "dingtalk_connect_failed",
    message: string,
  ) {
    super(message);
  }
}

const AUTH_HINT =
  "钉钉拒绝了应用凭据，请核对 DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET";
const UA = "qianxin-liandong dingtalk-stream-nodejs/2.1.5";

export interface SdkSocket {
  readonly readyState: number;
  on(event: "close" | "pong", listener: () => void): unknown;
  once(event: "close", listener: () => void): unknown;
  ping(): void;
  terminate(): void;
}

/** Instance fields the SDK declares private but uses as plain fields. */
interface SdkInternals {
  dw_url?: string;
  socket?: SdkSocket;
  sslopts: Record<string, unknown>;
  userDisconnect: boolean;
}

export interface ClientOptions {
  clientId: string;
  clientSecret: string;
  openUrl: string;
  openTimeoutMs: number;
}

export interface ClientHooks {
  signal: () => AbortSignal | undefined;
  onFrame: () => void;
  onDisconnectFrame: () => void;
  log: Logger;
}

/**
 * The SDK client with its three unsafe defaults replaced: the gateway URL,
 * the shared subscriptions array, and parsing that throws.
 */
export class GatewayClient extends DWClient {
  constructor(
    private readonly o: ClientOptions,
    private readonly hooks: ClientHooks,
  ) {
    super({
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      ua: UA,
      keepAlive: false,
      debug: false,
    });
    this.config.autoReconnect = false;
    this.config.subscriptions = [];
    internals(this).sslopts = {
      rejectUnauthorized: true,
      handshakeTimeout: o.openTimeoutMs,
    };
  }

  override async getEndpoint(): Promise<this> {
    const timeout = AbortSignal.timeout(this.o.openTimeoutMs);
    const stop = this.hooks.signal();
    let res: Response;
    try {
      res = await fetch(this.o.openUrl, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
        },
        body: JSON.stringify({
          clientId: this.config.clientId,
          clientSecret: this.config.clientSecret,
          ua: this.config.ua,
          subscriptions: this.config.subscriptions,
        }),
        signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
      });
    } catch (error) {
      if (stop?.aborted) {
        throw error;
      }
      // Unreachable or too slow: say where we tried, never with what.
      throw new DingTalkStreamError(
        "dingtalk_connect_failed",
        `无法连接钉钉 Stream 网关 ${new URL(this.o.openUrl).host}` +
          `（${(error as Error).name === "TimeoutError" ? "超时" : "连接失败"}），` +
          "请检查网络和 DINGTALK_GATEWAY_URL",
      );
    }
    const body = (await res.json().catch(() => ({}))) as Record<
      string,
      unknown
    >;
    if (res.status === 401 || body.code === "authFailed") {
      throw new DingTalkStreamError("dingtalk_auth_failed", AUTH_HINT);
    }
    const { endpoint, ticket } = body;
    if (!res.ok || typeof endpoint !== "string" || typeof ticket !== "string") {
      const code = typeof body.code === "string" ? ` ${body.code}` : "";
      throw new DingTalkStreamError(
        "dingtalk_connect_failed",
        `钉钉 Stream 网关返回 HTTP ${res.status}${code}`,
      );
    }
    internals(this).dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
    return this;
  }

  /** Checks a frame before the SDK's unguarded JSON.parse sees it. */
  override onDownStream(data: string): void {
    this.hooks.onFrame();
    const text = String(data);
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (!isDownStream(frame)) {
      this.hooks.log.warn(
        { code: "dingtalk_frame_malformed", bytes: text.length },
        "dingtalk: frame is not a Stream frame; dropped",
      );
      return;
    }
    try {
      super.onDownStream(text);
    } catch (error) {
      this.hooks.log.error(
        { err: error, code: "dingtalk_frame_failed", type: frame.type },
        "dingtalk: handling a frame failed",
      );
    }
    if (frame.type === "SYSTEM" && frame.headers.topic === "disconnect") {
      this.hooks.onDisconnectFrame();
    }
  }
}

interface FrameShape {
  type: string;
  headers: { topic?: unknown; messageId?: unknown };
  data?: unknown;
}

function isDownStream(value: unknown): value is FrameShape {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const frame = value as Partial<FrameShape>;
  const headers = frame.headers;
  if (
    typeof frame.type !== "string" ||
    typeof headers !== "object" ||
    !headers
  ) {
    return false;
  }
  if (frame.type === "SYSTEM") {
    return true;
  }
  return (
    typeof headers.topic === "string" &&
    typeof headers.messageId === "string" &&
    headers.messageId !== "" &&
    typeof frame.data === "string"
  );
}

export function internals(client: DWClient): SdkInternals {
  return client as unknown as SdkInternals;
}
