/**
 * A fake DingTalk on 127.0.0.1 (dingtalk.md section 9): one base URL
 * serves the new API (`api.dingtalk.com` paths), the old API
 * (`oapi.dingtalk.com` paths) and the Stream gateway with its WebSocket.
 * It refuses what the real server refuses, in the real error shapes:
 * new API HTTP 4xx with `{code, message, requestid}`, old API HTTP 200
 * with an errcode. Tokens, tickets, quotas and code lifetimes run on an
 * injected clock; the socket runs in real time.
 *
 * dingtalk.md names no API that lists card templates or looks one up,
 * so the fake offers none: whether a template id exists shows only when
 * a card is created with it (`param.templateNotExist`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CardRefusal, CardStore } from "./dingtalk-cards.js";
import { FakeGateway, type AckRecord } from "./dingtalk-gateway.js";
import {
  badParam,
  failed,
  isObject,
  newError,
  ok,
  oldError,
  readBody,
  type Answer,
  type Failure,
  type Json,
} from "./dingtalk-http.js";
import {
  FakeRobot,
  type FakeGroup,
  type RobotDelivery,
  type RobotMessageInput,
} from "./dingtalk-robot.js";

export type {
  AckRecord,
  Failure,
  FakeGroup,
  Json,
  RobotDelivery,
  RobotMessageInput,
};

export const TOPIC_ROBOT = "/v1.0/im/bot/messages/get";
export const TOPIC_CARD = "/v1.0/card/instances/callback";

export interface FakeDingTalkOptions {
  /** AppKey; also the robotCode of the app's robot. */
  clientId?: string;
  clientSecret?: string;
  corpId?: string;
  /** userId → name, the app's visible range. */
  users?: Record<string, string>;
  /** openConversationId → group. */
  groups?: Record<string, FakeGroup>;
  /** Card template ids bound to the app. */
  templates?: string[];
  now?: () => number;
  ticketTtlMs?: number;
  /** Real ≈ 60 s; short so tests see redelivery. */
  redeliverMs?: number;
  maxRedeliveries?: number;
  cardReplyWindowMs?: number;
  disconnectCloseMs?: number;
  pingIntervalMs?: number;
  sessionTtlMs?: number;
  authCodeTtlMs?: number;
  /** Calls per second per API for the app (standard edition: 20). */
  qps?: number;
  /** Metered calls per month for the org (standard edition: 5 000). */
  monthlyQuota?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token?: string;
  body: unknown;
  /** The HTTP status it was answered with; none for a reset. */
  status?: number;
}

export interface CardClickInput {
  outTrackId: string;
  userId: string;
  actionIds?: string[];
  params?: Json;
}

type Guard = "new" | "old" | "none";

const MINUTE = 60_000;
const BEIJING = 8 * 3_600_000;

export class FakeDingTalk {
  readonly requests: RecordedRequest[] = [];
  /** Media ids the upload handed out. */
  readonly media = new Set<string>();
  /** The `data` of every robot message injected, in order. */
  readonly injected: Json[] = [];
  qps: number;
  monthlyQuota: number;
  readonly gateway: FakeGateway;
  readonly cards: CardStore;
  readonly robot: FakeRobot;

  private readonly o: Required<FakeDingTalkOptions>;
  private readonly tokens = new Map<string, number>();
  private readonly failures: { path: string; failure: Failure }[] = [];
  private readonly calls = new Map<string, number[]>();
  private readonly monthly = new Map<string, number>();
  private readonly codes = new Map<string, { userid: string; at: number }>();
  private server?: Server;
  private base = "";

  constructor(options: FakeDingTalkOptions = {}) {
    this.o = {
      clientId: "dingfakeappkey",
      clientSecret: "fake-app-secret",
      corpId: "dingfakecorp",
      users: { manager1234: "张三", user5678: "李四" },
      groups: {},
      templates: [],
      now: Date.now,
      ticketTtlMs: 90_000,
      redeliverMs: 200,
      maxRedeliveries: 3,
      cardReplyWindowMs: 2_000,
      disconnectCloseMs: 10_000,
      pingIntervalMs: 0,
      sessionTtlMs: 90 * MINUTE,
      authCodeTtlMs: 5 * MINUTE,
      qps: 20,
      monthlyQuota: Infinity,
      ...options,
    };
    this.qps = this.o.qps;
    this.monthlyQuota = this.o.monthlyQuota;
    this.gateway = new FakeGateway(this.o, () => this.wsEndpoint());
    this.cards = new CardStore({
      robotCode: this.o.clientId,
      templates: new Set(this.o.templates),
      hasUser: (id) => id in this.o.users,
      robotInGroup: (id) =>
        this.o.groups[id] !== undefined && this.o.groups[id].robot !== false,
    });
    this.robot = new FakeRobot({ ...this.o, base: () => this.base });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => {
          if (answer === "reset") {
            req.socket.destroy();
            return;
          }
          const body = answer.body === "" ? "" : JSON.stringify(answer.body);
          res.writeHead(answer.status, {
            "content-type": "application/json;charset=utf-8",
          });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    this.server.on("upgrade", (req, socket, head) =>
      this.gateway.upgrade(req, socket, head),
    );
    await new Promise<void>((resolve) =>
      this.server!.listen(0, "127.0.0.1", resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.gateway.close();
    server?.closeAllConnections();
    await new Promise((resolve) =>
      server ? server.close(resolve) : resolve(0),
    );
  }

  /** The open-connection URL a Stream client must be given. */
  get openUrl(): string {
    return `${this.base}/v1.0/gateway/connections/open`;
  }

  /** The next `times` calls to `path` ("*" for any) fail this way. */
  failNext(path: string, failure: Failure, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.failures.push({ path, failure });
    }
  }

  /** Tokens issued so far are refused from now on. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Metered calls counted in the current month (Beijing time). */
  callsThisMonth(): number {
    return this.monthly.get(monthOf(this.o.now())) ?? 0;
  }

  /** The one-time code the client's requestAuthCode would give a user. */
  authCode(userid: string): string {
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, { userid, at: this.o.now() });
    return code;
  }

  inbox(to: string): RobotDelivery[] {
    return this.robot.messages.filter((m) => m.to === to);
  }

  publicData(outTrackId: string): Record<string, string> | undefined {
    return this.cards.get(outTrackId)?.publicData;
  }

  privateData(
    outTrackId: string,
    userId: string,
  ): Record<string, string> | undefined {
    return this.cards.get(outTrackId)?.privateData.get(userId);
  }

  /**
   * A user writes to the robot: a CALLBACK on the robot topic with a
   * sessionWebhook pointing here. In groups the text starts with a space
   * where the @mention was, as on the real platform.
   */
  robotMessage(input: RobotMessageInput): Promise<AckRecord> {
    const data = this.robot.robotData(input);
    this.injected.push(data);
    return this.gateway.push(TOPIC_ROBOT, data).acked;
  }

  /** A click on a card's callback button; the response may update it. */
  clickCard(input: CardClickInput): Promise<AckRecord> {
    const card = this.cards.get(input.outTrackId);
    if (!card || card.callbackType !== "STREAM") {
      throw new Error(`fake dingtalk: no Stream card ${input.outTrackId}`);
    }
    const content = JSON.stringify({
      cardPrivateData: {
        actionIds: input.actionIds ?? ["button_node_1"],
        params: input.params ?? {},
      },
    });
    const data = {
      extension: "{}",
      corpId: this.o.corpId,
      spaceType: "im",
      userIdType: 1,
      type: "actionCallback",
      userId: input.userId,
      content,
      spaceId: card.spaces[0]?.spaceId ?? "",
      outTrackId: input.outTrackId,
      value: content,
    };
    const apply = (response: unknown) =>
      this.cards.applyCallbackResponse(
        input.outTrackId,
        input.userId,
        response,
      );
    return this.gateway.push(TOPIC_CARD, data, { apply }).acked;
  }

  get opens() {
    return this.gateway.opens;
  }

  get acks() {
    return this.gateway.acks;
  }

  dropSockets(): void {
    this.gateway.dropSockets();
  }

  stopPonging(): void {
    this.gateway.stopPonging();
  }

  startPonging(): void {
    this.gateway.startPonging();
  }

  rejectUpgrades(status = 503): void {
    this.gateway.rejectUpgrades(status);
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const token = req.headers["x-acs-dingtalk-access-token"];
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token: typeof token === "string" ? token : undefined,
      body,
    };
    this.requests.push(record);
    const answer = this.answer(req, record, raw);
    if (answer !== "reset") {
      record.status = answer.status;
    }
    return answer;
  }

  private answer(
    req: IncomingMessage,
    { path, query, token, body }: RecordedRequest,
    raw: string,
  ): Answer {
    const failure = this.takeFailure(path);
    if (failure) {
      return failed(failure);
    }
    if (path === "/media/upload" && req.method === "POST") {
      return (
        this.oldGuard(query.access_token) ??
        this.upload(query, raw, req.headers["content-type"])
      );
    }
    const route = ROUTES[`${req.method} ${path}`];
    if (!route) {
      return path.startsWith("/v1.0/")
        ? newError(404, "InvalidAction.NotFound", "Specified api is not found")
        : oldError(22, `Invalid method[${path}]`);
    }
    const b = isObject(body) ? body : {};
    const refused =
      route.guard === "new"
        ? this.newGuard(path, token)
        : route.guard === "old"
          ? this.oldGuard(query.access_token)
          : undefined;
    return refused ?? route.run(this, b, query);
  }

  /** Old-API media upload: multipart, one "media" part with a file name. */
  private upload(
    query: Record<string, string>,
    raw: string,
    type: string | undefined,
  ): Answer {
    if (!["image", "voice", "file"].includes(query.type ?? "")) {
      return oldError(40004, "不合法的媒体文件类型");
    }
    if (
      !type?.startsWith("multipart/form-data") ||
      !/name="media"; filename="[^"]+"/.test(raw)
    ) {
      return oldError(41005, "缺少多媒体文件数据");
    }
    const mediaId = `@${randomBytes(18).toString("base64url")}`;
    this.media.add(mediaId);
    return ok({
      errcode: 0,
      errmsg: "ok",
      type: query.type,
      media_id: mediaId,
      created_at: this.o.now(),
    });
  }

  accessToken(b: Json): Answer {
    if (b.appKey !== this.o.clientId || b.appSecret !== this.o.clientSecret) {
      return newError(
        400,
        "invalidClientIdOrSecret",
        "无效的clientId或者clientSecret",
      );
    }
    return ok({ accessToken: this.issueToken(), expireIn: 7200 });
  }

  gettoken(q: Record<string, string>): Answer {
    if (!q.appkey || !q.appsecret) {
      return oldError(40035, "缺少参数");
    }
    if (q.appkey !== this.o.clientId || q.appsecret !== this.o.clientSecret) {
      return oldError(40096, "不合法的appKey或appSecret");
    }
    return ok({
      errcode: 0,
      errmsg: "ok",
      access_token: this.issueToken(),
      expires_in: 7200,
    });
  }

  getuserinfo(b: Json): Answer {
    const code = typeof b.code === "string" ? b.code : "";
    const record = this.codes.get(code);
    this.codes.delete(code);
    if (!record || this.o.now() - record.at > this.o.authCodeTtlMs) {
      return oldError(40078, "不存在的临时授权码");
    }
    const userid = record.userid;
    return ok({
      errcode: 0,
      errmsg: "ok",
      result: {
        userid,
        unionid: `union-${userid}`,
        name: this.o.users[userid] ?? userid,
        device_id: randomBytes(8).toString("hex"),
        sys: false,
        sys_level: 0,
        associated_unionid: "",
      },
      request_id: randomUUID(),
    });
  }

  card(run: () => Json): Answer {
    try {
      return ok(run());
    } catch (error) {
      if (error instanceof CardRefusal) {
        return badParam(error.code, error.message);
      }
      throw error;
    }
  }

  private newGuard(path: string, token: unknown): Answer | undefined {
    if (typeof token !== "string" || token === "") {
      return newError(
        400,
        "AuthenticationFailed.MissingParameter",
        "缺少参数：x-acs-dingtalk-access-token",
      );
    }
    if (!this.validToken(token)) {
      return newError(400, "InvalidAuthentication", "不合法的access_token");
    }
    if (!this.withinQps(path)) {
      return newError(
        403,
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "应用调用该接口的并发量超过限制",
      );
    }
    const month = monthOf(this.o.now());
    const used = this.monthly.get(month) ?? 0;
    if (used >= this.monthlyQuota) {
      return newError(
        403,
        "Forbidden.AccessDenied.ApiCountLimitForOrg",
        "企业本月接口调用量已达上限",
      );
    }
    this.monthly.set(month, used + 1);
    return undefined;
  }

  private oldGuard(token: string | undefined): Answer | undefined {
    if (!token || !this.validToken(token)) {
      return ok({
        errcode: 88,
        sub_code: "40014",
        sub_msg: "不合法的access_token",
        errmsg: "ding talk error[subcode=40014,submsg=不合法的access_token]",
        request_id: randomBytes(6).toString("hex"),
      });
    }
    return undefined;
  }

  /** A per-second limit: counted in real time, whatever the test clock. */
  private withinQps(path: string): boolean {
    const now = Date.now();
    const recent = (this.calls.get(path) ?? []).filter((t) => t > now - 1000);
    const allowed = recent.length < this.qps;
    if (allowed) {
      recent.push(now);
    }
    this.calls.set(path, recent);
    return allowed;
  }

  /** The same token while it is valid, its validity extended. */
  private issueToken(): string {
    const now = this.o.now();
    const current = [...this.tokens].find(([, until]) => until > now);
    const token = current?.[0] ?? randomBytes(16).toString("hex");
    this.tokens.set(token, now + 7_200_000);
    return token;
  }

  private validToken(token: string): boolean {
    return (this.tokens.get(token) ?? 0) > this.o.now();
  }

  private wsEndpoint(): string {
    return `${this.base.replace("http://", "ws://")}/connect`;
  }

  private takeFailure(path: string): Failure | undefined {
    const at = this.failures.findIndex(
      (f) => f.path === path || f.path === "*",
    );
    return at < 0 ? undefined : this.failures.splice(at, 1)[0].failure;
  }
}

type Route = {
  guard: Guard;
  run: (fake: FakeDingTalk, b: Json, q: Record<string, string>) => Answer;
};

const ROUTES: Record<string, Route> = {
  "POST /v1.0/gateway/connections/open": {
    guard: "none",
    run: (f, b) => f.gateway.open(b),
  },
  "POST /v1.0/oauth2/accessToken": {
    guard: "none",
    run: (f, b) => f.accessToken(b),
  },
  "GET /gettoken": { guard: "none", run: (f, _b, q) => f.gettoken(q) },
  "POST /v1.0/robot/oToMessages/batchSend": {
    guard: "new",
    run: (f, b) => f.robot.batchSend(b),
  },
  "POST /v1.0/robot/groupMessages/send": {
    guard: "new",
    run: (f, b) => f.robot.groupSend(b),
  },
  "POST /v1.0/card/instances/createAndDeliver": {
    guard: "new",
    run: (f, b) => f.card(() => f.cards.createAndDeliver(b)),
  },
  "POST /v1.0/card/instances": {
    guard: "new",
    run: (f, b) => f.card(() => f.cards.create(b)),
  },
  "PUT /v1.0/card/instances": {
    guard: "new",
    run: (f, b) => f.card(() => f.cards.update(b)),
  },
  "POST /robot/sendBySession": {
    guard: "none",
    run: (f, b, q) => f.robot.sendBySession(q, b),
  },
  "POST /topapi/v2/user/getuserinfo": {
    guard: "old",
    run: (f, b) => f.getuserinfo(b),
  },
};

/** Quotas reset on the 1st of the month in Beijing, whatever TZ says. */
function monthOf(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 7);
}
