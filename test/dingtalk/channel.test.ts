/**
 * The DingTalk channel through the outbox: the same text to several
 * members goes out as one batch call (the monthly allowance counts
 * calls), failures are reported per member, and calls are counted.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../src/channels/types.js";
import { engines } from "../helpers/db.js";
import { dt, startDingTalkWorld, type DingTalkWorld } from "./harness.js";

describe.each(engines())("the DingTalk channel on $name", (engine) => {
  let world: DingTalkWorld;

  beforeEach(async () => {
    world = await startDingTalkWorld(await engine.open());
    await world.connected();
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  let serial = 0;
  async function queue(keys: string[], body: OutboundMessage) {
    const { ctx } = world.bot;
    const now = ctx.clock.now();
    for (const key of keys) {
      const id = await world.personId(key);
      await ctx.store.tx((q) =>
        ctx.outbox.enqueue(
          q,
          {
            dedupeKey: `test:${++serial}`,
            target: { type: "person", id },
            body,
            notBefore: now,
          },
          now,
        ),
      );
    }
  }

  const sends = () =>
    world.fake.requests.filter(
      (r) => r.path === "/v1.0/robot/oToMessages/batchSend",
    );

  it("sends one text to several members in one call", async () => {
    const body = { type: "text" as const, text: "本单位有 2 件移送案件待签收" };
    await queue(["zhangw", "chenj", "liuy"], body);
    await world.bot.deliverNow();
    expect(sends()).toHaveLength(1);
    expect((sends()[0].body as { userIds: string[] }).userIds.sort()).toEqual([
      dt("chenj"),
      dt("liuy"),
      dt("zhangw"),
    ]);
    const { store } = world.bot.ctx;
    const rows = await store.db.select().from(store.t.outbox);
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
    expect((await world.bot.dingtalk!.api.usage()).calls).toBe(1);
  });

  it("reports invalid and flow-controlled members one by one", async () => {
    await queue(["zhangw", "chenj", "liuy"], {
      type: "markdown",
      title: "待办提醒",
      text: "**待办提醒**\n- 滨江花园项目欠薪案",
    });
    const { store } = world.bot.ctx;
    const liuy = await world.personId("liuy");
    await store.db
      .update(store.t.personBindings)
      .set({ externalId: "dt_left_the_org" })
      .where(
        and(
          eq(store.t.personBindings.personId, liuy),
          eq(store.t.personBindings.channel, "dingtalk"),
        ),
      );
    world.fake.robot.flowControlled.add(dt("chenj"));
    await world.bot.deliverNow();
    const rows = await store.db
      .select()
      .from(store.t.outbox)
      .orderBy(store.t.outbox.id);
    expect(rows.map((r) => r.status)).toEqual(["sent", "pending", "failed"]);
    expect(rows[1].lastError).toMatch(/限流/);
    expect(rows[2].lastError).toMatch(/钉钉账号/);
    expect(world.fake.inbox(dt("zhangw"))).toHaveLength(1);

    // Flow control lifted, a minute later: delivered, once.
    world.fake.robot.flowControlled.delete(dt("chenj"));
    world.clock.advance(61_000);
    await world.bot.deliverNow();
    const after = await store.db
      .select()
      .from(store.t.outbox)
      .orderBy(store.t.outbox.id);
    expect(after.map((r) => r.status)).toEqual(["sent", "sent", "failed"]);
    expect(world.fake.inbox(dt("chenj"))).toHaveLength(1);
  });

  it("splits more than 20 members into calls of 20", async () => {
    const keys = ["zhangw", "chenj", "liuy", "zhaol", "sunl"];
    // 25 rows of the same text: five members, five times each.
    for (let i = 0; i < 5; i++) {
      await queue(keys, { type: "text", text: "同一条通知" });
    }
    await world.bot.deliverNow();
    const sizes = sends().map(
      (r) => (r.body as { userIds: string[] }).userIds.length,
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(sizes).toHaveLength(2);
  });

  it("shows an administrator the connection, the month's calls and the template", async () => {
    await queue(["zhangw"], { type: "text", text: "通知" });
    await world.bot.deliverNow();
    const rt = world.bot.dingtalk!;
    rt.template = { ok: false, reason: "钉钉：卡片模板不存在" };
    const cookie = await world.signIn("admin", "/admin");
    const res = await fetch(`${world.base}/admin`, { headers: { cookie } });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain("Stream 连接：已连接");
    expect(page).toMatch(/接口调用：1 \/ 5000 次/);
    expect(page).toContain("不可用：钉钉：卡片模板不存在");
  });
});
