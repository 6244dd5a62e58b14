/**
 * One way to drive the referral scenario on any real platform: sign in to
 * a page, click a card button, type a command, and read back what each
 * person and the group received. Each platform plays its own protocol
 * against its fake (encrypted callbacks for WeCom, Stream frames for
 * DingTalk); the scenario does not know which.
 */
import type { Bot } from "../../src/boot.js";
import { cardKeyOf } from "../../bots/wecom/task-id.js";
import { textOf } from "../../bots/wecom/xml.js";
import type { ManualClock } from "../../src/time.js";
import type { Store } from "../../db/index.js";
import { dt, MECHANISM_CID, startDingTalkWorld } from "../dingtalk/harness.js";
import { startWecomWorld, wx } from "../wecom/harness.js";

export interface Received {
  /** The demo person's key, e.g. "zhangw". */
  who: string;
  kind: "card" | "text" | "markdown";
  text: string;
}

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
  const world = await startWecomWorld(store);
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
  const world = await startDingTalkWorld(store);
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
    received() {
      const list: Received[] = [];
      for (const r of world.fake.requests) {
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
