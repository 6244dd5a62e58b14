/**
 * Sign-in to the form pages inside DingTalk (免登), against the fake: the
 * sign-in page only for links we signed and that stay on this site; the
 * code exchange giving a session for the bound member and nobody else,
 * with reused, unknown and foreign codes and DingTalk's own errors
 * answered in Chinese; what the member may see still checked page by
 * page; pages opened inside DingTalk without a session going through
 * sign-in; the JSAPI bundle; and card links through the sign-in page.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { engines } from "../helpers/db.js";
import { captureLog } from "../jobs/harness.js";
import {
  CORP_ID,
  CLIENT_ID,
  dt,
  STRANGER,
  startDingTalkWorld,
  type DingTalkWorld,
} from "./harness.js";

const DINGTALK_UA =
  "Mozilla/5.0 (Linux; U; Android 14; zh-CN; Pixel 8 Build/UQ1A) " +
  "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0 " +
  "Mobile Safari/537.36 AliApp(DingTalk/7.6.25) com.alibaba.android.rimet/36" +
  " Channel/700159 language/zh-CN abi/64 UT4Aplus/0.2.25 colorScheme/light";

const GETUSERINFO = "/topapi/v2/user/getuserinfo";

describe.each(engines())("DingTalk sign-in on $name", (engine) => {
  let world: DingTalkWorld;
  let lines: Record<string, unknown>[];
  let referralId: number;

  beforeEach(async () => {
    const captured = captureLog();
    lines = captured.lines;
    world = await startDingTalkWorld(await engine.open(), {
      log: captured.log,
    });
    await world.connected();
    referralId = await world.refer();
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { redirect: "manual", headers });
    return {
      status: res.status,
      location: res.headers.get("location"),
      cookie: res.headers.get("set-cookie"),
      type: res.headers.get("content-type") ?? "",
      cache: res.headers.get("cache-control") ?? "",
      text: await res.text(),
    };
  }

  const page = (path: string, cookie?: string, ua?: string) =>
    get(`${world.base}${path}`, {
      ...(cookie ? { cookie } : {}),
      ...(ua ? { "user-agent": ua } : {}),
    });

  /** next and state as a link of ours would carry them. */
  function linkFor(next: string) {
    const url = new URL(world.bot.dingtalk!.signIn.signInUrl(next));
    return {
      url,
      next: url.searchParams.get("next")!,
      state: url.searchParams.get("state")!,
    };
  }

  async function post(body: unknown) {
    const res = await fetch(`${world.base}/api/dingtalk/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      cookie: res.headers.get("set-cookie"),
      type: res.headers.get("content-type") ?? "",
      text,
      json: JSON.parse(text) as {
        next?: string;
        error?: {
          code: string;
          message: string;
          field?: string;
          issues?: { field: string; message: string }[];
        };
      },
    };
  }

  const cookieOf = (setCookie: string | null) =>
    (setCookie ?? "").split(";")[0];

  const exchanges = () =>
    world.fake.requests.filter((r) => r.path === GETUSERINFO).length;

  describe("the sign-in page", () => {
    it("shows the page for a link we signed, with both scripts", async () => {
      const path = `/referrals/${referralId}/sign`;
      const { url, next, state } = linkFor(path);
      expect(url.origin).toBe(world.base);
      expect(url.pathname).toBe("/dingtalk/signin");
      expect(next).toBe(path);
      expect(state).toMatch(/^[0-9a-f]{32}$/);

      const res = await get(url.toString());
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/text\/html/);
      expect(res.location).toBeNull();
      expect(res.cookie).toBeNull();
      expect(res.text).toContain(`data-corp-id="${CORP_ID}"`);
      expect(res.text).toContain(`data-client-id="${CLIENT_ID}"`);
      expect(res.text).toContain(`data-next="${path}"`);
      expect(res.text).toContain(`data-state="${state}"`);
      expect(res.text).toContain(
        '<script src="/static/dingtalk/jsapi.js" defer></script>',
      );
      expect(res.text).toContain(
        '<script src="/static/dingtalk/signin.js" defer></script>',
      );
      // jsapi before signin.js: the sign-in script needs window.dd.
      expect(res.text.indexOf("jsapi.js")).toBeLessThan(
        res.text.indexOf("signin.js"),
      );
      expect(res.text).toContain("正在通过钉钉确认您的身份");

      const script = await page("/static/dingtalk/signin.js");
      expect(script.status).toBe(200);
      expect(script.type).toMatch(/javascript/);
      expect(script.text).toContain("/api/dingtalk/signin");
    });

    it("escapes a next that holds markup, even with our state", async () => {
      const next = `/referrals/${referralId}?x="><script>alert(1)</script>`;
      const { url } = linkFor(next);
      const res = await get(url.toString());
      expect(res.status).toBe(200);
      expect(res.text).not.toContain("<script>alert(1)");
      expect(res.text).toContain(
        'data-next="/referrals/' +
          `${referralId}?x=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`,
      );
    });

    it.each([
      ["a state of zeros", (s: string) => "0".repeat(s.length)],
      [
        "a state one character off",
        (s: string) => s.slice(0, -1) + (s.endsWith("a") ? "b" : "a"),
      ],
      ["a shortened state", (s: string) => s.slice(0, 16)],
      ["no state", () => ""],
    ])(
      "refuses %s with a Chinese page, never a redirect",
      async (_n, change) => {
        const { url, state } = linkFor(`/referrals/${referralId}`);
        url.searchParams.set("state", change(state));
        const res = await get(url.toString());
        expect(res.status).toBe(400);
        expect(res.type).toMatch(/text\/html/);
        expect(res.text).toContain("登录链接不完整或已被改动");
        expect(res.text).not.toContain("data-next");
        expect(res.location).toBeNull();
        expect(res.cookie).toBeNull();
      },
    );

    it("refuses a link whose next was changed to another page of ours", async () => {
      const { url } = linkFor(`/referrals/${referralId}`);
      url.searchParams.set("next", "/admin");
      const res = await get(url.toString());
      expect(res.status).toBe(400);
      expect(res.text).toContain("登录链接不完整或已被改动");
      expect(res.location).toBeNull();
    });

    it.each([
      "//evil.example",
      "//evil.example/referrals/1",
      "/\\evil.example",
      "/\\/evil.example",
      "https://evil.example/",
      "http://127.0.0.1.evil.example/",
      "javascript:alert(1)",
      "evil.example",
      " /referrals/1",
      "/referrals/1\n",
      "",
    ])(
      "never shows the page for next=%j, even with our state",
      async (next) => {
        // Worst case: the state is ours, as if we had signed this next.
        const { url } = linkFor(next);
        expect(url.searchParams.get("next")).toBe(next);
        const res = await get(url.toString());
        expect(res.status).toBe(400);
        expect(res.type).toMatch(/text\/html/);
        expect(res.text).toContain("登录链接不完整或已被改动");
        expect(res.text).not.toContain("data-next");
        expect(res.location).toBeNull();
        expect(res.cookie).toBeNull();
      },
    );

    it("refuses a next of more than 1024 characters", async () => {
      const { url } = linkFor(`/referrals/${referralId}?${"a".repeat(1100)}`);
      const res = await get(url.toString());
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
    });
  });

  describe("the code exchange", () => {
    it("gives the bound member a session and the page then opens", async () => {
      const path = `/referrals/${referralId}`;
      const { next, state } = linkFor(path);
      const before = await page(path);
      expect(before.status).toBe(401);

      const res = await post({
        code: world.fake.authCode(dt("zhangw")),
        next,
        state,
      });
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/application\/json/);
      expect(res.json).toEqual({ next: path });
      expect(res.cookie).toMatch(/^qx_session=\d+\.\d+\.[\w-]{43};/);
      expect(res.cookie).toMatch(/httponly/i);
      expect(res.cookie).toMatch(/samesite=lax/i);
      expect(res.cookie).toMatch(/path=\//i);
      expect(exchanges()).toBe(1);

      const shown = await page(path, cookieOf(res.cookie));
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("滨江花园项目欠薪案");
      expect(shown.text).toContain("张伟");
    });

    it("opens the receipt form after signing in to it", async () => {
      const path = `/referrals/${referralId}/sign`;
      const cookie = await world.signIn("zhangw", path);
      const shown = await page(path, cookie);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("<form");
    });

    it("refuses a code used twice, in Chinese, with a code for the script", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const code = world.fake.authCode(dt("zhangw"));
      expect((await post({ code, next, state })).status).toBe(200);

      const again = await post({ code, next, state });
      expect(again.status).toBe(401);
      expect(again.type).toMatch(/application\/json/);
      expect(again.json.error?.code).toBe("dingtalk_code_expired");
      expect(again.json.error?.message).toContain("只能使用一次");
      expect(again.json.error?.message).toContain("重新打开");
      expect(again.cookie).toBeNull();
    });

    it("refuses a code DingTalk never gave", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const res = await post({ code: "a".repeat(32), next, state });
      expect(res.status).toBe(401);
      expect(res.json.error?.code).toBe("dingtalk_code_expired");
      expect(res.json.error?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(res.cookie).toBeNull();
    });

    it("refuses a code older than DingTalk keeps it", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const code = world.fake.authCode(dt("zhangw"));
      world.clock.advance(6 * 60_000);
      const res = await post({ code, next, state });
      expect(res.status).toBe(401);
      expect(res.cookie).toBeNull();
    });

    it("refuses a member of the organisation nobody is bound to", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const res = await post({
        code: world.fake.authCode(STRANGER),
        next,
        state,
      });
      expect(res.status).toBe(403);
      expect(res.json.error?.code).toBe("unknown_person");
      expect(res.json.error?.message).toContain("系统中没有您的人员信息");
      expect(res.cookie).toBeNull();
    });

    it("refuses a member whose person was deactivated", async () => {
      const { store } = world.bot.ctx;
      const id = await world.personId("chenj");
      await store.db
        .update(store.t.people)
        .set({ active: false })
        .where(eq(store.t.people.id, id));
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const res = await post({
        code: world.fake.authCode(dt("chenj")),
        next,
        state,
      });
      expect(res.status).toBe(403);
      expect(res.json.error?.code).toBe("unknown_person");
      expect(res.cookie).toBeNull();
    });

    it("fetches a new token once when DingTalk refuses the old one", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      world.fake.failNext(GETUSERINFO, { errcode: 40014 });
      const res = await post({
        code: world.fake.authCode(dt("zhangw")),
        next,
        state,
      });
      expect(res.status).toBe(200);
      expect(res.cookie).toMatch(/^qx_session=/);
      expect(exchanges()).toBe(2);
    });

    it("refuses a tampered state before asking DingTalk", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const code = world.fake.authCode(dt("zhangw"));
      const res = await post({ code, next, state: "0".repeat(state.length) });
      expect(res.status).toBe(400);
      expect(res.json.error?.code).toBe("dingtalk_bad_link");
      expect(res.json.error?.message).toContain("登录链接不完整或已被改动");
      expect(res.cookie).toBeNull();
      // The code was not spent: the genuine link still works with it.
      expect(exchanges()).toBe(0);
      expect((await post({ code, next, state })).status).toBe(200);
    });

    it("refuses a next changed to another site, even with our state", async () => {
      const { next, state } = linkFor("//evil.example/");
      const res = await post({
        code: world.fake.authCode(dt("zhangw")),
        next,
        state,
      });
      expect(res.status).toBe(400);
      expect(res.json.error?.code).toBe("dingtalk_bad_link");
      expect(res.text).not.toContain("evil.example");
      expect(res.cookie).toBeNull();
    });

    it.each([
      ["code", "登录凭据"],
      ["next", "页面"],
      ["state", "链接签名"],
    ])("refuses a request without %s, naming it", async (field, label) => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const body: Record<string, string> = {
        code: world.fake.authCode(dt("zhangw")),
        next,
        state,
      };
      delete body[field];
      const res = await post(body);
      // The app answers bad input with 422 and the fields in `issues`
      // (ValidationError), here as everywhere else in the API.
      expect([400, 422]).toContain(res.status);
      expect(res.json.error?.code).toBe("invalid_input");
      expect(res.json.error?.issues).toEqual([
        { field, message: expect.stringContaining(label) },
      ]);
      expect(res.json.error?.message).toContain(label);
      expect(res.cookie).toBeNull();
      expect(exchanges()).toBe(0);
    });

    it("refuses an empty code, naming it", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const res = await post({ code: "", next, state });
      expect([400, 422]).toContain(res.status);
      expect(res.json.error?.issues).toEqual([
        { field: "code", message: "登录凭据：缺少登录凭据" },
      ]);
      expect(res.cookie).toBeNull();
      expect(exchanges()).toBe(0);
    });

    it("refuses a body that is not a form of fields", async () => {
      for (const body of [[], "code", 42, null]) {
        const res = await post(body);
        expect([400, 422]).toContain(res.status);
        expect(res.json.error?.message).toMatch(/[\u4e00-\u9fff]/);
        expect(res.cookie).toBeNull();
      }
      expect(exchanges()).toBe(0);
    });

    it("answers DingTalk's refusal with a 502 in Chinese and no stack", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      const code = world.fake.authCode(dt("zhangw"));
      world.fake.failNext(GETUSERINFO, {
        errcode: 60011,
        errmsg: "没有调用该接口的权限",
      });
      const from = lines.length;
      const res = await post({ code, next, state });
      expect(res.status).toBe(502);
      expect(res.json.error?.code).toBe("dingtalk_signin_failed");
      expect(res.json.error?.message).toContain("暂时无法通过钉钉确认您的身份");
      expect(res.text).not.toMatch(/\bat \S+ \(|Error:|errcode|60011|stack/);
      expect(res.cookie).toBeNull();

      const warned = lines.slice(from).filter((l) => Number(l.level) >= 40);
      expect(warned).toEqual([
        expect.objectContaining({ code: "dingtalk_signin_failed" }),
      ]);
      // Neither the code nor a token reaches the log.
      expect(JSON.stringify(lines)).not.toContain(code);
      expect(JSON.stringify(lines)).not.toMatch(/access_token=[0-9a-f]/);
    });

    it("answers DingTalk being unreachable with a 502 too", async () => {
      const { next, state } = linkFor(`/referrals/${referralId}`);
      world.fake.failNext(GETUSERINFO, "reset");
      const res = await post({
        code: world.fake.authCode(dt("zhangw")),
        next,
        state,
      });
      expect(res.status).toBe(502);
      expect(res.json.error?.code).toBe("dingtalk_signin_failed");
      expect(res.cookie).toBeNull();
    });
  });

  describe("a member of another unit", () => {
    it.each(["", "/feedback", "/sign"])(
      "signs in but is refused /referrals/ID%s",
      async (suffix) => {
        const path = `/referrals/${referralId}${suffix}`;
        const cookie = await world.signIn("zhouq", path);
        expect(cookie).toMatch(/^qx_session=/);

        const shown = await page(path, cookie);
        expect(shown.status).toBe(403);
        expect(shown.type).toMatch(/text\/html/);
        expect(shown.text).toContain("无权办理");
        expect(shown.text).toContain("无权查看");
        expect(shown.text).not.toContain("<form");
        expect(shown.text).not.toContain("滨江花园项目欠薪案");
      },
    );
  });

  describe("pages opened inside DingTalk without a session", () => {
    it("are sent through the sign-in page", async () => {
      const path = `/referrals/${referralId}/sign?from=card`;
      const res = await page(path, undefined, DINGTALK_UA);
      expect(res.status).toBe(302);
      const to = new URL(res.location!);
      expect(to.origin).toBe(world.base);
      expect(to.pathname).toBe("/dingtalk/signin");
      expect(to.searchParams.get("next")).toBe(path);
      expect(to.searchParams.get("state")).toMatch(/^[0-9a-f]{32}$/);
      expect(res.cookie).toBeNull();

      // The page it lands on is the sign-in page for that path.
      const signin = await get(to.toString(), { "user-agent": DINGTALK_UA });
      expect(signin.status).toBe(200);
      expect(signin.text).toContain(
        `data-next="${path.replace("&", "&amp;")}"`,
      );

      // Once signed in, the same request shows the form.
      const cookie = await world.signIn("zhangw", path);
      const shown = await page(path, cookie, DINGTALK_UA);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("<form");
    });

    it("are sent through sign-in when the session cookie is forged or expired", async () => {
      const path = `/referrals/${referralId}`;
      const real = await world.signIn("zhangw", path);
      const [, id, , sig] = /^qx_session=(\d+)\.(\d+)\.(.+)$/.exec(real)!;
      for (const cookie of [
        `qx_session=${id}.${Date.now() - 1000}.${sig}`,
        `qx_session=${Number(id) + 1}.${Date.now() + 3_600_000}.${sig}`,
        "qx_session=garbage",
      ]) {
        const res = await page(path, cookie, DINGTALK_UA);
        expect(res.status).toBe(302);
        expect(new URL(res.location!).pathname).toBe("/dingtalk/signin");
      }
      const shown = await page(path, real, DINGTALK_UA);
      expect(shown.status).toBe(200);
    });

    it("show the usual not-signed-in page outside DingTalk", async () => {
      const res = await page(`/referrals/${referralId}`);
      expect(res.status).toBe(401);
      expect(res.location).toBeNull();
      expect(res.text).toContain("请从工作群打开");
      expect(res.text).toContain("无法确认您的身份");
    });

    it("leave the API alone", async () => {
      const res = await page(
        `/api/referrals/${referralId}`,
        undefined,
        DINGTALK_UA,
      );
      expect(res.status).toBe(401);
      expect(res.location).toBeNull();
      expect(JSON.parse(res.text)).toMatchObject({
        error: { code: "not_signed_in" },
      });
    });

    it("leave the sign-in page and health alone", async () => {
      const { url } = linkFor(`/referrals/${referralId}`);
      const signin = await get(url.toString(), { "user-agent": DINGTALK_UA });
      expect(signin.status).toBe(200);
      const health = await page("/healthz", undefined, DINGTALK_UA);
      expect(health.status).toBe(200);
      expect(health.location).toBeNull();
    });
  });

  describe("the DingTalk JSAPI", () => {
    it("is served from our origin as JavaScript defining window.dd, bundled once", async () => {
      const [first, parallel] = await Promise.all([
        page("/static/dingtalk/jsapi.js"),
        page("/static/dingtalk/jsapi.js"),
      ]);
      expect(first.status).toBe(200);
      expect(first.type).toMatch(/^text\/javascript/);
      expect(first.text).toContain("requestAuthCode");
      expect(first.text).toContain("window.dd");
      expect(first.text.length).toBeGreaterThan(10_000);
      expect(first.cache).toMatch(/max-age=\d+/);
      expect(parallel.text).toBe(first.text);

      const started = performance.now();
      const second = await page("/static/dingtalk/jsapi.js");
      const tookMs = performance.now() - started;
      expect(second.status).toBe(200);
      expect(second.text).toBe(first.text);
      expect(tookMs).toBeLessThan(500);
    }, 60_000);
  });

  describe("card links", () => {
    it("go through the sign-in page inside DingTalk", async () => {
      const track = await world.cardOf(
        "zhangw",
        `referral:${referralId}:unit:`,
      );
      const data = world.fake.publicData(track)!;
      const buttons = JSON.parse(data.buttons) as { url: string }[];
      const links = [data.detailUrl, ...buttons.map((b) => b.url)].filter(
        (u) => u !== "",
      );
      expect(links.length).toBeGreaterThanOrEqual(2);
      expect(data.detailUrl).not.toBe("");
      for (const link of links) {
        expect(link).toMatch(
          /^dingtalk:\/\/dingtalkclient\/page\/link\?url=[^&]+&pc_slide=true$/,
        );
        const inner = new URL(
          decodeURIComponent(/\?url=([^&]+)/.exec(link)![1]),
        );
        expect(inner.origin).toBe(world.base);
        expect(inner.pathname).toBe("/dingtalk/signin");
        const next = inner.searchParams.get("next")!;
        expect(next).toMatch(new RegExp(`^/referrals/${referralId}(/|$|\\?)`));
        // Each is a link our sign-in page accepts.
        const res = await get(inner.toString());
        expect(res.status).toBe(200);
      }
      // Nowhere does the card link to one of our pages directly.
      expect(JSON.stringify(data)).not.toContain(`"${world.base}/referrals`);

      // Following the details link as the member opens the details page.
      const inner = new URL(
        decodeURIComponent(/\?url=([^&]+)/.exec(data.detailUrl)![1]),
      );
      const res = await post({
        code: world.fake.authCode(dt("zhangw")),
        next: inner.searchParams.get("next"),
        state: inner.searchParams.get("state"),
      });
      expect(res.status).toBe(200);
      const shown = await page(res.json.next!, cookieOf(res.cookie));
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("滨江花园项目欠薪案");
    });
  });
});
