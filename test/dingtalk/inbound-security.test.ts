/**
 * What DingTalk (or something pretending to be it) may send over Stream,
 * and what the platform may refuse, against the fake and the real SDK:
 * malformed frames and pushes the bot cannot use are dropped or answered
 * without writing anything and without losing the connection; a push
 * that could not be stored is not acked, so it comes again and counts
 * once; a slow click is still answered within DingTalk's 2 s and
 * finished through the outbox; wrong credentials back off instead of
 * storming; the monthly quota, flow control and unknown accounts end as
 * pending or failed messages an administrator can read.
 */
import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Store } from "../../db/index.js";
import type { NeutralAction } from "../../src/channels/types.js";
import { loadView } from "../../src/referrals/view.js";
import { engines } from "../helpers/db.js";
import { captureLog } from "../jobs/harness.js";
import { dt, startDingTalkWorld, type DingTalkWorld } from "./harness.js";

const TOPIC_ROBOT = "/v1.0/im/bot/messages/get";
const TOPIC_CARD = "/v1.0/card/instances/callback";
const MONTH = "2026-10";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function count(
  store: Store,
  table: "receipts" | "inboundQueue" | "outbox",
): Promise<number> {
  const [row] = await store.db
    .select({ n: sql<number>`count(*)` })
    .from(store.t[table]);
  return Number(row.n);
}

/** Errors that got past every handler of the process. */
function escapes() {
  const seen: unknown[] = [];
  const onError = (error: unknown) => seen.push(error);
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  return {
    seen,
    stop() {
      process.off("unhandledRejection", onError);
      process.off("uncaughtException", onError);
    },
  };
}

describe.each(engines())("DingTalk inbound security on $name", (engine) => {
  let world: DingTalkWorld;
  let lines: Record<string, unknown>[];
  let escaped: ReturnType<typeof escapes>;

  async function start(env: Record<string, string> = {}) {
    const captured = captureLog();
    lines = captured.lines;
    world = await startDingTalkWorld(await engine.open(), {
      log: captured.log,
      env,
    });
  }

  beforeEach(() => {
    escaped = escapes();
  });
  afterEach(async () => {
    await world?.close();
    await engine.release();
    escaped.stop();
    expect(escaped.seen).toEqual([]);
  });

  const store = () => world.bot.ctx.store;

  /** A frame as the gateway sends it, with data of our choosing. */
  function frame(topic: string, messageId: string, data: string) {
    return JSON.stringify({
      specVersion: "1.0",
      type: "CALLBACK",
      headers: {
        appId: "fake",
        connectionId: "fake",
        contentType: "application/json",
        messageId,
        time: String(Date.now()),
        topic,
      },
      data,
    });
  }

  /** What the bot wrote back for a messageId the fake did not track. */
  function strayAck(messageId: string) {
    for (const text of world.fake.gateway.strays) {
      const f = JSON.parse(text) as {
        headers?: { messageId?: string };
        data?: string;
      };
      if (f.headers?.messageId === messageId) {
        return JSON.parse(f.data ?? "null") as { response: unknown };
      }
    }
    return undefined;
  }

  async function stillServing(opensBefore: number) {
    expect(world.bot.dingtalk!.stream.health().state).toBe("connected");
    expect(world.fake.gateway.connected).toBe(1);
    expect(world.fake.opens.length).toBe(opensBefore);
    const health = await fetch(`${world.base}/healthz`);
    expect(health.status).toBe(200);
    // A genuine message afterwards is answered, once.
    await world.fake.robotMessage({ text: "帮助", senderStaffId: dt("liuy") });
    await world.settle();
    expect(world.fake.inbox(dt("liuy"))).toHaveLength(1);
  }

  const clickNote = (response: unknown) =>
    (
      response as {
        userPrivateData?: { cardParamMap?: { myNote?: string } };
      }
    ).userPrivateData?.cardParamMap?.myNote;

  describe("on a good connection", () => {
    beforeEach(async () => {
      await start();
      await world.connected();
    });

    it("tells the clicker even when storing and handling are both slow", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const queue = world.bot.dingtalk!.inbox.queue;
      const storeOrig = queue.store.bind(queue);
      vi.spyOn(queue, "store").mockImplementation(async (k, p) => {
        await sleep(900);
        return storeOrig(k, p);
      });
      const actions = world.bot.actions;
      const handle = actions.handle.bind(actions);
      vi.spyOn(actions, "handle").mockImplementation(
        async (action: NeutralAction) => {
          await sleep(600);
          return handle(action);
        },
      );
      await world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      await sleep(1500);
      await world.settle();
      expect(await count(store(), "receipts")).toBe(1);
      expect(world.fake.privateData(track, dt("zhangw"))?.myNote ?? "").toMatch(
        /已签收/,
      );
    });

    it("never sends part of a long text twice when throttled half way", async () => {
      const who = dt("zhangw");
      const person = await world.bot.ctx.directory.personByBinding(
        "dingtalk",
        who,
      );
      const lineOf = (i: number) => `第${i}行：${"欠薪联动".repeat(20)}`;
      const text = Array.from({ length: 60 }, (_, i) => lineOf(i)).join("\n");
      const robot = world.fake.robot;
      const send = robot.batchSend.bind(robot);
      let calls = 0;
      robot.batchSend = (b) => {
        calls += 1;
        if (calls === 2) {
          return {
            status: 403,
            body: {
              code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
              message: "应用调用该接口的并发量超过限制",
              requestid: "x",
            },
          };
        }
        return send(b);
      };
      const { ctx } = world.bot;
      const now = ctx.clock.now();
      await store().tx((q) =>
        ctx.outbox.enqueue(
          q,
          {
            dedupeKey: "test:long",
            target: { type: "person", id: person!.id },
            body: { type: "text", text },
            notBefore: now,
          },
          now,
        ),
      );
      await world.bot.deliverNow();
      world.clock.advance(5 * 60_000);
      await world.bot.deliverNow();
      const [row] = await store().db.select().from(store().t.outbox);
      expect(row.status).toBe("sent");
      const got = world.fake.inbox(who).map((m) => String(m.msgParam.content));
      // One message, cut short with a pointer to the rest, sent once.
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(/其余请在系统中查看/);
      expect(Buffer.byteLength(got[0])).toBeLessThanOrEqual(6000);
    });

    it("drops frames that are not Stream frames and stays connected", async () => {
      const opens = world.fake.opens.length;
      for (const text of [
        "not json",
        "",
        "null",
        "[]",
        "42",
        '"CALLBACK"',
        "{}",
        '{"type":"CALLBACK"}',
        '{"type":"CALLBACK","headers":null,"data":"{}"}',
        `{"type":"CALLBACK","headers":{"topic":"${TOPIC_ROBOT}"},"data":"{}"}`,
        `{"type":"CALLBACK","headers":{"topic":"${TOPIC_ROBOT}","messageId":""},"data":"{}"}`,
        JSON.stringify({
          type: "CALLBACK",
          headers: { topic: TOPIC_CARD, messageId: "m1" },
          data: { outTrackId: "x" },
        }),
        // An EventEmitter's "error" event throws when nobody listens.
        frame("error", "m-error", "{}"),
        '{"type":"SYSTEM","headers":{}}',
        '{"type":"EVENT","headers":{"topic":"x","messageId":"e1"},"data":"not json"}',
        "\u0000\uffff".repeat(1000),
      ]) {
        world.fake.gateway.sendRaw(text);
      }
      await sleep(300);
      expect(
        lines.filter((l) => l.code === "dingtalk_frame_malformed").length,
      ).toBeGreaterThanOrEqual(8);
      expect(await count(store(), "inboundQueue")).toBe(0);
      await stillServing(opens);
    });

    it("acks CALLBACK frames whose data is not a JSON object, storing nothing", async () => {
      const opens = world.fake.opens.length;
      const cases = [
        [TOPIC_ROBOT, "bad-robot-1", "not json"],
        [TOPIC_ROBOT, "bad-robot-2", "[1,2]"],
        [TOPIC_ROBOT, "bad-robot-3", "null"],
        [TOPIC_CARD, "bad-card-1", "not json"],
        [TOPIC_CARD, "bad-card-2", '"a string"'],
      ] as const;
      for (const [topic, id, data] of cases) {
        world.fake.gateway.sendRaw(frame(topic, id, data));
      }
      await vi.waitFor(() => {
        for (const [, id] of cases) {
          expect(strayAck(id)).toBeDefined();
        }
      });
      expect(strayAck("bad-robot-1")).toEqual({ response: null });
      expect(strayAck("bad-card-1")).toEqual({ response: {} });
      expect(await count(store(), "inboundQueue")).toBe(0);
      await stillServing(opens);
    });

    it("acks a robot message without a sender of ours, storing nothing", async () => {
      const opens = world.fake.opens.length;
      const base = {
        conversationId: "cidPrivate==",
        conversationType: "1",
        msgtype: "text",
        text: { content: "待办" },
        createAt: Date.now(),
      };
      const acks = await Promise.all([
        world.fake.gateway.push(TOPIC_ROBOT, { ...base, msgId: "msgNoSender1" })
          .acked,
        world.fake.gateway.push(TOPIC_ROBOT, {
          ...base,
          msgId: "msgNoSender2",
          senderStaffId: 12345,
        }).acked,
        world.fake.gateway.push(TOPIC_ROBOT, {
          ...base,
          msgId: "msgNoSender3",
          senderStaffId: "",
        }).acked,
      ]);
      for (const ack of acks) {
        expect(ack.code).toBe(200);
        expect(ack.deliveries).toBe(1);
      }
      await world.settle();
      expect(await count(store(), "inboundQueue")).toBe(0);
      expect(await count(store(), "outbox")).toBe(0);
      expect(world.fake.robot.messages).toHaveLength(0);
      await stillServing(opens);
    });

    it("answers a click on a card that is not ours with a note, storing nothing", async () => {
      const opens = world.fake.opens.length;
      const content = JSON.stringify({
        cardPrivateData: {
          actionIds: ["button_node_1"],
          params: { action: "referral.sign" },
        },
      });
      const ack = await world.fake.gateway.push(
        TOPIC_CARD,
        {
          type: "actionCallback",
          outTrackId: "referral_1_unit_2-p3-forged",
          corpId: "dingfakecorp",
          userId: dt("zhangw"),
          userIdType: 1,
          content,
          value: content,
          extension: "{}",
          spaceType: "im",
          spaceId: "cidx",
        },
        { apply: () => true },
      ).acked;
      expect(ack.late).toBe(false);
      expect(ack.afterMs).toBeLessThan(2000);
      expect(clickNote(ack.response)).toContain("无法识别这张卡片");
      expect(await count(store(), "inboundQueue")).toBe(0);
      expect(await count(store(), "receipts")).toBe(0);
      await stillServing(opens);
    });

    it("answers a click without an action with a note, changing nothing", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const opens = world.fake.opens.length;
      for (const params of [{}, { action: "" }, { action: 7 }]) {
        const ack = await world.fake.clickCard({
          outTrackId: track,
          userId: dt("zhangw"),
          params,
        });
        expect(ack.late).toBe(false);
        expect(clickNote(ack.response)).toMatch(/无法识别/);
      }
      // Content that is not JSON at all.
      const raw = await world.fake.gateway.push(
        TOPIC_CARD,
        {
          type: "actionCallback",
          outTrackId: track,
          userId: dt("zhangw"),
          content: "{not json",
        },
        { apply: () => true },
      ).acked;
      expect(clickNote(raw.response)).toMatch(/无法识别/);

      await world.settle();
      expect(world.fake.privateData(track, dt("zhangw"))!.myNote).toMatch(
        /无法识别/,
      );
      expect(world.fake.publicData(track)!.status).toBe("待签收");
      expect(await count(store(), "inboundQueue")).toBe(0);
      expect(await count(store(), "receipts")).toBe(0);
      const view = await loadView(world.bot.ctx, store().db, id);
      expect(view.referral.status).toBe("pending_receipt");
      await stillServing(opens);
    });

    it("answers an action nobody offers with a note, changing nothing", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const ack = await world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.delete" },
      });
      expect(ack.late).toBe(false);
      expect(clickNote(ack.response)).toContain("无法识别的操作");
      await world.settle();
      expect(await count(store(), "receipts")).toBe(0);
      expect(world.fake.publicData(track)!.status).toBe("待签收");
    });

    it("tells a second liaison the case is signed already, once", async () => {
      const id = await world.refer();
      const zhang = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const chen = await world.cardOf("chenj", `referral:${id}:unit:`);
      const first = await world.fake.clickCard({
        outTrackId: zhang,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      expect(clickNote(first.response)).toContain("已签收");
      await world.settle();

      const opens = world.fake.opens.length;
      const second = await world.fake.clickCard({
        outTrackId: chen,
        userId: dt("chenj"),
        params: { action: "referral.sign" },
      });
      expect(second.late).toBe(false);
      expect(clickNote(second.response)).toBe(
        "该案件已由张伟签收，无需重复签收。",
      );
      await world.settle();
      expect(world.fake.privateData(chen, dt("chenj"))!.myNote).toBe(
        "该案件已由张伟签收，无需重复签收。",
      );
      // The first signer's own note is untouched.
      expect(world.fake.privateData(zhang, dt("zhangw"))!.myNote).toMatch(
        /^已签收/,
      );
      expect(await count(store(), "receipts")).toBe(1);
      const view = await loadView(world.bot.ctx, store().db, id);
      expect(view.receipts.map((r) => r.signerName)).toEqual(["张伟"]);
      expect(world.fake.publicData(chen)!.status).toBe("办理中");
      await stillServing(opens);
    });

    it("refuses a member of another unit clicking a housing card", async () => {
      const id = await world.refer();
      const zhang = await world.cardOf("zhangw", `referral:${id}:unit:`);
      // Forged: the police officer never held this card.
      const ack = await world.fake.clickCard({
        outTrackId: zhang,
        userId: dt("zhouq"),
        params: { action: "referral.sign" },
      });
      expect(ack.late).toBe(false);
      expect(clickNote(ack.response)).toMatch(/[\u4e00-\u9fff]/);
      expect(clickNote(ack.response)).not.toMatch(/^已签收/);
      await world.settle();
      expect(await count(store(), "receipts")).toBe(0);
      expect(world.fake.publicData(zhang)!.status).toBe("待签收");
      expect(world.fake.privateData(zhang, dt("zhangw"))?.myNote ?? "").toBe(
        "",
      );
      const view = await loadView(world.bot.ctx, store().db, id);
      expect(view.referral.status).toBe("pending_receipt");
    });

    it("does not ack a robot message it could not store; the redelivery counts once", async () => {
      const queue = world.bot.dingtalk!.inbox.queue;
      const spy = vi
        .spyOn(queue, "store")
        .mockRejectedValueOnce(new Error("database unavailable"));
      const ack = await world.fake.robotMessage({
        text: "帮助",
        senderStaffId: dt("zhangw"),
        msgId: "msgSTOREFAIL1",
      });
      // The first delivery went unanswered; the second was stored.
      expect(ack.deliveries).toBe(2);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(
        world.fake.acks.filter((a) => a.messageId === ack.messageId),
      ).toHaveLength(1);
      expect(lines).toContainEqual(
        expect.objectContaining({ code: "dingtalk_handler_failed" }),
      );
      await world.settle();
      await sleep(300);
      await world.settle();
      const replies = world.fake.inbox(dt("zhangw"));
      expect(replies).toHaveLength(1);
      expect(String(replies[0].msgParam.content)).toContain("可用指令");
      expect(await count(store(), "inboundQueue")).toBe(1);
    });

    it("tells the clicker when a click could not be stored, and keeps nothing", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      vi.spyOn(world.bot.dingtalk!.inbox.queue, "store").mockRejectedValueOnce(
        new Error("database unavailable"),
      );
      const ack = await world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      expect(ack.late).toBe(false);
      expect(clickNote(ack.response)).toContain("未能记录您的操作");
      expect(world.fake.privateData(track, dt("zhangw"))!.myNote).toContain(
        "请稍后再点一次",
      );
      await world.settle();
      expect(await count(store(), "receipts")).toBe(0);
      expect(await count(store(), "inboundQueue")).toBe(0);
      expect(world.fake.publicData(track)!.status).toBe("待签收");

      // Clicking again, as the note says, works.
      const again = await world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      expect(clickNote(again.response)).toMatch(/^已签收/);
      await world.settle();
      expect(await count(store(), "receipts")).toBe(1);
    });

    it("answers a slow click within 2 s and finishes it through the outbox", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const other = await world.cardOf("chenj", `referral:${id}:unit:`);
      const actions = world.bot.actions;
      const handle = actions.handle.bind(actions);
      let finished = false;
      vi.spyOn(actions, "handle").mockImplementation(
        async (action: NeutralAction) => {
          await sleep(3_000);
          const outcome = await handle(action);
          finished = true;
          return outcome;
        },
      );
      const ack = await world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      expect(ack.late).toBe(false);
      expect(ack.afterMs).toBeLessThan(2000);
      expect(clickNote(ack.response)).toBe("已收到，正在办理…");
      expect(finished).toBe(false);
      expect(world.fake.privateData(track, dt("zhangw"))!.myNote).toBe(
        "已收到，正在办理…",
      );
      expect(world.fake.publicData(track)!.status).toBe("待签收");

      await world.settle();
      expect(finished).toBe(true);
      expect(await count(store(), "receipts")).toBe(1);
      const puts = world.fake.requests.filter(
        (r) =>
          r.method === "PUT" &&
          r.path === "/v1.0/card/instances" &&
          (r.body as { outTrackId?: string }).outTrackId === track,
      );
      expect(puts.length).toBeGreaterThanOrEqual(1);
      expect(world.fake.publicData(track)!.status).toBe("办理中");
      expect(world.fake.publicData(other)!.status).toBe("办理中");
      expect(world.fake.publicData(other)!.content).toContain("张伟 已于");
    });

    it("shows a late click's refusal on the clicker's card once handled", async () => {
      const id = await world.refer();
      const zhang = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const chen = await world.cardOf("chenj", `referral:${id}:unit:`);
      await world.fake.clickCard({
        outTrackId: zhang,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      await world.settle();
      const actions = world.bot.actions;
      const handle = actions.handle.bind(actions);
      vi.spyOn(actions, "handle").mockImplementation(
        async (action: NeutralAction) => {
          await sleep(1_500);
          return handle(action);
        },
      );
      const ack = await world.fake.clickCard({
        outTrackId: chen,
        userId: dt("chenj"),
        params: { action: "referral.sign" },
      });
      expect(ack.late).toBe(false);
      expect(clickNote(ack.response)).toBe("已收到，正在办理…");
      await world.settle();
      expect(world.fake.privateData(chen, dt("chenj"))!.myNote).toBe(
        "该案件已由张伟签收，无需重复签收。",
      );
      // Only the clicker's own data changed.
      expect(world.fake.privateData(zhang, dt("zhangw"))!.myNote).toMatch(
        /^已签收/,
      );
      expect(await count(store(), "receipts")).toBe(1);
    });

    it("hands a failed push back at once when an admin retries it", async () => {
      const inbox = world.bot.dingtalk!.inbox;
      const spy = vi
        .spyOn(inbox, "handle")
        .mockRejectedValue(new Error("database unavailable"));
      await world.fake.robotMessage({
        text: "帮助",
        senderStaffId: dt("zhangw"),
        msgId: "msgRETRY1",
      });
      for (let i = 0; i < 6; i++) {
        await world.settle();
        world.clock.advance(400_000);
      }
      const [failed] = await store().db.select().from(store().t.inboundQueue);
      expect(failed.status).toBe("failed");
      expect(failed.lastError).toBe("database unavailable");
      // The sender was told it did not go through.
      expect(
        world.fake
          .inbox(dt("zhangw"))
          .map((m) => String(m.msgParam.content))
          .join(),
      ).toContain("系统暂时无法办理");
      spy.mockRestore();

      const cookie = await world.signIn("admin", "/admin");
      const res = await fetch(
        `${world.base}/api/admin/inbound/${failed.id}/retry`,
        { method: "POST", headers: { cookie } },
      );
      expect(res.status).toBe(200);
      await vi.waitFor(async () => {
        const [after] = await store().db.select().from(store().t.inboundQueue);
        expect(after.status).toBe("done");
      });
      await world.settle();
      expect(
        world.fake
          .inbox(dt("zhangw"))
          .filter((m) => String(m.msgParam.content).includes("可用指令")),
      ).toHaveLength(1);
    });

    it("loses nothing when the socket drops while a click is handled", async () => {
      const id = await world.refer();
      const track = await world.cardOf("zhangw", `referral:${id}:unit:`);
      const actions = world.bot.actions;
      const handle = actions.handle.bind(actions);
      let started = false;
      vi.spyOn(actions, "handle").mockImplementation(
        async (action: NeutralAction) => {
          started = true;
          await sleep(400);
          return handle(action);
        },
      );
      const opens = world.fake.opens.length;
      const clicked = world.fake.clickCard({
        outTrackId: track,
        userId: dt("zhangw"),
        params: { action: "referral.sign" },
      });
      await vi.waitFor(() => expect(started).toBe(true));
      world.fake.dropSockets();
      await world.connected();
      const ack = await clicked;
      expect(ack.late).toBe(false);
      expect(ack.deliveries).toBeGreaterThanOrEqual(2);
      expect(world.fake.opens.length).toBeGreaterThan(opens);

      await world.settle();
      await sleep(300);
      await world.settle();
      expect(await count(store(), "receipts")).toBe(1);
      expect(await count(store(), "inboundQueue")).toBe(1);
      expect(world.fake.publicData(track)!.status).toBe("办理中");
      const view = await loadView(world.bot.ctx, store().db, id);
      expect(view.referral.status).toBe("in_progress");
    });

    it("holds a message for a flow-controlled member and sends it once lifted", async () => {
      const who = dt("zhaol");
      world.fake.robot.flowControlled.add(who);
      await world.fake.robotMessage({ text: "帮助", senderStaffId: who });
      await world.settle();
      expect(world.fake.inbox(who)).toHaveLength(0);

      const { outbox } = store().t;
      const [row] = await store().db.select().from(outbox);
      expect(row.status).toBe("pending");
      expect(row.attempts).toBe(1);
      // Backing off like any retry (30 s, 1 min, 2 min …): each try of a
      // flow-controlled member costs a metered call.
      expect(row.nextAttemptAt).toBe(world.clock.now() + 30_000);
      expect(row.lastError).toContain("限流");

      // Not due yet: nothing is tried.
      const calls = world.fake.requests.length;
      await world.bot.deliverNow();
      expect(world.fake.requests.length).toBe(calls);

      world.fake.robot.flowControlled.delete(who);
      world.clock.advance(30_000);
      await world.bot.deliverNow();
      await world.bot.deliverNow();
      expect(world.fake.inbox(who)).toHaveLength(1);
      const [sent] = await store().db.select().from(outbox);
      expect(sent.status).toBe("sent");
    });
  });

  describe("with an account DingTalk does not know", () => {
    beforeEach(async () => {
      await start();
      await world.connected();
      const { personBindings } = store().t;
      await store()
        .db.update(personBindings)
        .set({ externalId: "dt_ghost" })
        .where(
          and(
            eq(personBindings.channel, "dingtalk"),
            eq(personBindings.externalId, dt("chenj")),
          ),
        );
    });

    it("fails a text for it with a reason naming the DingTalk account", async () => {
      const person = await world.bot.ctx.directory.personByBinding(
        "dingtalk",
        "dt_ghost",
      );
      const { ctx } = world.bot;
      const now = ctx.clock.now();
      await store().tx((q) =>
        ctx.outbox.enqueue(
          q,
          {
            dedupeKey: "test:ghost",
            target: { type: "person", id: person!.id },
            body: { type: "text", text: "测试消息" },
            notBefore: now,
          },
          now,
        ),
      );
      await world.bot.deliverNow();
      const [row] = await store().db.select().from(store().t.outbox);
      expect(row.status).toBe("failed");
      expect(row.lastError).toContain("钉钉账号");
      expect(row.lastError).toContain("dt_ghost");
      expect(world.fake.inbox("dt_ghost")).toHaveLength(0);
    });

    it("fails a card for it with a reason naming the DingTalk account", async () => {
      await world.refer();
      const { outbox } = store().t;
      const rows = await store().db.select().from(outbox);
      const failed = rows.filter((r) => r.status === "failed");
      expect(failed).toHaveLength(1);
      expect(failed[0].lastError).toContain("钉钉账号");
      // The other liaison got theirs.
      expect(rows.filter((r) => r.status === "sent").length).toBeGreaterThan(0);
    });
  });

  describe("with the monthly quota used up", () => {
    beforeEach(async () => {
      await start({ DINGTALK_MONTHLY_QUOTA: "100" });
      await world.connected();
    });

    async function used(calls: number) {
      await store().db.insert(store().t.platformCalls).values({
        channel: "dingtalk",
        month: MONTH,
        calls,
      });
    }

    it("makes the last call the quota allows", async () => {
      await used(99);
      await world.fake.robotMessage({
        text: "帮助",
        senderStaffId: dt("zhangw"),
      });
      await world.settle();
      const [row] = await store().db.select().from(store().t.outbox);
      expect(row.status).toBe("sent");
      expect(row.lastError).toBeNull();
      expect(world.fake.inbox(dt("zhangw"))).toHaveLength(1);
      expect(await world.bot.dingtalk!.api.usage()).toEqual({
        month: MONTH,
        calls: 100,
        quota: 100,
      });
    });

    it("fails the next message with a Chinese reason and calls nobody", async () => {
      await used(100);
      const from = world.fake.requests.length;
      await world.fake.robotMessage({
        text: "帮助",
        senderStaffId: dt("zhangw"),
      });
      await world.settle();

      const [row] = await store().db.select().from(store().t.outbox);
      expect(row.status).toBe("failed");
      expect(row.lastError).toContain("本月钉钉接口调用已达 100 次");
      expect(
        world.fake.requests
          .slice(from)
          .filter((r) => r.path.startsWith("/v1.0/robot/")),
      ).toEqual([]);
      expect(world.fake.inbox(dt("zhangw"))).toHaveLength(0);

      // The administrator sees why and how much was used.
      const cookie = await world.signIn("admin", "/admin");
      const res = await fetch(`${world.base}/api/admin/overview`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      const overview = (await res.json()) as {
        failed: { reason: string }[];
        platforms: {
          dingtalk: { usage: { month: string; calls: number; quota: number } };
        };
      };
      expect(overview.failed).toHaveLength(1);
      expect(overview.failed[0].reason).toContain("本月钉钉接口调用已达");
      expect(overview.platforms.dingtalk.usage).toEqual({
        month: MONTH,
        calls: 100,
        quota: 100,
      });
      const admin = await fetch(`${world.base}/admin`, { headers: { cookie } });
      const text = await admin.text();
      expect(text).toContain("100 / 100 次（100%）");
      expect(text).toContain("即将用完");
    });
  });

  describe("with a wrong client secret", () => {
    beforeEach(async () => {
      await start({ DINGTALK_CLIENT_SECRET: "wrong-secret-1234" });
    });

    it("says auth_failed, turns /healthz 503 and backs off", async () => {
      const gateway = world.fake.gateway;
      const open = gateway.open.bind(gateway);
      const times: number[] = [];
      gateway.open = (body) => {
        times.push(performance.now());
        return open(body);
      };
      const began = performance.now();
      await sleep(2_000);
      const within = times.filter((t) => t - began <= 2_000).length;
      // The harness backs off from 50 ms to 500 ms: a handful, not a storm.
      expect(within).toBeGreaterThanOrEqual(2);
      expect(within).toBeLessThanOrEqual(12);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      expect(Math.max(...gaps.slice(-2))).toBeGreaterThan(gaps[0]);
      expect(world.fake.opens.every((o) => !o.ok)).toBe(true);
      expect(world.fake.gateway.connected).toBe(0);

      const health = world.bot.dingtalk!.stream.health();
      expect(health.state).toBe("auth_failed");
      expect(health.lastError).toContain("DINGTALK_CLIENT_SECRET");
      const res = await fetch(`${world.base}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as {
        ok: boolean;
        dingtalk: { state: string; lastError: string };
      };
      expect(body.ok).toBe(false);
      expect(body.dingtalk.state).toBe("auth_failed");
      expect(body.dingtalk.lastError).toContain("DINGTALK_CLIENT_SECRET");
      expect(JSON.stringify(body)).not.toContain("wrong-secret-1234");

      expect(lines).toContainEqual(
        expect.objectContaining({ code: "dingtalk_auth_failed" }),
      );
      // The secret never reaches the log.
      expect(JSON.stringify(lines)).not.toContain("wrong-secret-1234");
    });
  });
});
