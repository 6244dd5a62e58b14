/**
 * The Stream half of the fake DingTalk (dingtalk.md sections 1.4–1.8 and
 * 9): the open-connection call, single-use tickets, the WebSocket with
 * SYSTEM pings, CALLBACK frames that wait in a queue while no socket is
 * connected, acks tracked by messageId, and redelivery of what was not
 * acked. Tests can drop sockets, stop answering pings, refuse upgrades
 * and send a `disconnect` frame.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { performance } from "node:perf_hooks";
import { WebSocketServer, type WebSocket } from "ws";

export type Json = Record<string, unknown>;

export interface Subscription {
  type: string;
  topic: string;
}

export interface GatewayOptions {
  clientId: string;
  clientSecret: string;
  now: () => number;
  /** A ticket opens one socket, within this time (real: 90 s). */
  ticketTtlMs: number;
  /** Un-acked CALLBACK frames come again after this (real: about 60 s). */
  redeliverMs: number;
  maxRedeliveries: number;
  /** Card callback answers count only within this (real: 2 s). */
  cardReplyWindowMs: number;
  /** After a `disconnect` frame the server closes the socket (real: 10 s). */
  disconnectCloseMs: number;
  /** SYSTEM pings every this often; 0 sends them only on request. */
  pingIntervalMs: number;
}

/** One POST to the open-connection route. */
export interface OpenRecord {
  at: number;
  clientId: unknown;
  ua: unknown;
  localIp: unknown;
  subscriptions: Subscription[];
  ok: boolean;
}

export interface UpgradeRecord {
  ticket: string;
  status: number;
}

/** What the client sent back for a CALLBACK frame. */
export interface AckRecord {
  messageId: string;
  topic: string;
  code: unknown;
  /** `JSON.parse(data).response` of the client's frame. */
  response: unknown;
  /** Real milliseconds since the frame was first sent. */
  afterMs: number;
  receivedAt: number;
  /** How many times the frame had been sent when this ack arrived. */
  deliveries: number;
  duplicate: boolean;
  /** Card callbacks: answered after the window, so not applied. */
  late: boolean;
  /** Card callbacks: the response changed the card. */
  applied: boolean;
}

export interface PingEcho {
  messageId: string;
  /** Same headers and data as the ping, code 200. */
  ok: boolean;
  frame: Json;
}

export interface PushOptions {
  /** Applies a card response; returns whether it was a valid update. */
  apply?: (response: unknown) => boolean;
}

interface Outgoing {
  messageId: string;
  topic: string;
  data: string;
  deliveries: number;
  firstSentAt?: number;
  timer?: NodeJS.Timeout;
  acked: boolean;
  gaveUp: boolean;
  options: PushOptions;
  waiters: ((ack: AckRecord) => void)[];
}

interface Ticket {
  subscriptions: Subscription[];
  expiresAt: number;
  used: boolean;
}

interface Connection {
  id: string;
  ws: WebSocket;
  subscriptions: Subscription[];
  draining: boolean;
  pinger?: NodeJS.Timeout;
}

export class FakeGateway {
  readonly opens: OpenRecord[] = [];
  readonly upgrades: UpgradeRecord[] = [];
  readonly acks: AckRecord[] = [];
  readonly echoes: PingEcho[] = [];
  /** Client frames that were not JSON or answered nothing we sent. */
  readonly strays: string[] = [];

  private readonly wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
  });
  private readonly tickets = new Map<string, Ticket>();
  private readonly connections: Connection[] = [];
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly pings = new Map<string, (echo: PingEcho) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private ponging = true;
  private upgradeStatus = 0;
  private seq = 0;
  private readonly appId = randomUUID();

  constructor(
    private readonly o: GatewayOptions,
    private readonly endpoint: () => string,
  ) {}

  /** `POST /v1.0/gateway/connections/open`. */
  open(body: Json): { status: number; body: Json } {
    const subscriptions = Array.isArray(body.subscriptions)
      ? (body.subscriptions as Subscription[])
      : [];
    const ok =
      body.clientId === this.o.clientId &&
      body.clientSecret === this.o.clientSecret;
    this.opens.push({
      at: this.o.now(),
      clientId: body.clientId,
      ua: body.ua,
      localIp: body.localIp,
      subscriptions,
      ok,
    });
    if (!ok) {
      const requestid = randomUUID().toUpperCase();
      return {
        status: 401,
        body: { requestid, code: "authFailed", message: "鉴权失败" },
      };
    }
    const ticket = randomUUID();
    this.tickets.set(ticket, {
      subscriptions,
      expiresAt: this.o.now() + this.o.ticketTtlMs,
      used: false,
    });
    return { status: 200, body: { endpoint: this.endpoint(), ticket } };
  }

  /** `GET /connect?ticket=` with an upgrade. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const key = url.searchParams.get("ticket") ?? "";
    const ticket = this.tickets.get(key);
    let status = 0;
    if (url.pathname !== "/connect") {
      status = 404;
    } else if (this.upgradeStatus) {
      status = this.upgradeStatus;
    } else if (!ticket || ticket.used || ticket.expiresAt <= this.o.now()) {
      status = 401;
    }
    this.upgrades.push({ ticket: key, status: status || 101 });
    if (status) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n`);
      return;
    }
    ticket!.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.attach(ws, ticket!.subscriptions),
    );
  }

  /** Sockets now open. */
  get connected(): number {
    return this.connections.length;
  }

  /**
   * Sends a CALLBACK frame on a connection subscribed to its topic, or
   * keeps it until one connects. Resolves with the first ack.
   */
  push(topic: string, data: Json, options: PushOptions = {}) {
    const out: Outgoing = {
      messageId: this.messageId(),
      topic,
      data: JSON.stringify(data),
      deliveries: 0,
      acked: false,
      gaveUp: false,
      options,
      waiters: [],
    };
    this.outgoing.set(out.messageId, out);
    const acked = new Promise<AckRecord>((resolve) =>
      out.waiters.push(resolve),
    );
    this.deliver(out);
    return { messageId: out.messageId, acked };
  }

  /** Frames no socket has taken yet, or that were given up on. */
  undelivered(): { messageId: string; topic: string; gaveUp: boolean }[] {
    return [...this.outgoing.values()]
      .filter((o) => !o.acked && (o.deliveries === 0 || o.gaveUp))
      .map(({ messageId, topic, gaveUp }) => ({ messageId, topic, gaveUp }));
  }

  /** Sends a SYSTEM ping on the newest socket; resolves with its echo. */
  ping(): Promise<PingEcho> {
    const conn = this.connections.at(-1);
    if (!conn) {
      return Promise.reject(new Error("fake dingtalk: no socket to ping"));
    }
    return new Promise((resolve) => this.sendPing(conn, resolve));
  }

  /** Writes any text to every socket, e.g. a malformed frame. */
  sendRaw(text: string): void {
    for (const conn of this.connections) {
      conn.ws.send(text);
    }
  }

  /**
   * The server's rebalancing: a `disconnect` frame, no more deliveries on
   * that socket, and the socket closed after `disconnectCloseMs`.
   */
  sendDisconnect(): void {
    for (const conn of this.connections) {
      conn.draining = true;
      conn.ws.send(
        JSON.stringify({
          type: "SYSTEM",
          headers: { topic: "disconnect", contentType: "application/json" },
          data: JSON.stringify({ reason: "connection is expired" }),
        }),
      );
      this.later(this.o.disconnectCloseMs, () => conn.ws.terminate());
    }
  }

  dropSockets(): void {
    for (const conn of [...this.connections]) {
      conn.ws.terminate();
    }
  }

  /** WebSocket pings from clients go unanswered until startPonging. */
  stopPonging(): void {
    this.ponging = false;
  }

  startPonging(): void {
    this.ponging = true;
  }

  /** Upgrades answer this HTTP status from now on; 0 accepts again. */
  rejectUpgrades(status = 503): void {
    this.upgradeStatus = status;
  }

  close(): Promise<void> {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    for (const out of this.outgoing.values()) {
      clearTimeout(out.timer);
    }
    for (const conn of this.connections) {
      clearInterval(conn.pinger);
    }
    this.dropSockets();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private attach(ws: WebSocket, subscriptions: Subscription[]): void {
    const conn: Connection = {
      id: randomUUID(),
      ws,
      subscriptions,
      draining: false,
    };
    this.connections.push(conn);
    ws.on("ping", (data) => {
      if (this.ponging) {
        ws.pong(data);
      }
    });
    ws.on("message", (raw) => this.receive(String(raw)));
    ws.on("close", () => {
      clearInterval(conn.pinger);
      this.connections.splice(this.connections.indexOf(conn), 1);
    });
    if (this.o.pingIntervalMs > 0) {
      conn.pinger = setInterval(
        () => this.sendPing(conn),
        this.o.pingIntervalMs,
      );
    }
    for (const out of this.outgoing.values()) {
      if (!out.acked && !out.gaveUp && !out.timer) {
        this.deliver(out);
      }
    }
  }

  private deliver(out: Outgoing): void {
    const conn = [...this.connections]
      .reverse()
      .find(
        (c) =>
          !c.draining &&
          c.ws.readyState === c.ws.OPEN &&
          c.subscriptions.some(
            (s) => s.type === "CALLBACK" && s.topic === out.topic,
          ),
      );
    out.timer = undefined;
    if (!conn) {
      return;
    }
    out.deliveries += 1;
    out.firstSentAt ??= performance.now();
    conn.ws.send(JSON.stringify(this.frame(conn, out)));
    out.timer = setTimeout(() => this.redeliver(out), this.o.redeliverMs);
  }

  private redeliver(out: Outgoing): void {
    out.timer = undefined;
    if (out.acked) {
      return;
    }
    if (out.deliveries > this.o.maxRedeliveries) {
      out.gaveUp = true;
      return;
    }
    this.deliver(out);
  }

  private frame(conn: Connection, out: Outgoing): Json {
    return {
      specVersion: "1.0",
      type: "CALLBACK",
      headers: {
        appId: this.appId,
        connectionId: conn.id,
        contentType: "application/json",
        messageId: out.messageId,
        time: String(this.o.now()),
        topic: out.topic,
      },
      data: out.data,
    };
  }

  private sendPing(conn: Connection, onEcho?: (e: PingEcho) => void): void {
    const messageId = this.messageId();
    const frame = {
      specVersion: "1.0",
      type: "SYSTEM",
      headers: {
        appId: this.appId,
        connectionId: conn.id,
        contentType: "application/json",
        messageId,
        time: String(this.o.now()),
        topic: "ping",
      },
      data: JSON.stringify({ opaque: randomUUID() }),
    };
    const check = (echo: PingEcho) => {
      const reply = echo.frame;
      echo.ok =
        reply.code === 200 &&
        reply.data === frame.data &&
        JSON.stringify(reply.headers) === JSON.stringify(frame.headers);
      onEcho?.(echo);
    };
    this.pings.set(messageId, check);
    conn.ws.send(JSON.stringify(frame));
  }

  private receive(text: string): void {
    let frame: Json;
    try {
      frame = JSON.parse(text) as Json;
    } catch {
      this.strays.push(text);
      return;
    }
    const headers = (frame.headers ?? {}) as Json;
    const messageId = String(headers.messageId ?? "");
    const onEcho = this.pings.get(messageId);
    if (onEcho) {
      this.pings.delete(messageId);
      const echo: PingEcho = { messageId, ok: false, frame };
      onEcho(echo);
      this.echoes.push(echo);
      return;
    }
    let out = this.outgoing.get(messageId);
    let response: unknown;
    try {
      response = (JSON.parse(String(frame.data)) as Json).response;
    } catch {
      out = undefined;
    }
    if (!out) {
      this.strays.push(text);
      return;
    }
    this.acknowledge(out, frame.code, response);
  }

  private acknowledge(out: Outgoing, code: unknown, response: unknown) {
    const afterMs = performance.now() - (out.firstSentAt ?? 0);
    const duplicate = out.acked;
    const late =
      Boolean(out.options.apply) && afterMs > this.o.cardReplyWindowMs;
    const applied =
      !duplicate && !late && (out.options.apply?.(response) ?? false);
    const ack: AckRecord = {
      messageId: out.messageId,
      topic: out.topic,
      code,
      response,
      afterMs,
      receivedAt: Date.now(),
      deliveries: out.deliveries,
      duplicate,
      late,
      applied,
    };
    this.acks.push(ack);
    out.acked = true;
    clearTimeout(out.timer);
    out.timer = undefined;
    for (const resolve of out.waiters.splice(0)) {
      resolve(ack);
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  /** Shaped like the real ids: `212ca9d7_974_1898c159aa6_1783b`. */
  private messageId(): string {
    this.seq += 1;
    const host = randomBytes(4).toString("hex");
    const tail = randomBytes(3).toString("hex");
    return `${host}_${this.seq}_${Date.now().toString(16)}_${tail}`;
  }
}
