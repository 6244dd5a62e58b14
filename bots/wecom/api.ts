/**
 * A small WeCom API client. The access token is shared by all callers
 * (src/channels/token.ts) and never reaches the log: URLs pass redactUrl.
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "../../src/logger.js";
import { redactUrl } from "../../src/logger.js";
import { TokenCache } from "../../src/channels/token.js";
import { DeliveryError } from "../../src/channels/types.js";
import { needsNewToken, wecomError } from "./errors.js";

export interface WecomApiOptions {
  /** The API host, e.g. the government edition's; tests use the fake. */
  baseUrl: string;
  corpId: string;
  secret: string;
  agentId: number;
  log: Logger;
  timeoutMs?: number;
}

/** WeCom answers in well under a second; ten means it is not answering. */
const REQUEST_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;

export class WecomApi {
  private readonly tokens: TokenCache;

  constructor(private readonly o: WecomApiOptions) {
    this.tokens = new TokenCache(() => this.fetchToken(), needsNewToken);
  }

  sendCard(touser: string, card: Json): Promise<Json> {
    return this.send({ touser, msgtype: "template_card", template_card: card });
  }

  sendMarkdown(touser: string, content: string): Promise<Json> {
    return this.send({ touser, msgtype: "markdown", markdown: { content } });
  }

  sendText(touser: string, content: string): Promise<Json> {
    return this.send({ touser, msgtype: "text", text: { content } });
  }

  /** A file to send: uploaded as temporary media (3 days), its media_id. */
  async uploadFile(path: string, name: string): Promise<string> {
    const data = await readFile(path);
    const res = await this.tokens.use((token) => {
      const form = new FormData();
      form.append("media", new Blob([data]), name);
      const url =
        `${this.o.baseUrl}/cgi-bin/media/upload?access_token=` +
        `${encodeURIComponent(token)}&type=file`;
      return this.request("POST", url, form, "/cgi-bin/media/upload");
    });
    return String(res.media_id ?? "");
  }

  sendFile(touser: string, mediaId: string): Promise<Json> {
    return this.send({ touser, msgtype: "file", file: { media_id: mediaId } });
  }

  /** OAuth (snsapi_base): the member a one-time code stands for. */
  async userIdForCode(code: string): Promise<string | undefined> {
    const res = await this.call(
      "/cgi-bin/auth/getuserinfo",
      undefined,
      `&code=${encodeURIComponent(code)}`,
    );
    // Someone outside the corp comes back with an openid and no userid.
    return typeof res.userid === "string" && res.userid !== ""
      ? res.userid
      : undefined;
  }

  updateCard(update: Json): Promise<Json> {
    return this.call("/cgi-bin/message/update_template_card", {
      agentid: this.o.agentId,
      ...update,
    });
  }

  /** The group robot: its key is its only credential. */
  async webhook(key: string, body: Json): Promise<Json> {
    const url = `${this.o.baseUrl}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
    return this.request("POST", url, body, "/cgi-bin/webhook/send");
  }

  private send(message: Json): Promise<Json> {
    return this.call("/cgi-bin/message/send", {
      ...message,
      agentid: this.o.agentId,
    });
  }

  /** A call with the shared token (query parameter access_token). */
  private call(path: string, body?: Json, extra = ""): Promise<Json> {
    return this.tokens.use((token) => {
      const url =
        `${this.o.baseUrl}${path}?access_token=` +
        `${encodeURIComponent(token)}${extra}`;
      return this.request(body ? "POST" : "GET", url, body, path);
    });
  }

  private async fetchToken() {
    const url =
      `${this.o.baseUrl}/cgi-bin/gettoken?corpid=` +
      `${encodeURIComponent(this.o.corpId)}&corpsecret=` +
      encodeURIComponent(this.o.secret);
    const res = await this.request("GET", url, undefined, "/cgi-bin/gettoken");
    return {
      value: String(res.access_token),
      lifetimeMs: Number(res.expires_in) * 1000,
    };
  }

  private async request(
    method: string,
    url: string,
    body: Json | FormData | undefined,
    what: string,
  ): Promise<Json> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers:
          body && !(body instanceof FormData)
            ? { "content-type": "application/json" }
            : undefined,
        body:
          body instanceof FormData
            ? body
            : body
              ? JSON.stringify(body)
              : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // Unreachable, refused, or too slow: the message may be sent later.
      const why = (error as Error).name === "TimeoutError" ? "超时" : "失败";
      throw new DeliveryError(
        `企业微信：连接 ${new URL(url).host}${what} ${why}，请检查网络和 WECOM_API_BASE`,
        true,
      );
    }
    this.o.log.debug(
      {
        method,
        url: redactUrl(url.replace(/key=[^&]*/, "key=***")),
        status: res.status,
      },
      `wecom: ${what}`,
    );
    if (!res.ok) {
      throw wecomError(-1);
    }
    let json: Json;
    try {
      json = (await res.json()) as Json;
    } catch {
      throw new DeliveryError(`企业微信：${what} 的应答不是 JSON`, true);
    }
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0) {
      throw wecomError(errcode);
    }
    return json;
  }
}
