/**
 * The WeCom callback under attack and under strain, through the real HTTP
 * route: every malformed, forged or misaddressed request is refused with
 * a 4xx, stores nothing, and leaves one warning that names what to check;
 * redelivered pushes are handled once; a slow or failing handler never
 * delays WeCom's 200; a click on a replaced card does not act.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encrypt, getSignature } from "@wecom/crypto";
import { eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { childOf, textOf, xmlFields } from "../../bots/wecom/xml.js";
import { loadView } from "../../src/referrals/view.js";
import { engines } from "../helpers/db.js";
import { count as countOf } from "../helpers/bot.js";
import { captureLog } from "../jobs/harness.js";
import { OFFICIAL, PUSH, URL_CHECK, envelope } from "../bots/wecom/vectors.js";
import {
  AES_KEY,
  AGENT_ID,
  CORP_ID,
  DEMO_KEYS,
  TOKEN,
  startWecomWorld,
  wx,
  type WecomWorld,
} from "./harness.js";

/** Another valid EncodingAESKey: 43 letters and digits. */
const OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
/** Fixed random bytes, so tampered ciphertexts are the same every run. */
const RANDOM = Buffer.from("0123456789abcdef");
const STRANGER = "wx_stranger";
const WARN = 40;

type Query = Record<string, string | undefined>;

interface Attempt {
  method: "GET" | "POST";
  query: Query;
  body?: string;
  /** Appended to the query as is. */
  raw?: string;
}

interface Refusal {
  name: string;
  build: (w: WecomWorld) => Attempt;
  status: number;
  code: string;
  /** What the operator's log line must point at. */
  hint: RegExp;
}

async function rows(store: Store) {
  return store.db.select().from(store.t.inboundQueue);
}

const seconds = (w: WecomWorld) => String(Math.floor(w.clock.now() / 1000));

/** A text typed by a member, as inner XML; `drop` leaves fields out. */
function textXml(
  fields: Partial<Record<string, string | number>> = {},
  drop: string[] = [],
): string {
  const all: Record<string, string | number> = {
    ToUserName: CORP_ID,
    FromUserName: wx("zhangw"),
    CreateTime: 1791511200,
    MsgType: "text",
    Content: "帮助",
    MsgId: "4561255354251345929",
    AgentID: AGENT_ID,
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) {
      all[k] = v;
    }
  }
  for (const name of drop) {
    delete all[name];
  }
  return `<xml>${xmlFields(all)}</xml>`;
}

function outer(encrypted: string): string {
  return (
    "<xml>" +
    xmlFields({
      ToUserName: CORP_ID,
      Encrypt: encrypted,
      AgentID: String(AGENT_ID),
    }) +
    "</xml>"
  );
}

/** Query for `encrypted`, signed with `token` (ours unless said). */
function signedQuery(
  w: WecomWorld,
  encrypted: string,
  token = TOKEN,
  extra: Query = {},
): Query {
  const timestamp = seconds(w);
  const nonce = "1372623149";
  return {
    msg_signature: getSignature(token, timestamp, nonce, encrypted),
    timestamp,
    nonce,
    ...extra,
  };
}

/** A POST of a sealed inner XML, everything right unless overridden. */
function post(
  w: WecomWorld,
  inner: string,
  o: { key?: string; corpId?: string; token?: string; drop?: string } = {},
): Attempt {
  const sealed = encrypt(o.key ?? AES_KEY, inner, o.corpId ?? CORP_ID, RANDOM);
  const query = signedQuery(w, sealed, o.token);
  if (o.drop) {
    delete query[o.drop];
  }
  return { method: "POST", query, body: outer(sealed) };
}

/** A POST whose ciphertext is replaced, then signed with our token. */
function resigned(w: WecomWorld, change: (sealed: string) => string): Attempt {
  const sealed = change(encrypt(AES_KEY, textXml(), CORP_ID, RANDOM));
  return { method: "POST", query: signedQuery(w, sealed), body: outer(sealed) };
}

function flipByte(base64: string, at: number): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[at < 0 ? bytes.length + at : at] ^= 0x01;
  return bytes.toString("base64");
}

function echoQuery(
  w: WecomWorld,
  o: { token?: string; corpId?: string; plain?: string } = {},
): Query {
  const echostr = encrypt(
    AES_KEY,
    o.plain ?? "8527419630551234567",
    o.corpId ?? CORP_ID,
  );
  return { ...signedQuery(w, echostr, o.token), echostr };
}

function qs(query: Query): string {
  return Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join("&");
}

async function send(w: WecomWorld, a: Attempt) {
  const query = [qs(a.query), a.raw].filter(Boolean).join("&");
  const res = await fetch(`${w.base}/wecom/callback?${query}`, {
    method: a.method,
    headers: a.body === undefined ? undefined : { "content-type": "text/xml" },
    body: a.body,
    signal: AbortSignal.timeout(5000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), bytes };
}

const REFUSALS: Refusal[] = [
  {
    name: "msg_signature missing",
    build: (w) => post(w, textXml(), { drop: "msg_signature" }),
    status: 400,
    code: "wecom_missing_param",
    hint: /no msg_signature.*callback URL/,
  },
  {
    name: "timestamp missing",
    build: (w) => post(w, textXml(), { drop: "timestamp" }),
    status: 400,
    code: "wecom_missing_param",
    hint: /no timestamp.*callback URL/,
  },
  {
    name: "nonce missing",
    build: (w) => post(w, textXml(), { drop: "nonce" }),
    status: 400,
    code: "wecom_missing_param",
    hint: /no nonce.*callback URL/,
  },
  {
    name: "msg_signature given twice",
    build: (w) => {
      const a = post(w, textXml());
      return { ...a, raw: `msg_signature=${a.query.msg_signature}` };
    },
    status: 400,
    code: "wecom_missing_param",
    hint: /msg_signature/,
  },
  {
    name: "signed with another token",
    build: (w) => post(w, textXml(), { token: "AnotherToken" }),
    status: 401,
    code: "wecom_bad_signature",
    hint: /WECOM_TOKEN/,
  },
  {
    name: "ciphertext tampered after signing",
    build: (w) => {
      const a = post(w, textXml());
      const original = /<Encrypt><!\[CDATA\[(.*?)\]\]>/.exec(a.body!)![1];
      return { ...a, body: outer(flipByte(original, 40)) };
    },
    status: 401,
    code: "wecom_bad_signature",
    hint: /WECOM_TOKEN/,
  },
  {
    name: "ciphertext tampered and signed again (length field)",
    build: (w) => resigned(w, (s) => flipByte(s, 0)),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext tampered and signed again (last block)",
    build: (w) => resigned(w, (s) => flipByte(s, -1)),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext truncated",
    build: (w) => resigned(w, (s) => s.slice(0, -8)),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext cut by whole blocks",
    build: (w) =>
      resigned(w, (s) =>
        Buffer.from(s, "base64").subarray(0, -32).toString("base64"),
      ),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext shorter than its header",
    build: (w) => resigned(w, () => RANDOM.toString("base64")),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext URL-encoded",
    build: (w) => resigned(w, (s) => encodeURIComponent(s)),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "ciphertext sealed for another corp",
    build: (w) => post(w, textXml(), { corpId: "ww_othercorp" }),
    status: 403,
    code: "wecom_wrong_receiver",
    hint: /"ww_othercorp".*WECOM_CORP_ID/,
  },
  {
    name: "ciphertext sealed with another AES key",
    build: (w) => post(w, textXml(), { key: OTHER_KEY }),
    status: 400,
    code: "wecom_decrypt_failed",
    hint: /WECOM_ENCODING_AES_KEY/,
  },
  {
    name: "body not XML",
    build: (w) => ({
      method: "POST",
      query: signedQuery(w, "hello"),
      body: '{"Encrypt":"hello"}',
    }),
    status: 400,
    code: "wecom_bad_envelope",
    hint: /not WeCom's <xml><Encrypt> envelope/,
  },
  {
    name: "empty body",
    build: (w) => ({ method: "POST", query: signedQuery(w, ""), body: "" }),
    status: 400,
    code: "wecom_bad_envelope",
    hint: /<xml><Encrypt> envelope/,
  },
  {
    name: "XML without Encrypt",
    build: (w) => ({
      method: "POST",
      query: signedQuery(w, ""),
      body: `<xml>${xmlFields({ ToUserName: CORP_ID, AgentID: "1" })}</xml>`,
    }),
    status: 400,
    code: "wecom_bad_envelope",
    hint: /<xml><Encrypt> envelope/,
  },
  {
    name: "XML with two Encrypt elements",
    build: (w) => {
      const a = post(w, textXml());
      return {
        ...a,
        body: a.body!.replace("</xml>", "<Encrypt>x</Encrypt></xml>"),
      };
    },
    status: 400,
    code: "wecom_bad_envelope",
    hint: /<xml><Encrypt> envelope/,
  },
  {
    name: "XML with a DTD and entities",
    build: (w) => ({
      method: "POST",
      query: signedQuery(w, "&a;"),
      body:
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">]>' +
        "<xml><Encrypt>&a;</Encrypt></xml>",
    }),
    status: 400,
    code: "wecom_bad_envelope",
    hint: /<xml><Encrypt> envelope/,
  },
  {
    name: "body larger than 64 KB",
    build: (w) => {
      const a = post(w, textXml());
      const padding = `<!--${"x".repeat(70 * 1024)}-->`;
      return { ...a, body: a.body!.replace("</xml>", `${padding}</xml>`) };
    },
    status: 413,
    code: "wecom_bad_envelope",
    hint: /larger than any WeCom push/,
  },
  {
    name: "inner XML addressed to another corp",
    build: (w) => post(w, textXml({ ToUserName: "ww_othercorp" })),
    status: 400,
    code: "wecom_bad_event",
    hint: /ToUserName.*WECOM_CORP_ID/,
  },
  {
    name: "inner XML for another app",
    build: (w) => post(w, textXml({ AgentID: 218 })),
    status: 400,
    code: "wecom_bad_event",
    hint: /AgentID 218.*WECOM_AGENT_ID/,
  },
  {
    name: "inner XML without FromUserName",
    build: (w) => post(w, textXml({}, ["FromUserName"])),
    status: 400,
    code: "wecom_bad_event",
    hint: /no FromUserName/,
  },
  {
    name: "inner text is not XML",
    build: (w) => post(w, "帮助"),
    status: 400,
    code: "wecom_bad_event",
    hint: /malformed/,
  },
  {
    name: "GET without echostr",
    build: (w) => {
      const { echostr, ...query } = echoQuery(w);
      void echostr;
      return { method: "GET", query };
    },
    status: 400,
    code: "wecom_missing_param",
    hint: /no echostr.*callback URL/,
  },
  {
    name: "GET signed with another token",
    build: (w) => ({ method: "GET", query: echoQuery(w, { token: "x" }) }),
    status: 401,
    code: "wecom_bad_signature",
    hint: /WECOM_TOKEN/,
  },
  {
    name: "GET echostr sealed for another corp",
    build: (w) => ({
      method: "GET",
      query: echoQuery(w, { corpId: "ww_othercorp" }),
    }),
    status: 403,
    code: "wecom_wrong_receiver",
    hint: /WECOM_CORP_ID/,
  },
];

describe.each(engines())("WeCom callback security on $name", (engine) => {
  let world: WecomWorld;
  let lines: Record<string, unknown>[];

  async function open(
    options: { env?: Record<string, string>; users?: string[] } = {},
  ) {
    const captured = captureLog();
    lines = captured.lines;
    world = await startWecomWorld(await engine.open(), {
      log: captured.log,
      ...options,
    });
  }

  afterEach(async () => {
    await world?.settle().catch(() => undefined);
    await world?.close();
    await engine.release();
  });

  /** Warnings and worse logged while `run` ran. */
  async function warnings<T>(run: () => Promise<T>) {
    const from = lines.length;
    const result = await run();
    const logged = lines.slice(from).filter((l) => Number(l.level) >= WARN);
    return { result, logged };
  }

  function texts(userid: string): string[] {
    return world.fake
      .inbox(userid)
      .filter((d) => d.msgtype === "text")
      .map((d) => String((d.body as { content: string }).content));
  }

  function taskOf(userid: string): string {
    const card = world.cards(userid).at(-1);
    if (!card) {
      throw new Error(`${userid} has no card`);
    }
    return String(card.body.task_id);
  }

  describe("URL verification (GET)", () => {
    beforeEach(() => open());

    it("answers exactly the decrypted echostr, as plain text", async () => {
      const plain = "8527419630551234567";
      const res = await send(world, {
        method: "GET",
        query: echoQuery(world, { plain }),
      });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain/);
      // Byte for byte: no quotes, no BOM, no newline around it.
      expect(res.bytes.equals(Buffer.from(plain, "utf8"))).toBe(true);
      expect(await rows(world.bot.ctx.store)).toEqual([]);
    });

    it("answers a non-ASCII echostr byte for byte", async () => {
      const plain = "回调+/= ok";
      const res = await send(world, {
        method: "GET",
        query: echoQuery(world, { plain }),
      });
      expect(res.status).toBe(200);
      expect(res.bytes.toString("utf8")).toBe(plain);
    });
  });

  describe("the official vectors, for corp wx5823bf96d3bd56c7", () => {
    beforeEach(() =>
      open({
        env: { WECOM_CORP_ID: OFFICIAL.corpId, WECOM_AGENT_ID: "218" },
      }),
    );

    it("answers the official URL check with 1616140317555161061", async () => {
      const { plain, ...query } = URL_CHECK;
      const res = await send(world, { method: "GET", query });
      expect(res.status).toBe(200);
      expect(res.bytes.toString("latin1")).toBe(plain);
    });

    it("stores the official push under its 64-bit MsgId", async () => {
      const { encrypt: sealed, random, ...query } = PUSH;
      void random;
      const res = await send(world, {
        method: "POST",
        query,
        body: envelope(sealed),
      });
      expect(res.status).toBe(200);
      const stored = await rows(world.bot.ctx.store);
      expect(stored.map((r) => r.dedupeKey)).toEqual([
        "wecom:msg:4561255354251345929",
      ]);
    });
  });

  describe("refusals", () => {
    beforeEach(() => open());

    it.each(REFUSALS)(
      "refuses $name with $status and one warning",
      async ({ build, status, code, hint }) => {
        const { result, logged } = await warnings(() =>
          send(world, build(world)),
        );
        expect(result.status).toBe(status);
        expect(result.bytes.toString()).toBe(code);

        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatchObject({ level: WARN, code });
        expect(String(logged[0].hint)).toMatch(hint);
        expect(String(logged[0].msg)).toMatch(hint);

        await world.settle();
        expect(await rows(world.bot.ctx.store)).toEqual([]);
        expect(world.fake.delivered).toEqual([]);

        // The server is still there and handles the next real push.
        const next = await world.push(world.text(wx("zhangw"), "帮助"));
        expect(next.status).toBe(200);
        await world.settle();
        expect(texts(wx("zhangw"))).toEqual([
          expect.stringContaining("可用指令"),
        ]);
      },
    );
  });

  describe("replays and texts", () => {
    beforeEach(() => open({ users: [...DEMO_KEYS.map(wx), STRANGER] }));

    it("answers a text pushed four times once", async () => {
      const xml = world.text(wx("zhangw"), "帮助");
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await world.push(xml)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200]);
      await world.settle();
      expect(texts(wx("zhangw"))).toHaveLength(1);
      expect(texts(wx("zhangw"))[0]).toContain("帮助 —— 显示本说明");
      const stored = await rows(world.bot.ctx.store);
      expect(stored).toHaveLength(1);
      expect(stored[0].status).toBe("done");
    });

    it("answers a text pushed four times at once once", async () => {
      const xml = world.text(wx("zhangw"), "帮助");
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => world.push(xml)),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      await world.settle();
      expect(texts(wx("zhangw"))).toHaveLength(1);
      expect(await rows(world.bot.ctx.store)).toHaveLength(1);
    });

    it("points a gibberish text at 帮助", async () => {
      await world.push(world.text(wx("zhangw"), "今天天气怎么样"));
      await world.settle();
      expect(texts(wx("zhangw"))).toEqual([
        "没有听懂“今天天气怎么样”。发送“帮助”查看可用指令。",
      ]);
    });

    it("tells an unbound member whom to ask, and creates nothing", async () => {
      const store = world.bot.ctx.store;
      const before = {
        people: await countOf(store, "people"),
        bindings: await countOf(store, "personBindings"),
        outbox: await countOf(store, "outbox"),
      };
      const res = await world.push(world.text(STRANGER, "待办"));
      expect(res.status).toBe(200);
      expect(res.body).toBe("");
      await world.settle();

      expect(texts(STRANGER)).toEqual([
        expect.stringMatching(/没有您的人员信息.*联系本单位联络员/),
      ]);
      expect(world.fake.delivered.map((d) => d.userid)).toEqual([STRANGER]);
      expect({
        people: await countOf(store, "people"),
        bindings: await countOf(store, "personBindings"),
        outbox: await countOf(store, "outbox"),
      }).toEqual(before);
      const stored = await rows(store);
      expect(stored.map((r) => r.status)).toEqual(["done"]);
    });
  });

  describe("slow and failing handling", () => {
    beforeEach(() => open());

    it("answers the click at once while handling takes 3 s", async () => {
      await world.refer();
      const actions = world.bot.actions;
      const original = actions.handle.bind(actions);
      vi.spyOn(actions, "handle").mockImplementation(async (action) => {
        await new Promise((resolve) => setTimeout(resolve, 3000));
        return original(action);
      });
      const xml = world.click(
        wx("zhangw"),
        taskOf(wx("zhangw")),
        "referral.sign",
      );
      const res = await world.push(xml);
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1000);
      expect(textOf(res.reply!, "MsgType")).toBe("update_button");
      expect(textOf(childOf(res.reply!, "Button")!, "ReplaceName")).toBe(
        "处理中…",
      );
      const store = world.bot.ctx.store;
      expect(await countOf(store, "receipts")).toBe(0);

      await world.settle();
      expect(await countOf(store, "receipts")).toBe(1);
      expect(actions.handle).toHaveBeenCalledTimes(1);
    });

    it("asks WeCom to push again when storing is too slow, and counts it once", async () => {
      const store = world.bot.ctx.store;
      const insert = store.insertIfAbsent.bind(store);
      let slow = true;
      vi.spyOn(store, "insertIfAbsent").mockImplementation(
        async (q, table, values) => {
          if (table === store.t.inboundQueue && slow) {
            slow = false;
            await new Promise((resolve) => setTimeout(resolve, 4500));
          }
          return insert(q, table, values);
        },
      );
      const push = world.text(wx("zhangw"), "帮助");
      const { result, logged } = await warnings(() => world.push(push));
      // Not acknowledged, so WeCom's retry is the safety net; still in time.
      expect(result.status).toBe(503);
      expect(result.ms).toBeLessThan(4800);
      expect(logged.map((l) => l.code)).toEqual(["wecom_slow_store"]);

      // The slow insert lands after all; WeCom's retry is recognised.
      await vi.waitFor(async () => expect(await rows(store)).toHaveLength(1), {
        timeout: 5000,
        interval: 100,
      });
      const retry = await world.push(push);
      expect(retry.status).toBe(200);
      await world.settle();
      expect(await rows(store)).toHaveLength(1);
      expect(texts(wx("zhangw"))).toHaveLength(1);
    });

    it("asks WeCom to push again when the push cannot be stored", async () => {
      const store = world.bot.ctx.store;
      const insert = store.insertIfAbsent.bind(store);
      let broken = true;
      vi.spyOn(store, "insertIfAbsent").mockImplementation(
        async (q, table, values) => {
          if (table === store.t.inboundQueue && broken) {
            broken = false;
            throw new Error("lock wait timeout");
          }
          return insert(q, table, values);
        },
      );
      const push = world.text(wx("zhangw"), "帮助");
      const first = await world.push(push);
      expect(first.status).toBe(503);
      expect(await rows(store)).toHaveLength(0);
      const again = await world.push(push);
      expect(again.status).toBe(200);
      await world.settle();
      expect(texts(wx("zhangw"))).toHaveLength(1);
    });

    it("never lets a failure after the answer escape", async () => {
      vi.spyOn(world.bot, "deliverNow").mockRejectedValueOnce(
        new Error("outbox query failed"),
      );
      const result = await world.push(world.text(wx("zhangw"), "帮助"));
      expect(result.status).toBe(200);
      // The pass that failed is logged; the next one delivers the reply.
      const errors = () =>
        lines.filter((l) => Number(l.level) >= 50).map((l) => l.code);
      await vi.waitFor(() => expect(errors()).toContain("wecom_inbox_failed"), {
        timeout: 2000,
        interval: 20,
      });
      await world.settle();
      expect(texts(wx("zhangw"))).toHaveLength(1);
    });

    it("keeps a push whose handling failed once and handles it on the next pass", async () => {
      const id = await world.refer();
      vi.spyOn(world.bot.actions, "handle").mockImplementationOnce(() => {
        throw new Error("database went away");
      });
      const res = await world.push(
        world.click(wx("zhangw"), taskOf(wx("zhangw")), "referral.sign"),
      );
      expect(res.status).toBe(200);
      const store = world.bot.ctx.store;
      // The pass started by the push itself fails.
      await vi.waitFor(
        async () => {
          const [row] = await rows(store);
          expect(row).toMatchObject({
            status: "pending",
            attempts: 1,
            lastError: "database went away",
          });
        },
        { timeout: 5000, interval: 20 },
      );
      expect(await countOf(store, "receipts")).toBe(0);

      // Not at once: a pass right away leaves it waiting.
      await world.bot.wecom!.inbox.kick();
      expect((await rows(store))[0].status).toBe("pending");
      world.clock.advance(10_000);
      await world.bot.wecom!.inbox.kick();
      const [row] = await rows(store);
      expect(row).toMatchObject({ status: "done", lastError: null });
      expect(await countOf(store, "receipts")).toBe(1);
      const view = await loadView(world.bot.ctx, store.db, id);
      expect(view.referral.status).toBe("in_progress");
    });

    it("gives a push up as failed after five failures", async () => {
      await world.refer();
      vi.spyOn(world.bot.actions, "handle").mockImplementation(() => {
        throw new Error("still broken");
      });
      await world.push(
        world.click(wx("zhangw"), taskOf(wx("zhangw")), "referral.sign"),
      );
      const store = world.bot.ctx.store;
      await vi.waitFor(
        async () => expect((await rows(store))[0].attempts).toBe(1),
        { timeout: 5000, interval: 20 },
      );
      for (let attempt = 2; attempt <= 5; attempt++) {
        // 10 s, 20 s, 40 s, 80 s apart.
        world.clock.advance(10_000 * 2 ** (attempt - 2));
        await world.bot.wecom!.inbox.kick();
        expect((await rows(store))[0].attempts).toBe(attempt);
      }
      const [row] = await rows(store);
      expect(row).toMatchObject({
        status: "failed",
        attempts: 5,
        lastError: "still broken",
      });
      // A failed push is left for an administrator, not tried forever.
      world.clock.advance(3_600_000);
      await world.bot.wecom!.inbox.kick();
      expect((await rows(store))[0].attempts).toBe(5);
      expect(world.bot.actions.handle).toHaveBeenCalledTimes(5);
      expect(await countOf(store, "receipts")).toBe(0);
    });
  });

  describe("a click on a replaced card", () => {
    beforeEach(() => open());

    it("does not act and says the card has a newer version", async () => {
      const id = await world.refer();
      const userid = wx("zhangw");
      const oldTask = taskOf(userid);
      const store = world.bot.ctx.store;
      const { wecomCards } = store.t;
      const [copy] = await store.db
        .select()
        .from(wecomCards)
        .where(eq(wecomCards.taskId, oldTask));

      // The same card goes to the same member again: a new task.
      const now = world.clock.now();
      await store.tx((q) =>
        world.bot.ctx.outbox.enqueue(
          q,
          {
            dedupeKey: "test:resend",
            target: { type: "person", id: copy.personId },
            body: { type: "card", card: JSON.parse(copy.card) },
            notBefore: now,
          },
          now,
        ),
      );
      await world.bot.deliverNow();
      const newTask = taskOf(userid);
      expect(newTask).not.toBe(oldTask);
      const [old] = await store.db
        .select()
        .from(wecomCards)
        .where(eq(wecomCards.taskId, oldTask));
      expect(old.supersededAt).not.toBeNull();

      const handle = vi.spyOn(world.bot.actions, "handle");
      const res = await world.push(
        world.click(userid, oldTask, "referral.sign"),
      );
      expect(res.status).toBe(200);
      await world.settle();

      expect(handle).not.toHaveBeenCalled();
      expect(await countOf(store, "receipts")).toBe(0);
      const view = await loadView(world.bot.ctx, store.db, id);
      expect(view.referral.status).toBe("pending_receipt");

      const updates = world.fake.cardUpdates.filter((u) =>
        u.userids.includes(userid),
      );
      expect(updates).toHaveLength(1);
      const card = updates[0].body.template_card as {
        task_id: string;
        main_title: { desc?: string };
        button_list: { type: number; key?: string }[];
      };
      expect(card.task_id).toBe(oldTask);
      expect(card.main_title.desc).toContain("已有新版本");
      // Only links remain: nothing on the old card can act any more.
      expect(card.button_list.every((b) => b.type === 1 && !b.key)).toBe(true);

      // The newer card still works.
      await world.push(world.click(userid, newTask, "referral.sign"));
      await world.settle();
      expect(await countOf(store, "receipts")).toBe(1);
    });
  });
});
