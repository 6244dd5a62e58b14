/**
 * WeCom callbacks end to end against the fake: a click on a delivered
 * card signs the referral once however often WeCom pushes it, distinct
 * clicks in one second are all kept, the clicker's card greys out at
 * once and every copy changes after, and the 200 does not wait for the
 * workflow.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { childOf, textOf } from "../../bots/wecom/xml.js";
import { adminOverview, retryPush } from "../../src/admin/overview.js";
import { loadView } from "../../src/referrals/view.js";
import { engines } from "../helpers/db.js";
import { startWecomWorld, wx, type WecomWorld } from "./harness.js";

async function count(store: Store, table: "receipts" | "inboundQueue") {
  const [row] = await store.db
    .select({ n: sql<number>`count(*)` })
    .from(store.t[table]);
  return Number(row.n);
}

describe.each(engines())("WeCom callbacks on $name", (engine) => {
  let world: WecomWorld;

  beforeEach(async () => {
    world = await startWecomWorld(await engine.open());
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  function taskOf(userid: string, caseName: string): string {
    const card = world
      .cards(userid)
      .filter((c) => JSON.stringify(c.body).includes(caseName))
      .at(-1);
    if (!card) {
      throw new Error(`${userid} has no card for ${caseName}`);
    }
    return String(card.body.task_id);
  }

  it("delivers the notice as a button card with a valid task id", async () => {
    await world.refer();
    for (const who of ["zhangw", "chenj"]) {
      const card = world.lastCard(wx(who)).body;
      expect(card.card_type).toBe("button_interaction");
      expect(String(card.task_id)).toMatch(/^[0-9a-zA-Z_\-@]{1,128}$/);
      const buttons = card.button_list as { text: string; key?: string }[];
      expect(buttons.map((b) => b.text)).toEqual(["签收", "退回", "详情"]);
      expect(buttons[0].key).toBe("referral.sign");
    }
    // One task per sending: the two copies never share a task id.
    expect(taskOf(wx("zhangw"), "滨江")).not.toBe(taskOf(wx("chenj"), "滨江"));
  });

  it("signs once however often WeCom pushes the click", async () => {
    const id = await world.refer();
    const xml = world.click(
      wx("zhangw"),
      taskOf(wx("zhangw"), "滨江"),
      "referral.sign",
    );
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await world.push(xml));
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // The first answer greys out the clicker's buttons at once.
    const reply = results[0].reply!;
    expect(textOf(reply, "MsgType")).toBe("update_button");
    expect(textOf(reply, "ToUserName")).toBe(wx("zhangw"));
    expect(textOf(childOf(reply, "Button")!, "ReplaceName")).toBe("处理中…");
    expect(results.slice(1).every((r) => r.body === "")).toBe(true);

    await world.settle();
    const store = world.bot.ctx.store;
    expect(await count(store, "receipts")).toBe(1);
    expect(await count(store, "inboundQueue")).toBe(1);
    const view = await loadView(world.bot.ctx, world.bot.ctx.store.db, id);
    expect(view.referral.status).toBe("in_progress");

    // Both liaisons' copies and the referrer's tracking card changed
    // through update_template_card; no fresh card went out.
    const updated = world.fake.cardUpdates.flatMap((u) => u.userids);
    expect(updated.sort()).toEqual([wx("chenj"), wx("wangjg"), wx("zhangw")]);
    for (const userid of [wx("chenj"), wx("zhangw")]) {
      const update = world.fake.cardUpdates.find(
        (u) => u.userids[0] === userid,
      )!;
      const card = update.body.template_card as Record<string, unknown>;
      expect(card.task_id).toBe(taskOf(userid, "滨江"));
      expect(JSON.stringify(card)).toContain("张伟 已于");
    }
    expect(world.cards(wx("zhangw"))).toHaveLength(1);
  });

  it("keeps five different clicks made in the same second", async () => {
    const names = ["甲", "乙", "丙", "丁", "戊"].map((n) => `${n}项目欠薪案`);
    for (const name of names) {
      await world.refer(name);
    }
    const second = Math.floor(world.clock.now() / 1000);
    const pushes = names.map((name) =>
      world.click(
        wx("zhangw"),
        taskOf(wx("zhangw"), name),
        "referral.sign",
        second,
      ),
    );
    const results = await Promise.all(pushes.map((xml) => world.push(xml)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await world.settle();
    expect(await count(world.bot.ctx.store, "receipts")).toBe(5);
  });

  it("shows an administrator a push it could not handle, and retries it", async () => {
    await world.refer();
    const { bot } = world;
    const handle = bot.actions.handle.bind(bot.actions);
    let broken = true;
    bot.actions.handle = async (action) => {
      if (broken) {
        throw new Error("database unavailable");
      }
      return handle(action);
    };
    const xml = world.click(
      wx("zhangw"),
      taskOf(wx("zhangw"), "滨江"),
      "referral.sign",
    );
    expect((await world.push(xml)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      await world.settle();
      world.clock.advance(5 * 60_000);
    }
    let overview = await adminOverview(bot.ctx);
    expect(overview.failedPushes).toMatchObject([
      { channel: "企业微信", attempts: 5, reason: "database unavailable" },
    ]);
    expect(await count(bot.ctx.store, "receipts")).toBe(0);

    broken = false;
    const admin = await bot.ctx.directory.personByBinding("wecom", wx("admin"));
    await retryPush(bot.ctx, admin!, overview.failedPushes[0].id);
    await world.settle();
    overview = await adminOverview(bot.ctx);
    expect(overview.failedPushes).toEqual([]);
    expect(await count(bot.ctx.store, "receipts")).toBe(1);
  });
});
