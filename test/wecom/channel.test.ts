/**
 * The WeCom channel through the outbox, against the fake: tokens, byte
 * limits, response codes and their window, per-member and robot pacing,
 * and what an administrator sees when WeCom refuses for good.
 */
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../src/channels/types.js";
import { adminOverview } from "../../src/admin/overview.js";
import { byteLength } from "../../bots/wecom/render.js";
import { captureLog } from "../jobs/harness.js";
import { engines } from "../helpers/db.js";
import { startWecomWorld, wx, ROBOT_KEY, type WecomWorld } from "./harness.js";

const HOUR = 3_600_000;

describe.each(engines())("the WeCom channel on $name", (engine) => {
  let world: WecomWorld;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    const captured = captureLog();
    lines = captured.lines;
    captured.log.level = "debug";
    world = await startWecomWorld(await engine.open(), { log: captured.log });
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  let serial = 0;
  async function queue(
    target: { type: "person" | "group"; id: number },
    body: OutboundMessage,
  ) {
    const { ctx } = world.bot;
    const now = ctx.clock.now();
    await ctx.store.tx((q) =>
      ctx.outbox.enqueue(
        q,
        { dedupeKey: `test:${++serial}`, target, body, notBefore: now },
        now,
      ),
    );
  }

  async function outboxRows() {
    const { store } = world.bot.ctx;
    return store.db.select().from(store.t.outbox).orderBy(store.t.outbox.id);
  }

  it("fetches one token for many senders and never logs it", async () => {
    const zhangw = await world.personId("zhangw");
    for (let i = 0; i < 5; i++) {
      await queue(
        { type: "person", id: zhangw },
        { type: "text", text: `第${i}条` },
      );
    }
    await world.bot.deliverNow();
    const tokens = world.fake.requests.filter(
      (r) => r.path === "/cgi-bin/gettoken",
    );
    expect(tokens).toHaveLength(1);
    expect(world.fake.inbox(wx("zhangw"))).toHaveLength(5);

    // WeCom expires the token early: one new token, the message still goes.
    world.fake.expireTokens();
    await queue(
      { type: "person", id: zhangw },
      { type: "text", text: "过期之后" },
    );
    await world.bot.deliverNow();
    expect(
      world.fake.requests.filter((r) => r.path === "/cgi-bin/gettoken"),
    ).toHaveLength(2);
    expect(world.fake.inbox(wx("zhangw")).at(-1)!.body).toEqual({
      content: "过期之后",
    });

    const issued = world.fake.requests
      .filter((r) => r.path !== "/cgi-bin/gettoken")
      .map((r) => r.query.access_token);
    const logged = JSON.stringify(lines);
    expect(issued.length).toBeGreaterThan(0);
    for (const token of issued) {
      expect(logged).not.toContain(token);
    }
    expect(logged).not.toContain("fake-secret");
  });

  it("splits long markdown at line ends within 2048 bytes", async () => {
    const lihm = await world.personId("lihm");
    const lines = Array.from(
      { length: 60 },
      (_, i) =>
        `- 遂人社移〔2026〕${i + 1}号｜滨江花园项目欠薪案｜应于 2026年11月16日 前反馈`,
    );
    const text = lines.join("\n");
    expect(byteLength(text)).toBeGreaterThan(2048 * 2);
    await queue(
      { type: "person", id: lihm },
      { type: "markdown", title: "逾期未反馈", text },
    );
    await world.bot.deliverNow();
    const parts = world.fake
      .inbox(wx("lihm"))
      .map((d) => String(d.body.content));
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(byteLength(part)).toBeLessThanOrEqual(2048);
      expect(part).not.toContain("\uFFFD");
    }
    // Nothing lost or cut: the parts put together are the message.
    expect(parts.join("\n")).toBe(`**逾期未反馈**\n${text}`);
  });

  it("summarises what would take more than four messages", async () => {
    const lihm = await world.personId("lihm");
    const text = "欠".repeat(3000); // one 9000-byte line
    await queue({ type: "person", id: lihm }, { type: "text", text });
    await world.bot.deliverNow();
    const parts = world.fake
      .inbox(wx("lihm"))
      .map((d) => String(d.body.content));
    expect(parts).toHaveLength(4);
    expect(parts.every((p) => byteLength(p) <= 2048)).toBe(true);
    expect(parts[3]).toMatch(/其余请在系统中查看/);
  });

  it("sends a fresh card when the response codes have aged out", async () => {
    const id = await world.refer();
    const first = world.lastCard(wx("chenj"));
    // Three days and more later, no code is good any more.
    world.clock.advance(73 * HOUR);
    const zhangw = await world.bot.ctx.directory.personByBinding(
      "wecom",
      wx("zhangw"),
    );
    await world.bot.referrals.sign({ person: zhangw!, channel: "web" }, id);
    await world.bot.deliverNow();

    const cards = world.cards(wx("chenj"));
    expect(cards).toHaveLength(2);
    expect(cards[1].body.task_id).not.toBe(first.body.task_id);
    expect(JSON.stringify(cards[1].body)).toContain("张伟 已于");
    const { store } = world.bot.ctx;
    const [old] = await store.db
      .select()
      .from(store.t.wecomCards)
      .where(eq(store.t.wecomCards.taskId, String(first.body.task_id)));
    expect(old.supersededAt).not.toBeNull();
  });

  it("falls back to a fresh card when WeCom refuses the code", async () => {
    const id = await world.refer();
    world.fake.failNext(
      "/cgi-bin/message/update_template_card",
      { errcode: 42022 },
      5,
    );
    const zhangw = await world.bot.ctx.directory.personByBinding(
      "wecom",
      wx("zhangw"),
    );
    await world.bot.referrals.sign({ person: zhangw!, channel: "web" }, id);
    await world.bot.deliverNow();
    expect(world.cards(wx("chenj"))).toHaveLength(2);
    const rows = await outboxRows();
    expect(rows.filter((r) => r.status === "failed")).toEqual([]);
  });

  it("paces messages to one member under WeCom's silent limit", async () => {
    const zhangw = await world.personId("zhangw");
    for (let i = 0; i < 30; i++) {
      await queue(
        { type: "person", id: zhangw },
        { type: "text", text: `提醒${i}` },
      );
    }
    await world.bot.deliverNow();
    expect(world.fake.inbox(wx("zhangw"))).toHaveLength(25);
    expect(world.fake.dropped).toEqual([]);
    const waiting = (await outboxRows()).filter((r) => r.status === "pending");
    expect(waiting).toHaveLength(5);
    // Waiting is not failing: no attempt is counted.
    expect(waiting.every((r) => r.attempts === 0)).toBe(true);
    expect(waiting.every((r) => r.nextAttemptAt > world.clock.now())).toBe(
      true,
    );
  });

  it("posts group summaries through the robot, paced to its limit", async () => {
    const { store } = world.bot.ctx;
    const [group] = await store.db
      .select()
      .from(store.t.chatGroups)
      .where(eq(store.t.chatGroups.code, "mechanism"));
    const text = "**联动机制周报**\n本周新移送 3 件，办结 2 件。";
    for (let i = 0; i < 20; i++) {
      await queue(
        { type: "group", id: group.id },
        { type: "markdown", title: "联动机制周报", text },
      );
    }
    await world.bot.deliverNow();
    expect(world.fake.robotMessages).toHaveLength(18);
    expect(world.fake.robotMessages[0]).toEqual({
      key: ROBOT_KEY,
      body: { msgtype: "markdown", markdown: { content: text } },
    });
    const pending = (await outboxRows()).filter((r) => r.status === "pending");
    expect(pending).toHaveLength(2);
  });

  it("gives up with a reason an administrator can act on", async () => {
    const zhangw = await world.personId("zhangw");
    world.fake.failNext("/cgi-bin/message/send", { errcode: 60020 });
    await queue({ type: "person", id: zhangw }, { type: "text", text: "通知" });
    await world.bot.deliverNow();
    const overview = await adminOverview(world.bot.ctx);
    expect(overview.failed).toHaveLength(1);
    expect(overview.failed[0].to).toBe("张伟");
    expect(overview.failed[0].reason).toMatch(/企业可信IP/);
    expect(overview.failed[0].reason).toMatch(/60020/);
  });

  it("retries when WeCom is busy or unreachable", async () => {
    const zhangw = await world.personId("zhangw");
    world.fake.failNext("/cgi-bin/message/send", { errcode: -1 });
    await queue({ type: "person", id: zhangw }, { type: "text", text: "稍后" });
    await world.bot.deliverNow();
    let [row] = await outboxRows();
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    world.clock.advance(60_000);
    await world.bot.deliverNow();
    [row] = await outboxRows();
    expect(row.status).toBe("sent");
    expect(world.fake.inbox(wx("zhangw"))).toHaveLength(1);
  });

  it("reports a member outside the app's visible range", async () => {
    const { store } = world.bot.ctx;
    const zhangw = await world.personId("zhangw");
    await store.db
      .update(store.t.personBindings)
      .set({ externalId: "not_in_range" })
      .where(
        and(
          eq(store.t.personBindings.personId, zhangw),
          eq(store.t.personBindings.channel, "wecom"),
        ),
      );
    await queue({ type: "person", id: zhangw }, { type: "text", text: "通知" });
    await world.bot.deliverNow();
    const [row] = await outboxRows();
    expect(row.status).toBe("failed");
    expect(row.lastError).toMatch(/可见范围|81013/);
  });
});
