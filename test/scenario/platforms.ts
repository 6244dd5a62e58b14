/**
 * One way to drive the referral scenario on any real platform: sign in to
 * a page, click a card button, type a command, and read back what each
 * person and the group received. Each platform plays its own protocol
 * against its fake (encrypted callbacks for WeCom, Stream frames for
 * DingTalk); the scenario does not know which.
 */
import { eq } from "drizzle-orm";
import type { Bot } from "../../src/boot.js";
import { cardKeyOf } from "../../bots/wecom/task-id.js";
import { textOf, xmlFields } from "../../bots/wecom/xml.js";
import type { ManualClock } from "../../src/time.js";
import type { Store } from "../../db/index.js";
import { TOPIC_ROBOT } from "../fakes/dingtalk-server.js";
import {
  DEMO,
  dt,
  MECHANISM_CID,
  startDingTalkWorld,
  STRANGER,
} from "../dingtalk/harness.js";
import {
  AGENT_ID,
  CORP_ID,
  DEMO_KEYS,
  randomMsgId,
  startWecomWorld,
  wx,
} from "../wecom/harness.js";

type Json = Record<string, unknown>;

export interface Received {
  /** The demo person's key, e.g. "zhangw". */
  who: string;
  kind: "card" | "text" | "markdown";
  text: string;
}

/** A place a person shares from the chat. */
export interface Place {
  latitude: number;
  longitude: number;
  label: string;
}

/** Demo duty officers, bound like every demo person but in no role. */
const OFFICERS = { qianj: "钱进", fengm: "冯敏" };

export interface PlatformDriver {
  bot: Bot;
  clock: ManualClock;
  base: string;
  /** Opens a page through the platform's sign-in: the session cookie. */
  openPage(who: string, path: string): Promise<string>;
  /** Clicks a button on the newest card whose key starts with `prefix`. */
  click(who: string, prefix: string, action: string): Promise<void>;
  /** Types a command to the bot. */
  say(who: string, text: string): Promise<void>;
  /**
   * Shares a location with the bot. WeCom pushes a location message;
   * DingTalk's robot receives no location messages: what reaches it is
   * a message of a type it does not support ("unknownMsgType").
   */
  shareLocation(who: string, place: Place): Promise<void>;
  /** The status line each copy of a card (by key prefix) shows now. */
  cardStatuses(who: string, prefix: string): Promise<string[]>;
  /** Everything people received so far, oldest first. */
  received(): Received[];
  /** What the bot posted to the mechanism's group, oldest first. */
  groupPosts(): string[];
  /** Messages the platform dropped silently (WeCom over its pace). */
  dropped(): unknown[];
  /** The platform's connection breaks (DingTalk drops the socket). */
  disrupt(): Promise<void>;
  /** How the clicked card changed right away, for the clicker. */
  lastClickAnswer?: string;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function wecomDriver(store: Store): Promise<PlatformDriver> {
  // The demo officers, and one member in the app's range nobody bound.
  const users = [...DEMO_KEYS, ...Object.keys(OFFICERS), "stranger"];
  const world = await startWecomWorld(store, { users: users.map(wx) });
  const driver: PlatformDriver = {
    bot: world.bot,
    clock: world.clock,
    base: world.base,
    async openPage(who, path) {
      const { cookie, location } = await world.signIn(wx(who), path);
      if (location !== path) {
        throw new Error(`sign-in led to ${location}, not ${path}`);
      }
      return cookie;
    },
    async click(who, prefix, action) {
      const card = world
        .cards(wx(who))
        .filter((c) =>
          (cardKeyOf(String(c.body.task_id)) ?? "").startsWith(prefix),
        )
        .at(-1);
      if (!card) {
        throw new Error(`${who} has no card ${prefix}`);
      }
      const result = await world.push(
        world.click(wx(who), String(card.body.task_id), action),
      );
      if (result.status !== 200) {
        throw new Error(`the click was answered ${result.status}`);
      }
      driver.lastClickAnswer = result.reply && textOf(result.reply, "MsgType");
    },
    async say(who, text) {
      const result = await world.push(world.text(wx(who), text));
      if (result.status !== 200) {
        throw new Error(`the message was answered ${result.status}`);
      }
    },
    async shareLocation(who, place) {
      const inner = xmlFields({
        ToUserName: CORP_ID,
        FromUserName: wx(who),
        CreateTime: Math.floor(world.clock.now() / 1000),
        MsgType: "location",
        Location_X: place.latitude,
        Location_Y: place.longitude,
        Scale: 15,
        Label: place.label,
        MsgId: randomMsgId(),
        AgentID: AGENT_ID,
      });
      const result = await world.push(`<xml>${inner}</xml>`);
      if (result.status !== 200) {
        throw new Error(`the location was answered ${result.status}`);
      }
    },
    async cardStatuses(who, prefix) {
      // Each copy as sent, then as each update through the fake left it.
      return world
        .cards(wx(who))
        .filter((c) =>
          (cardKeyOf(String(c.body.task_id)) ?? "").startsWith(prefix),
        )
        .map((c) => {
          const updates = world.fake.cardUpdates.filter(
            (u) =>
              u.userids.includes(wx(who)) &&
              (u.body.template_card as Json | undefined)?.task_id ===
                c.body.task_id,
          );
          const shown = (updates.at(-1)?.body.template_card ?? c.body) as Json;
          return String((shown.main_title as Json | undefined)?.desc ?? "");
        });
    },
    received() {
      return world.fake.delivered.map((d) => ({
        who: d.userid.replace(/^wx_/, ""),
        kind: d.msgtype === "template_card" ? "card" : (d.msgtype as "text"),
        text: JSON.stringify(d.body),
      }));
    },
    groupPosts() {
      return world.fake.robotMessages.map((m) => JSON.stringify(m.body));
    },
    dropped: () => world.fake.dropped,
    // Each callback is its own request: nothing to break.
    disrupt: async () => undefined,
    settle: () => world.settle(),
    close: () => world.close(),
  };
  return driver;
}

export async function dingtalkDriver(store: Store): Promise<PlatformDriver> {
  // The demo officers, and one member in the app's range nobody bound.
  const users = { ...DEMO, ...OFFICERS };
  const world = await startDingTalkWorld(store, {
    users: {
      ...Object.fromEntries(Object.entries(users).map(([k, v]) => [dt(k), v])),
      [STRANGER]: "访客",
    },
  });
  await world.connected();
  const driver: PlatformDriver = {
    bot: world.bot,
    clock: world.clock,
    base: world.base,
    openPage: (who, path) => world.signIn(who, path),
    async click(who, prefix, action) {
      const ack = await world.fake.clickCard({
        outTrackId: await world.cardOf(who, prefix),
        userId: dt(who),
        params: { action },
      });
      if (ack.late) {
        throw new Error("the click was answered too late");
      }
      driver.lastClickAnswer = JSON.stringify(ack.response);
    },
    async say(who, text) {
      await world.fake.robotMessage({ text, senderStaffId: dt(who) });
    },
    async shareLocation(who) {
      const data = world.fake.robot.robotData({
        text: "",
        senderStaffId: dt(who),
      });
      delete data.text;
      data.msgtype = "unknownMsgType";
      data.content = {
        unknownMsgType: "用户发送了一条消息，机器人暂不支持接收。",
      };
      await world.fake.gateway.push(TOPIC_ROBOT, data).acked;
    },
    async cardStatuses(who, prefix) {
      const { dingtalkCards } = store.t;
      const rows = await store.db
        .select()
        .from(dingtalkCards)
        .where(eq(dingtalkCards.personId, await world.personId(who)));
      return rows
        .filter((r) => r.cardKey.startsWith(prefix))
        .map((r) => world.fake.publicData(r.outTrackId)?.status ?? "");
    },
    received() {
      const list: Received[] = [];
      // What DingTalk accepted: a call refused (an expired token, say)
      // and made again reached nobody.
      const accepted = world.fake.requests.filter(
        (r) => r.status !== undefined && r.status < 300,
      );
      for (const r of accepted) {
        const body = (r.body ?? {}) as Record<string, unknown>;
        if (r.path === "/v1.0/robot/oToMessages/batchSend") {
          for (const userId of body.userIds as string[]) {
            list.push({
              who: userId.replace(/^dt_/, ""),
              kind: body.msgKey === "sampleMarkdown" ? "markdown" : "text",
              text: String(body.msgParam),
            });
          }
        } else if (r.path === "/v1.0/card/instances/createAndDeliver") {
          const space = String(body.openSpaceId);
          list.push({
            who: space.replace(/^dtv1\.card\/\/IM_ROBOT\.dt_/, ""),
            kind: "card",
            text: JSON.stringify(body.cardData),
          });
        }
      }
      return list;
    },
    groupPosts() {
      return world.fake.robot.messages
        .filter((m) => m.kind === "group" && m.to === MECHANISM_CID)
        .map((m) => JSON.stringify(m.msgParam));
    },
    dropped: () => [],
    async disrupt() {
      world.fake.dropSockets();
    },
    settle: () => world.settle(),
    close: () => world.close(),
  };
  return driver;
}
