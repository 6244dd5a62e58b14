/**
 * The bot with DingTalk as its only platform, against the fake DingTalk
 * (HTTP APIs and the Stream gateway) on a test database: the web app on
 * 127.0.0.1, the demo people bound to DingTalk userIds "dt_<key>", the
 * real Stream SDK connected through the fake gateway, and helpers that
 * play DingTalk's side (messages, card clicks, free-login codes).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { desc, eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { boot, type Bot } from "../../src/boot.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger, type Logger } from "../../src/logger.js";
import { ManualClock, parseInstant } from "../../src/time.js";
import { createWebApp } from "../../src/web/app.js";
import { FakeDingTalk } from "../fakes/dingtalk-server.js";
import {
  demoPeopleOn,
  listenEarly,
  referToHousing,
} from "../helpers/platform.js";

export const CLIENT_ID = "dingfakeclient";
export const CLIENT_SECRET = "fake-dingtalk-secret";
export const CORP_ID = "dingfakecorp";
export const TEMPLATE_ID = "notice-card-0001.schema";
export const MECHANISM_CID = "cidMechanismGroup==";
/** The city housing bureau's own group (used when a test configures it). */
export const HOUSING_CID = "cidHousingBureauGroup==";
export const SESSION_SECRET = "test-secret-test-secret-test-secret!";

/** Friday 2026-10-09, 10:00 in Shanghai: a working day, in office hours. */
export const WORKDAY_MORNING = "2026-10-09T10:00";

export const DEMO = {
  wangjg: "王建国",
  lihm: "李红梅",
  zhangw: "张伟",
  chenj: "陈静",
  liuy: "刘洋",
  zhaol: "赵磊",
  sunl: "孙丽",
  zhouq: "周强",
  huangz: "黄志",
  wum: "吴敏",
  zhengt: "郑涛",
  maxl: "马晓林",
  admin: "系统管理员",
};

export const dt = (key: string) => `dt_${key}`;
export const STRANGER = "dt_stranger";

export interface DingTalkWorld {
  bot: Bot;
  fake: FakeDingTalk;
  clock: ManualClock;
  base: string;
  /** Lets the bot handle what it stored and deliver what that queued. */
  settle(): Promise<void>;
  /** The newest card instance a member holds for a card key prefix. */
  cardOf(key: string, cardKeyPrefix: string): Promise<string>;
  /** Signs in through the free-login code; the session cookie. */
  signIn(key: string, path: string): Promise<string>;
  personId(key: string): Promise<number>;
  refer(caseName?: string): Promise<number>;
  /** Waits until the Stream connection is up. */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export async function startDingTalkWorld(
  store: Store,
  options: {
    env?: Record<string, string>;
    log?: Logger;
    users?: Record<string, string>;
  } = {},
): Promise<DingTalkWorld> {
  const clock = new ManualClock(parseInstant(WORKDAY_MORNING));
  // Demo people, and one member in the app's range whom nobody bound.
  const users = options.users ?? {
    ...Object.fromEntries(Object.entries(DEMO).map(([k, v]) => [dt(k), v])),
    [STRANGER]: "访客",
  };
  const fake = new FakeDingTalk({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    corpId: CORP_ID,
    users,
    groups: {
      [MECHANISM_CID]: {
        title: "联动机制工作群",
        members: Object.keys(users),
        robot: true,
      },
      [HOUSING_CID]: {
        title: "市住建局欠薪工作群",
        members: [dt("zhangw"), dt("chenj"), dt("liuy")],
        robot: true,
      },
    },
    templates: [TEMPLATE_ID],
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
    DINGTALK_CLIENT_ID: CLIENT_ID,
    DINGTALK_CLIENT_SECRET: CLIENT_SECRET,
    DINGTALK_ROBOT_CODE: CLIENT_ID,
    DINGTALK_CARD_TEMPLATE_ID: TEMPLATE_ID,
    DINGTALK_CORP_ID: CORP_ID,
    DINGTALK_API_BASE: fakeBase,
    DINGTALK_OAPI_BASE: fakeBase,
    DINGTALK_GATEWAY_URL: fake.openUrl,
    DINGTALK_GROUPS: `mechanism=${MECHANISM_CID}`,
    // Exported files go to a directory of this test's own.
    EXPORT_DIR: mkdtempSync(join(tmpdir(), "exports-")),
    ...options.env,
  });
  await demoPeopleOn(store, config.seedFile, "dingtalk", "dt_");
  const bot = await boot(config, {
    clock,
    log: options.log ?? silentLogger,
    store,
    stream: { backoffMinMs: 50, backoffMaxMs: 500, watchdogMs: 5_000 },
  });
  server.serve(createWebApp(bot).callback());
  const rt = bot.dingtalk!;
  rt.stream.start();

  const personId = async (key: string) => {
    const person = await bot.ctx.directory.personByBinding("dingtalk", dt(key));
    if (!person) {
      throw new Error(`nobody bound to ${dt(key)}`);
    }
    return person.id;
  };

  return {
    bot,
    fake,
    clock,
    base,
    async settle() {
      await rt.inbox.queue.kick();
      await bot.deliverNow();
    },
    async cardOf(key, prefix) {
      const { dingtalkCards } = store.t;
      const rows = await store.db
        .select()
        .from(dingtalkCards)
        .where(eq(dingtalkCards.personId, await personId(key)))
        .orderBy(desc(dingtalkCards.id));
      const row = rows.find((r) => r.cardKey.startsWith(prefix));
      if (!row) {
        throw new Error(`${key} has no card ${prefix}`);
      }
      return row.outTrackId;
    },
    async signIn(key, path) {
      const url = new URL(rt.signIn.signInUrl(path));
      const res = await fetch(`${base}/api/dingtalk/signin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          code: fake.authCode(dt(key)),
          next: url.searchParams.get("next"),
          state: url.searchParams.get("state"),
        }),
      });
      if (res.status !== 200) {
        throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
      }
      return (res.headers.get("set-cookie") ?? "").split(";")[0];
    },
    personId,
    refer: (caseName) =>
      referToHousing(bot, "dingtalk", dt("wangjg"), caseName),
    async connected() {
      const deadline = Date.now() + 5_000;
      while (rt.stream.health().state !== "connected") {
        if (Date.now() > deadline) {
          throw new Error(`stream is ${rt.stream.health().state}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await rt.stream.stop();
      await rt.inbox.queue.kick().catch(() => undefined);
      server.close();
      await fake.stop();
    },
  };
}
