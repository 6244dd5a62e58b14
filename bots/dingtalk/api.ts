/**
 * A small DingTalk OpenAPI client. The access token is shared by all
 * callers (src/channels/token.ts) and never reaches the log. Calls are
 * paced per API under the app's QPS limit, and metered calls are counted
 * per month against the organisation's quota, which an administrator
 * can see.
 */
import { readFile } from "node:fs/promises";
import { and, eq, sql } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { TokenCache } from "../../src/channels/token.js";
import { DeliveryError } from "../../src/channels/types.js";
import type { DingTalkConfig } from "../../src/config.js";
import type { Logger } from "../../src/logger.js";
import { dateOf, type Clock } from "../../src/time.js";
import {
  DingTalkApiError,
  needsNewToken,
  newApiError,
  oldApiError,
} from "./errors.js";

export type Json = Record<string, unknown>;

const REQUEST_TIMEOUT_MS = 10_000;

export interface DingTalkApiOptions {
  config: DingTalkConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  timeoutMs?: number;
}

export interface BatchResult {
  invalid: string[];
  flowControlled: string[];
}

export class DingTalkApi {
  private readonly tokens: TokenCache;
  private readonly lastCalls = new Map<string, number[]>();
  private warnedMonth?: string;

  constructor(private readonly o: DingTalkApiOptions) {
    this.tokens = new TokenCache(() => this.fetchToken(), needsNewToken);
  }

  /** One-to-one robot messages to up to 20 members (dingtalk.md 3.2). */
  async batchSend(
    userIds: string[],
    msgKey: string,
    msgParam: Json,
  ): Promise<BatchResult> {
    const res = await this.newApi("POST", "/v1.0/robot/oToMessages/batchSend", {
      robotCode: this.o.config.robotCode,
      userIds,
      msgKey,
      msgParam: JSON.stringify(msgParam),
    });
    return {
      invalid: strings(res.invalidStaffIdList),
      flowControlled: strings(res.flowControlledStaffIdList),
    };
  }

  /** A robot message to a group the robot is in (dingtalk.md 3.3). */
  async groupSend(
    openConversationId: string,
    msgKey: string,
    msgParam: Json,
  ): Promise<void> {
    await this.newApi("POST", "/v1.0/robot/groupMessages/send", {
      robotCode: this.o.config.robotCode,
      openConversationId,
      msgKey,
      msgParam: JSON.stringify(msgParam),
    });
  }

  createAndDeliver(body: Json): Promise<Json> {
    return this.newApi("POST", "/v1.0/card/instances/createAndDeliver", body);
  }

  /** Creates a card without delivering it: used to check a template. */
  createCard(body: Json): Promise<Json> {
    return this.newApi("POST", "/v1.0/card/instances", body);
  }

  updateCard(body: Json): Promise<Json> {
    return this.newApi("PUT", "/v1.0/card/instances", body);
  }

  /** 免登: the member a one-time code from the DingTalk client stands for. */
  async userIdForCode(code: string): Promise<string | undefined> {
    const res = await this.oldApi("/topapi/v2/user/getuserinfo", { code });
    const result = res.result as Json | undefined;
    return typeof result?.userid === "string" && result.userid !== ""
      ? result.userid
      : undefined;
  }

  /** Metered calls made this month (Asia/Shanghai), and the allowance. */
  async usage(): Promise<{ month: string; calls: number; quota: number }> {
    const month = this.month();
    const { platformCalls } = this.o.store.t;
    const [row] = await this.o.store.db
      .select()
      .from(platformCalls)
      .where(
        and(
          eq(platformCalls.channel, "dingtalk"),
          eq(platformCalls.month, month),
        ),
      );
    return { month, calls: row?.calls ?? 0, quota: this.o.config.monthlyQuota };
  }

  /** A new-API call with the token header; metered and paced. */
  async newApi(method: string, path: string, body?: Json): Promise<Json> {
    await this.meter(path);
    return this.tokens.use((token) =>
      this.request(method, `${this.o.config.apiBase}${path}`, path, body, {
        "x-acs-dingtalk-access-token": token,
      }),
    );
  }

  /** An old-API call with the token in the query; not metered. */
  /** A file to send: uploaded as media, its media_id (old API). */
  async uploadFile(path: string, name: string): Promise<string> {
    const data = await readFile(path);
    await this.meter("/media/upload");
    const res = await this.tokens.use((token) => {
      const form = new FormData();
      form.append("media", new Blob([data]), name);
      return this.request(
        "POST",
        `${this.o.config.oapiBase}/media/upload?access_token=` +
          `${encodeURIComponent(token)}&type=file`,
        "/media/upload",
        form,
      );
    });
    return String(res.media_id ?? "");
  }

  async oldApi(path: string, body: Json): Promise<Json> {
    await this.pace(path);
    return this.tokens.use((token) =>
      this.request(
        "POST",
        `${this.o.config.oapiBase}${path}?access_token=${encodeURIComponent(token)}`,
        path,
        body,
      ),
    );
  }

  private async fetchToken() {
    const path = "/v1.0/oauth2/accessToken";
    const res = await this.request(
      "POST",
      `${this.o.config.apiBase}${path}`,
      path,
      { appKey: this.o.config.clientId, appSecret: this.o.config.clientSecret },
    );
    const value = String(res.accessToken ?? "");
    if (!value) {
      throw new DeliveryError("钉钉：获取 access_token 的应答不完整", true);
    }
    return { value, lifetimeMs: Number(res.expireIn ?? 7200) * 1000 };
  }

  /**
   * Counts a metered call against the month, refusing past the quota;
   * warns once a month at 80 %.
   */
  private async meter(path: string): Promise<void> {
    const { store, config, log } = this.o;
    const month = this.month();
    const { platformCalls } = store.t;
    const { calls, refused } = await store.tx(async (q) => {
      await store.insertIfAbsent(q, platformCalls, {
        channel: "dingtalk",
        month,
        calls: 0,
      });
      const [row] = await q
        .select()
        .from(platformCalls)
        .where(
          and(
            eq(platformCalls.channel, "dingtalk"),
            eq(platformCalls.month, month),
          ),
        );
      if (row.calls >= config.monthlyQuota) {
        return { calls: row.calls, refused: true };
      }
      await q
        .update(platformCalls)
        .set({ calls: sql`${platformCalls.calls} + 1` })
        .where(
          and(
            eq(platformCalls.channel, "dingtalk"),
            eq(platformCalls.month, month),
          ),
        );
      return { calls: row.calls + 1, refused: false };
    });
    if (refused) {
      throw new DingTalkApiError(
        "quota",
        "give_up",
        `本月钉钉接口调用已达 ${config.monthlyQuota} 次（DINGTALK_MONTHLY_QUOTA），下月 1 日恢复`,
      );
    }
    if (calls >= config.monthlyQuota * 0.8 && this.warnedMonth !== month) {
      this.warnedMonth = month;
      log.warn(
        { code: "dingtalk_quota_80", month, calls, quota: config.monthlyQuota },
        "dingtalk: 80% of the monthly API allowance is used",
      );
    }
    await this.pace(path);
  }

  /** At most `qps` calls a second per API; waits for a slot. */
  private async pace(path: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      const recent = (this.lastCalls.get(path) ?? []).filter(
        (t) => t > now - 1000,
      );
      this.lastCalls.set(path, recent);
      if (recent.length < this.o.config.qps) {
        recent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, recent[0] + 1000 - now + 1));
    }
  }

  private month(): string {
    return dateOf(this.o.clock.now()).slice(0, 7);
  }

  private async request(
    method: string,
    url: string,
    what: string,
    body?: Json | FormData,
    headers: Record<string, string> = {},
  ): Promise<Json> {
    const form = body instanceof FormData;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body && !form ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: form ? body : body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const why = (error as Error).name === "TimeoutError" ? "超时" : "失败";
      const base = url.startsWith(this.o.config.oapiBase)
        ? "DINGTALK_OAPI_BASE"
        : "DINGTALK_API_BASE";
      throw new DeliveryError(
        `钉钉：连接 ${new URL(url).host}${what} ${why}，请检查网络和 ${base}`,
        true,
      );
    }
    this.o.log.debug(
      { method, path: what, status: res.status },
      "dingtalk: call",
    );
    let json: Json;
    try {
      json = (await res.json()) as Json;
    } catch {
      if (res.status >= 500 || res.status === 429) {
        throw new DeliveryError(
          `钉钉：${what} 暂时不可用（HTTP ${res.status}）`,
          true,
        );
      }
      throw newApiError(res.status, undefined);
    }
    if (!res.ok) {
      throw newApiError(res.status, json.code);
    }
    const errcode = Number(json.errcode ?? 0);
    if (errcode !== 0) {
      throw oldApiError(errcode, json.sub_code);
    }
    return json;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
