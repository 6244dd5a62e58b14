/**
 * DingTalk end to end against the fake, through the real Stream SDK:
 * notices as interactive cards in each liaison's robot chat, a click
 * answered within the 2 s with the card's new state, redelivered frames
 * counting once, distinct clicks all kept, typed commands answered by a
 * robot message, and the connection surviving a dropped socket.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../db/index.js";
import { loadView } from "../../src/referrals/view.js";
import { engines } from "../helpers/db.js";
import {
  dt,
  HOUSING_CID,
  MECHANISM_CID,
  STRANGER,
  startDingTalkWorld,
  type DingTalkWorld,
} from "./harness.js";

async function count(store: Store, table: "receipts" | "inboundQueue") {
  const [row] = await store.db
    .select({ n: sql<number>`count(*)` })
    .from(store.t[table]);
  return Number(row.n);
}

describe.each(engines())("DingTalk on $name", (engine) => {
  let world: DingTalkWorld;

  beforeEach(async () => {
    world = await startDingTalkWorld(await engine.open());
    await world.connected();
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  it("delivers the notice as an interactive card with callbacks", async () => {
    const id = await world.refer();
    for (const who of ["zhangw", "chenj"]) {
      const track = await world.cardOf(who, `referral:${id}:unit:`);
      const data = world.fake.publicData(track)!;
      expect(data.title).toBe("【移送通知】滨江花园项目欠薪案");
      expect(data.status).toBe("待签收");
      const buttons = JSON.parse(data.buttons) as {
        text: string;
        action: string;
        url: string;
      }[];
      expect(buttons.map((b) => b.text)).toEqual(["签收", "退回", "详情"]);
      expect(buttons[0].action).toBe("referral.sign");
      // Links open inside DingTalk, through sign-in.
      expect(buttons[1].url).toMatch(
        /^dingtalk:\/\/dingtalkclient\/page\/link\?url=/,
      );
    }
  });

  it("answers a click with the new state, and counts a redelivery once", async () => {
    const id = await world.refer();
    const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
    const ack = await world.fake.clickCard({
      outTrackId: track,
      userId: dt("zhangw"),
      params: { action: "referral.sign" },
    });
    expect(ack.late).toBe(false);
    expect(ack.afterMs).toBeLessThan(2000);
    // The clicker's card shows the new state and, for them alone, a note.
    expect(world.fake.publicData(track)!.status).toBe("办理中");
    expect(world.fake.privateData(track, dt("zhangw"))!.myNote).toMatch(/签收/);

    // The same frame again (DingTalk redelivers what it thinks unacked).
    const again = await world.fake.clickCard({
      outTrackId: track,
      userId: dt("zhangw"),
      params: { action: "referral.sign" },
    });
    expect(again.late).toBe(false);
    await world.settle();
    const store = world.bot.ctx.store;
    expect(await count(store, "receipts")).toBe(1);
    expect(await count(store, "inboundQueue")).toBe(1);

    // The other liaison's copy changed too.
    const other = await world.cardOf("chenj", `referral:${id}:unit:`);
    expect(world.fake.publicData(other)!.content).toContain("张伟 已于");
    const view = await loadView(world.bot.ctx, store.db, id);
    expect(view.referral.status).toBe("in_progress");
  });

  it("keeps five distinct clicks made at once", async () => {
    const ids: number[] = [];
    for (const name of ["甲", "乙", "丙", "丁", "戊"]) {
      ids.push(await world.refer(`${name}项目欠薪案`));
    }
    const tracks = await Promise.all(
      ids.map((id) => world.cardOf("zhangw", `referral:${id}:unit:`)),
    );
    const acks = await Promise.all(
      tracks.map((outTrackId) =>
        world.fake.clickCard({
          outTrackId,
          userId: dt("zhangw"),
          params: { action: "referral.sign" },
        }),
      ),
    );
    expect(acks.every((a) => !a.late)).toBe(true);
    await world.settle();
    expect(await count(world.bot.ctx.store, "receipts")).toBe(5);
  });

  it("answers typed commands with a robot message, once per message", async () => {
    const input = {
      text: " 帮助",
      senderStaffId: dt("zhangw"),
      conversationType: "2" as const,
      conversationId: MECHANISM_CID,
      msgId: "msgHELP0001",
    };
    await world.fake.robotMessage(input);
    await world.fake.robotMessage(input);
    await world.settle();
    const replies = world.fake.inbox(dt("zhangw"));
    expect(replies).toHaveLength(1);
    expect(replies[0].msgKey).toBe("sampleText");
    expect(String(replies[0].msgParam.content)).toContain("可用指令");
  });

  it("answers a member it does not know, saying whom to ask", async () => {
    await world.fake.robotMessage({ text: "待办", senderStaffId: STRANGER });
    await world.settle();
    const replies = world.fake.inbox(STRANGER);
    expect(replies).toHaveLength(1);
    expect(String(replies[0].msgParam.content)).toMatch(/联络员|管理员/);
    const { store } = world.bot.ctx;
    expect(await store.db.select().from(store.t.outbox)).toEqual([]);
  });

  it("loses nothing when the gateway drops the socket", async () => {
    world.fake.dropSockets();
    const sent = world.fake.robotMessage({
      text: "待办",
      senderStaffId: dt("zhaol"),
      msgId: "msgTodo0001",
    });
    await world.connected();
    await sent;
    await world.settle();
    expect(world.fake.inbox(dt("zhaol"))).toHaveLength(1);
  });
});

describe.each(engines())("a unit's own DingTalk group on $name", (engine) => {
  let world: DingTalkWorld;

  beforeEach(async () => {
    world = await startDingTalkWorld(await engine.open(), {
      env: { DINGTALK_UNIT_GROUPS: `city.housing=${HOUSING_CID}` },
    });
    await world.connected();
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  it("gets the notice once, kept in step, and can be signed there", async () => {
    const id = await world.refer();
    const { store } = world.bot.ctx;
    const { dingtalkCards } = store.t;
    const groupCopies = async () =>
      (await store.db.select().from(dingtalkCards)).filter(
        (c) => c.personId === 0,
      );
    // Two liaisons got their copies; the group got one.
    const [group] = await groupCopies();
    expect(await groupCopies()).toHaveLength(1);
    expect(group.userId).toBe(`group:${HOUSING_CID}`);
    const created = world.fake.requests.filter(
      (r) =>
        r.path === "/v1.0/card/instances/createAndDeliver" &&
        String((r.body as { openSpaceId: string }).openSpaceId).includes(
          `IM_GROUP.${HOUSING_CID}`,
        ),
    );
    expect(created).toHaveLength(1);
    expect(world.fake.publicData(group.outTrackId)!.status).toBe("待签收");

    // 陈静 signs on the group's card.
    const ack = await world.fake.clickCard({
      outTrackId: group.outTrackId,
      userId: dt("chenj"),
      params: { action: "referral.sign" },
    });
    expect(ack.late).toBe(false);
    await world.settle();
    expect(world.fake.publicData(group.outTrackId)!.content).toContain(
      "陈静 已于",
    );
    const mine = await world.cardOf("zhangw", `referral:${id}:unit:`);
    expect(world.fake.publicData(mine)!.content).toContain("陈静 已于");
    const view = await loadView(world.bot.ctx, store.db, id);
    expect(view.receipts.map((r) => r.signerName)).toEqual(["陈静"]);
    expect(await groupCopies()).toHaveLength(1);
  });
});
