/**
 * A fake WeCom API server on 127.0.0.1 that refuses what the real one
 * refuses (wecom.md section 11): tokens, recipients, card shapes, task_id
 * rules, byte limits, single-use response codes, the robot's per-minute
 * limit. It records every request, runs on an injected clock, and can be
 * told to expire tokens, fail, throttle or silently drop.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BAD_PARAM,
  checkCard,
  checkContent,
  INTERACTIVE,
  type Json,
} from "./wecom-cards.js";

export interface FakeWecomOptions {
  corpId?: string;
  secret?: string;
  agentId?: number;
  /** Members in the app's visible range. */
  users?: string[];
  parties?: number[];
  robotKeys?: string[];
  now?: () => number;
  responseCodeTtlMs?: number;
  /** Unverified upstream; 42022 is the likeliest candidate. */
  usedCodeErrcode?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** What a recipient really got; silently dropped sends are not here. */
export interface Delivered {
  userid: string;
  msgtype: string;
  body: Json;
  msgid: string;
}

type Failure = { errcode: number } | { status: number } | "reset";

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class FakeWecom {
  readonly requests: RecordedRequest[] = [];
  readonly delivered: Delivered[] = [];
  readonly dropped: Delivered[] = [];
  readonly robotMessages: { key: string; body: Json }[] = [];
  readonly cardUpdates: { userids: string[]; body: Json }[] = [];
  /** When set, sends answer ok and reach nobody. */
  dropSilently = false;

  private readonly o: Required<FakeWecomOptions>;
  private readonly tokens = new Map<string, { expiresAt: number }>();
  private readonly failures: { path: string; failure: Failure }[] = [];
  private readonly taskIds = new Set<string>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly oauthCodes = new Map<string, OAuthCode>();
  readonly media = new Map<string, { type: string; bytes: number }>();
  private readonly sentTimes = new Map<string, number[]>();
  private readonly robotTimes = new Map<string, number[]>();
  private server?: Server;

  constructor(options: FakeWecomOptions = {}) {
    this.o = {
      corpId: "ww_fakecorp",
      secret: "fake-secret",
      agentId: 1000002,
      users: ["zhangsan", "lisi"],
      parties: [1],
      robotKeys: ["robot-key-1"],
      now: Date.now,
      responseCodeTtlMs: 72 * HOUR,
      usedCodeErrcode: 42022,
      ...options,
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => {
          if (answer === "reset") {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, "127.0.0.1", resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next `times` calls to `path` ("*" for any) fail this way. */
  failNext(path: string, failure: Failure, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.failures.push({ path, failure });
    }
  }

  /** Tokens already issued answer 42001 from now on. */
  expireTokens(): void {
    for (const token of this.tokens.values()) {
      token.expiresAt = this.o.now();
    }
  }

  /** Tokens already issued become unknown: 40014. */
  forgetTokens(): void {
    this.tokens.clear();
  }

  /** A click's response code, as a template_card_event would carry. */
  clickCode(taskId: string): string {
    return this.newCode(taskId);
  }

  /** The code the OAuth page would append to the redirect for a user. */
  oauthCode(userid: string): string {
    const code = randomBytes(24).toString("hex");
    this.oauthCodes.set(code, { userid, at: this.o.now() });
    return code;
  }

  inbox(userid: string): Delivered[] {
    return this.delivered.filter((d) => d.userid === userid);
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query,
      body,
    });

    const failure = this.takeFailure(url.pathname);
    if (failure === "reset") {
      return "reset";
    }
    if (failure && "status" in failure) {
      return { status: failure.status, headers: {}, body: "" };
    }
    if (failure) {
      return this.error(failure.errcode);
    }
    if (url.pathname === "/connect/oauth2/authorize") {
      return this.authorize(url);
    }
    if (url.pathname === "/cgi-bin/media/upload" && req.method === "POST") {
      const result = this.upload(query, raw, req.headers["content-type"]);
      return typeof result === "number" ? this.error(result) : ok(result);
    }
    const route = ROUTES[`${req.method} ${url.pathname}`];
    if (!route) {
      return { status: 404, headers: {}, body: "" };
    }
    if (route.post && !isJson(body)) {
      // WeCom's "POST data format error".
      return this.error(47001);
    }
    const result = route.run(this, query, body as Json);
    return typeof result === "number" ? this.error(result) : ok(result);
  }

  gettoken(q: Record<string, string>): Json | number {
    if (!q.corpid) {
      return 41002;
    }
    if (!q.corpsecret) {
      return 41004;
    }
    if (q.corpid !== this.o.corpId) {
      return 40013;
    }
    if (q.corpsecret !== this.o.secret) {
      return 40001;
    }
    const token = randomBytes(64).toString("base64url");
    this.tokens.set(token, { expiresAt: this.o.now() + 7200_000 });
    return { access_token: token, expires_in: 7200 };
  }

  /** 0 when the token is good, else the errcode WeCom gives. */
  tokenError(q: Record<string, string>): number {
    if (!q.access_token) {
      return 41001;
    }
    const token = this.tokens.get(q.access_token);
    if (!token) {
      return 40014;
    }
    return token.expiresAt <= this.o.now() ? 42001 : 0;
  }

  /** Temporary media: multipart with one "media" part that has a file name. */
  upload(
    q: Record<string, string>,
    raw: string,
    type: string | undefined,
  ): Json | number {
    const bad = this.tokenError(q);
    if (bad) {
      return bad;
    }
    if (!["image", "voice", "video", "file"].includes(q.type ?? "")) {
      return 40004; // invalid media type
    }
    const named = /name="media"; filename="[^"]+"/.test(raw);
    if (!type?.startsWith("multipart/form-data") || !named) {
      return 41005; // media data missing
    }
    const mediaId = randomBytes(24).toString("base64url");
    this.media.set(mediaId, { type: q.type, bytes: raw.length });
    return {
      type: q.type,
      media_id: mediaId,
      created_at: String(Math.floor(this.o.now() / 1000)),
    };
  }

  send(q: Record<string, string>, body: Json): Json | number {
    const bad = this.tokenError(q) || this.checkAgent(body.agentid);
    if (bad) {
      return bad;
    }
    const msgtype = String(body.msgtype ?? "");
    const content = body[msgtype];
    if (msgtype === "file") {
      const mediaId = String((content as Json | undefined)?.media_id ?? "");
      if (!this.media.has(mediaId)) {
        return 40007; // invalid media_id
      }
    }
    const shape = msgtype === "file" ? 0 : checkMessage(msgtype, content);
    if (shape) {
      return shape;
    }
    const card = msgtype === "template_card" ? (content as Json) : undefined;
    const taskId = card?.task_id === undefined ? "" : String(card.task_id);
    if (taskId && this.taskIds.has(taskId)) {
      // Task ids are never reused within an app.
      return BAD_PARAM;
    }

    const people = this.recipients(body);
    if (typeof people === "number") {
      return people;
    }
    if (people.valid.length === 0) {
      const errmsg = ERRMSG[81013];
      return { errcode: 81013, errmsg, ...people.invalid };
    }
    if (taskId) {
      this.taskIds.add(taskId);
    }
    const msgid = randomUUID().replaceAll("-", "");
    for (const userid of people.valid) {
      this.deliver({ userid, msgtype, body: content as Json, msgid });
    }
    const updatable =
      card && (INTERACTIVE.has(String(card.card_type)) || card.action_menu);
    return {
      ...people.invalid,
      msgid,
      ...(updatable ? { response_code: this.newCode(taskId) } : {}),
    };
  }

  updateCard(q: Record<string, string>, body: Json): Json | number {
    const bad = this.tokenError(q) || this.checkAgent(body.agentid);
    if (bad) {
      return bad;
    }
    const record = this.codes.get(String(body.response_code ?? ""));
    if (!record) {
      return BAD_PARAM;
    }
    if (record.used || this.o.now() - record.at > this.o.responseCodeTtlMs) {
      return this.o.usedCodeErrcode;
    }
    const button = body.button as Json | undefined;
    const card = body.template_card;
    if (!button?.replace_name && checkCard(card) !== 0) {
      return BAD_PARAM;
    }
    const userids = Array.isArray(body.userids) ? body.userids.map(String) : [];
    if (userids.length > 1000 || (!userids.length && body.atall !== 1)) {
      return BAD_PARAM;
    }
    record.used = true;
    this.cardUpdates.push({ userids, body });
    return {};
  }

  robot(q: Record<string, string>, body: Json): Json | number {
    if (!this.o.robotKeys.includes(q.key ?? "")) {
      return 93000;
    }
    const now = this.o.now();
    const times = recent(this.robotTimes, q.key, now - MINUTE);
    if (times.length >= 20) {
      return 45009;
    }
    const msgtype = String(body.msgtype ?? "");
    const shape = checkRobotMessage(msgtype, body[msgtype]);
    if (shape) {
      return shape;
    }
    times.push(now);
    this.robotMessages.push({ key: q.key, body });
    return {};
  }

  userinfo(q: Record<string, string>, legacy: boolean): Json | number {
    const bad = this.tokenError(q);
    if (bad) {
      return bad;
    }
    const code = this.oauthCodes.get(q.code ?? "");
    this.oauthCodes.delete(q.code ?? "");
    if (!code || this.o.now() - code.at > 5 * MINUTE) {
      return 40029;
    }
    return legacy ? { UserId: code.userid } : { userid: code.userid };
  }

  private authorize(url: URL): Answer {
    const p = url.searchParams;
    const redirect = p.get("redirect_uri") ?? "";
    if (p.get("appid") !== this.o.corpId || !/^https?:\/\//.test(redirect)) {
      return this.error(p.get("appid") !== this.o.corpId ? 40013 : 50001);
    }
    // Inside the client the user is known; the fake signs in the one named.
    const code = this.oauthCode(p.get("fake_user") ?? this.o.users[0]);
    const target = new URL(redirect);
    target.searchParams.set("code", code);
    target.searchParams.set("state", p.get("state") ?? "");
    return { status: 302, headers: { location: target.href }, body: "" };
  }

  private checkAgent(agentid: unknown): number {
    if (agentid === undefined) {
      return 41011;
    }
    return agentid === this.o.agentId ? 0 : 40056;
  }

  private recipients(body: Json) {
    const split = (v: unknown) =>
      typeof v === "string" && v !== "" ? v.split("|") : [];
    const users = split(body.touser);
    const parties = split(body.toparty);
    const tags = split(body.totag);
    if (users.length + parties.length + tags.length === 0) {
      return 82001;
    }
    if (users.length > 1000 || parties.length > 100) {
      return users.length > 1000 ? BAD_PARAM : 82002;
    }
    if (tags.length > 100) {
      return 82003;
    }
    const all = users.includes("@all");
    const valid = all
      ? [...this.o.users]
      : users.filter((u) => this.o.users.includes(u));
    const badUsers = all ? [] : users.filter((u) => !valid.includes(u));
    const badParties = parties.filter((p) => !this.o.parties.includes(+p));
    const invalid: Json = {};
    if (badUsers.length) {
      invalid.invaliduser = badUsers.map((u) => u.toLowerCase()).join("|");
    }
    if (badParties.length) {
      invalid.invalidparty = badParties.join("|");
    }
    if (tags.length) {
      invalid.invalidtag = tags.join("|");
    }
    return { valid, invalid };
  }

  /** Past 30 a minute or 1000 an hour to one member, WeCom drops quietly. */
  private deliver(message: Delivered): void {
    const now = this.o.now();
    const times = recent(this.sentTimes, message.userid, now - HOUR);
    const lastMinute = times.filter((t) => t > now - MINUTE).length;
    times.push(now);
    const over = lastMinute >= 30 || times.length > 1000;
    (this.dropSilently || over ? this.dropped : this.delivered).push(message);
  }

  private newCode(taskId: string): string {
    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, { taskId, at: this.o.now(), used: false });
    return code;
  }

  private takeFailure(path: string): Failure | undefined {
    const at = this.failures.findIndex(
      (f) => f.path === path || f.path === "*",
    );
    return at < 0 ? undefined : this.failures.splice(at, 1)[0].failure;
  }

  private error(errcode: number): Answer {
    const errmsg =
      `${ERRMSG[errcode] ?? "error"}, hint: [${randomUUID()}], ` +
      "from ip: 127.0.0.1, more info at " +
      `https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
    return ok({ errcode, errmsg });
  }
}

interface CodeRecord {
  taskId: string;
  at: number;
  used: boolean;
}

interface OAuthCode {
  userid: string;
  at: number;
}

type Answer =
  { status: number; headers: Record<string, string>; body: string } | "reset";

type Route = {
  post: boolean;
  run: (fake: FakeWecom, q: Record<string, string>, b: Json) => Json | number;
};

const ROUTES: Record<string, Route> = {
  "GET /cgi-bin/gettoken": { post: false, run: (f, q) => f.gettoken(q) },
  "POST /cgi-bin/message/send": { post: true, run: (f, q, b) => f.send(q, b) },
  "POST /cgi-bin/message/update_template_card": {
    post: true,
    run: (f, q, b) => f.updateCard(q, b),
  },
  "POST /cgi-bin/webhook/send": { post: true, run: (f, q, b) => f.robot(q, b) },
  "GET /cgi-bin/auth/getuserinfo": {
    post: false,
    run: (f, q) => f.userinfo(q, false),
  },
  "GET /cgi-bin/user/getuserinfo": {
    post: false,
    run: (f, q) => f.userinfo(q, true),
  },
};

const ERRMSG: Record<number, string> = {
  40001: "invalid credential",
  40013: "invalid corpid",
  40014: "invalid access_token",
  40029: "invalid code",
  40004: "invalid media type",
  40007: "invalid media_id",
  41005: "media data missing",
  41001: "access_token missing",
  42001: "access_token expired",
  45009: "api freq out of limit",
  60020: "not allow to access from your ip",
  81013: "user & party & tag all invalid",
  93000: "invalid webhook url",
};

const APP_TYPES: Record<string, number> = { text: 2048, markdown: 2048 };

function checkMessage(msgtype: string, content: unknown): number {
  if (msgtype === "template_card") {
    return checkCard(content);
  }
  const limit = APP_TYPES[msgtype];
  return limit ? checkContent(content, limit) : 40008;
}

const ROBOT_TYPES: Record<string, number> = {
  text: 2048,
  markdown: 4096,
  markdown_v2: 4096,
};

function checkRobotMessage(msgtype: string, content: unknown): number {
  if (msgtype === "template_card") {
    return checkCard(content, true);
  }
  const limit = ROBOT_TYPES[msgtype];
  return limit ? checkContent(content, limit) : 40008;
}

function ok(payload: Json): Answer {
  return {
    status: 200,
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify({ errcode: 0, errmsg: "ok", ...payload }),
  };
}

function isJson(body: unknown): body is Json {
  return typeof body === "object" && body !== null && !Array.isArray(body);
}

function recent(
  map: Map<string, number[]>,
  key: string,
  since: number,
): number[] {
  const kept = (map.get(key) ?? []).filter((t) => t > since);
  map.set(key, kept);
  return kept;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
