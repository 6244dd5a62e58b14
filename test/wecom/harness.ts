/**
 * The bot with WeCom as its only platform, against the fake WeCom server,
 * on a test database: the web app on 127.0.0.1 (callback and pages), the
 * demo people bound to WeCom userids "wx_<key>", and a driver that plays
 * WeCom's side of the callback (encrypt, sign, POST, read the passive
 * reply) and of the sign-in.
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";
import type { Store } from "../../db/index.js";
import { boot, type Bot } from "../../src/boot.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger, type Logger } from "../../src/logger.js";
import { ManualClock, parseInstant } from "../../src/time.js";
import {
  demoPeopleOn,
  listenEarly,
  referToHousing,
} from "../helpers/platform.js";
import { createWebApp } from "../../src/web/app.js";
import {
  parseXml,
  textOf,
  xmlFields,
  type XmlElement,
} from "../../bots/wecom/xml.js";
import { FakeWecom, type Delivered } from "../fakes/wecom-server.js";

export const CORP_ID = "ww_fakecorp";
export const AGENT_ID = 1000002;
export const TOKEN = "QDG6eK";
export const AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
export const SECRET = "fake-secret";
export const ROBOT_KEY = "robot-key-1";
export const SESSION_SECRET = "test-secret-test-secret-test-secret!";

/** Friday 2026-10-09, 10:00 in Shanghai: a working day, in office hours. */
export const WORKDAY_MORNING = "2026-10-09T10:00";

export const DEMO_KEYS = [
  "wangjg",
  "lihm",
  "zhangw",
  "chenj",
  "liuy",
  "zhaol",
  "sunl",
  "zhouq",
  "huangz",
  "wum",
  "zhengt",
  "maxl",
  "admin",
];

export const wx = (key: string) => `wx_${key}`;

export interface PushResult {
  status: number;
  ms: number;
  body: string;
  /** The decrypted passive reply, when there was one. */
  reply?: XmlElement;
}

export interface WecomWorld {
  bot: Bot;
  fake: FakeWecom;
  clock: ManualClock;
  base: string;
  /** POSTs an inner push as WeCom would: encrypted, signed. */
  push(
    innerXml: string,
    query?: Partial<Record<string, string>>,
  ): Promise<PushResult>;
  /** A member clicks a button of a card WeCom delivered. */
  click(
    userid: string,
    taskId: string,
    key: string,
    createTime?: number,
  ): string;
  /** A member types a text to the app. */
  text(userid: string, content: string): string;
  /** Lets the bot handle what it stored and deliver what that queued. */
  settle(): Promise<void>;
  /** Cards a member holds (the latest of each card key last). */
  cards(userid: string): Delivered[];
  /** The newest card of a member (optionally of one card key prefix). */
  lastCard(userid: string): Delivered;
  /** Signs in through WeCom's OAuth as this member; the session cookie. */
  signIn(
    userid: string,
    path: string,
  ): Promise<{ cookie: string; location: string }>;
  personId(key: string): Promise<number>;
  /** 王建国 refers a case to the city housing bureau; notices go out. */
  refer(caseName?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startWecomWorld(
  store: Store,
  options: {
    env?: Record<string, string>;
    log?: Logger;
    users?: string[];
  } = {},
): Promise<WecomWorld> {
  const clock = new ManualClock(parseInstant(WORKDAY_MORNING));
  const fake = new FakeWecom({
    corpId: CORP_ID,
    secret: SECRET,
    agentId: AGENT_ID,
    users: options.users ?? DEMO_KEYS.map(wx),
    robotKeys: [ROBOT_KEY],
    now: () => clock.now(),
  });
  const fakeBase = await fake.start();

  const server = await listenEarly();
  const base = server.base;

  const config = loadConfig({
    SIMULATOR: "off",
    JOBS: "false",
    PUBLIC_URL: base,
    SESSION_SECRET,
    WECOM_CORP_ID: CORP_ID,
    WECOM_AGENT_ID: String(AGENT_ID),
    WECOM_SECRET: SECRET,
    WECOM_TOKEN: TOKEN,
    WECOM_ENCODING_AES_KEY: AES_KEY,
    WECOM_API_BASE: fakeBase,
    WECOM_OAUTH_BASE: fakeBase,
    WECOM_ROBOT_KEYS: `mechanism=${ROBOT_KEY}`,
    // Exported files go to a directory of this test's own.
    EXPORT_DIR: mkdtempSync(join(tmpdir(), "exports-")),
    ...options.env,
  });
  await demoPeopleOn(store, config.seedFile, "wecom", "wx_");
  const bot = await boot(config, {
    clock,
    log: options.log ?? silentLogger,
    store,
  });
  server.serve(createWebApp(bot).callback());

  const push: WecomWorld["push"] = async (inner, query = {}) => {
    const timestamp = String(Math.floor(clock.now() / 1000));
    const nonce = String(randomInt(1e8, 1e9));
    const sealed = encrypt(AES_KEY, inner, CORP_ID);
    const q = {
      msg_signature: getSignature(TOKEN, timestamp, nonce, sealed),
      timestamp,
      nonce,
      ...query,
    };
    const qs = Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
      .join("&");
    const envelope =
      "<xml>" +
      xmlFields({
        ToUserName: CORP_ID,
        Encrypt: sealed,
        AgentID: String(AGENT_ID),
      }) +
      "</xml>";
    const started = performance.now();
    const res = await fetch(`${base}/wecom/callback?${qs}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: envelope,
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.text();
    const ms = performance.now() - started;
    return {
      status: res.status,
      ms,
      body,
      reply: res.status === 200 && body ? openReply(body) : undefined,
    };
  };

  return {
    bot,
    fake,
    clock,
    base,
    push,
    click(userid, taskId, key, createTime) {
      return (
        "<xml>" +
        xmlFields({
          ToUserName: CORP_ID,
          FromUserName: userid,
          CreateTime: createTime ?? Math.floor(clock.now() / 1000),
          MsgType: "event",
          Event: "template_card_event",
          EventKey: key,
          TaskId: taskId,
          CardType: "button_interaction",
          ResponseCode: fake.clickCode(taskId),
          AgentID: AGENT_ID,
        }) +
        "</xml>"
      );
    },
    text(userid, content) {
      return (
        "<xml>" +
        xmlFields({
          ToUserName: CORP_ID,
          FromUserName: userid,
          CreateTime: Math.floor(clock.now() / 1000),
          MsgType: "text",
          Content: content,
          MsgId: `45612553542${String(randomInt(1e7, 1e8))}`,
          AgentID: AGENT_ID,
        }) +
        "</xml>"
      );
    },
    async settle() {
      await bot.wecom!.inbox.kick();
      await bot.deliverNow();
    },
    cards(userid) {
      return fake.inbox(userid).filter((d) => d.msgtype === "template_card");
    },
    lastCard(userid) {
      const cards = fake
        .inbox(userid)
        .filter((d) => d.msgtype === "template_card");
      if (cards.length === 0) {
        throw new Error(`${userid} has no card`);
      }
      return cards[cards.length - 1];
    },
    async signIn(userid, path) {
      const authorize = bot.wecom!.oauth.authorizeUrl(path).replace(/#.*$/, "");
      const step1 = await fetch(
        `${authorize}&fake_user=${encodeURIComponent(userid)}`,
        {
          redirect: "manual",
        },
      );
      const back = step1.headers.get("location");
      if (!back) {
        throw new Error(`authorize answered ${step1.status}`);
      }
      const step2 = await fetch(back, { redirect: "manual" });
      const cookie = (step2.headers.get("set-cookie") ?? "").split(";")[0];
      return {
        cookie,
        location: step2.headers.get("location") ?? `status ${step2.status}`,
      };
    },
    refer: (caseName) => referToHousing(bot, "wecom", wx("wangjg"), caseName),
    async personId(key) {
      const person = await bot.ctx.directory.personByBinding("wecom", wx(key));
      if (!person) {
        throw new Error(`nobody bound to ${wx(key)}`);
      }
      return person.id;
    },
    async close() {
      server.close();
      await fake.stop();
      // The store is the engine's to close; only let pending work end.
      await bot.wecom!.inbox.kick().catch(() => undefined);
    },
  };
}

/** Checks a passive reply as WeCom does, and opens it. */
export function openReply(body: string): XmlElement {
  const envelope = parseXml(body);
  const sealed = textOf(envelope, "Encrypt") ?? "";
  const signature = getSignature(
    TOKEN,
    textOf(envelope, "TimeStamp") ?? "",
    textOf(envelope, "Nonce") ?? "",
    sealed,
  );
  if (signature !== textOf(envelope, "MsgSignature")) {
    throw new Error("the passive reply's signature is wrong");
  }
  const { message, id } = decrypt(AES_KEY, sealed);
  if (id !== CORP_ID) {
    throw new Error(`the passive reply is sealed for ${id}`);
  }
  return parseXml(message);
}

export const randomMsgId = () =>
  BigInt(`0x${randomBytes(7).toString("hex")}`).toString();
