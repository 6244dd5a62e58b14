/**
 * Sign-in to the form pages through WeCom's OAuth, against the fake: the
 * round trip gives a session for the bound member and lands on the page
 * the link named, never on another site; what the member may see is
 * still checked page by page; bad, reused or foreign codes and WeCom's
 * own errors end on a Chinese page; pages opened inside WeCom without a
 * session go through sign-in; card links go through it too.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { engines } from "../helpers/db.js";
import { captureLog } from "../jobs/harness.js";
import {
  AGENT_ID,
  CORP_ID,
  startWecomWorld,
  wx,
  type WecomWorld,
} from "./harness.js";

const WXWORK_UA =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Version/4.0 Chrome/116.0 Mobile Safari/537.36 " +
  "wxwork/4.1.30 MicroMessenger/7.0.1 Language/zh ColorScheme/Light";

describe.each(engines())("WeCom sign-in on $name", (engine) => {
  let world: WecomWorld;
  let lines: Record<string, unknown>[];
  let oauthBase: string;
  let referralId: number;

  beforeEach(async () => {
    const captured = captureLog();
    lines = captured.lines;
    world = await startWecomWorld(await engine.open(), {
      log: captured.log,
    });
    oauthBase = world.bot.ctx.config.wecom!.oauthBase;
    referralId = await world.refer();
  });
  afterEach(async () => {
    await world.close();
    await engine.release();
  });

  /** WeCom's authorize page for `userid`: the address it sends back to. */
  async function authorize(url: string, userid: string): Promise<URL> {
    const res = await fetch(
      `${url.replace(/#.*$/, "")}&fake_user=${encodeURIComponent(userid)}`,
      { redirect: "manual" },
    );
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }

  /** The return address WeCom would send `userid` to, for `path`. */
  function returnFor(path: string, userid: string): Promise<URL> {
    return authorize(world.bot.wecom!.oauth.authorizeUrl(path), userid);
  }

  async function get(url: string | URL, headers: Record<string, string> = {}) {
    const res = await fetch(url, { redirect: "manual", headers });
    return {
      status: res.status,
      location: res.headers.get("location"),
      cookie: res.headers.get("set-cookie"),
      type: res.headers.get("content-type") ?? "",
      text: await res.text(),
    };
  }

  const page = (path: string, cookie?: string, ua?: string) =>
    get(`${world.base}${path}`, {
      ...(cookie ? { cookie } : {}),
      ...(ua ? { "user-agent": ua } : {}),
    });

  const cookieOf = (setCookie: string | null) =>
    (setCookie ?? "").split(";")[0];

  describe("a member of the handling unit", () => {
    it("signs in, lands on the page and can open it", async () => {
      const path = `/referrals/${referralId}`;
      const back = await returnFor(path, wx("zhangw"));
      expect(back.origin).toBe(world.base);
      expect(back.pathname).toBe("/wecom/oauth");

      const res = await get(back);
      expect(res.status).toBe(303);
      expect(res.location).toBe(path);
      expect(res.cookie).toMatch(/^qx_session=\d+\.\d+\.[\w-]{43};/);
      expect(res.cookie).toMatch(/httponly/i);
      expect(res.cookie).toMatch(/samesite=lax/i);

      const shown = await page(path, cookieOf(res.cookie));
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("滨江花园项目欠薪案");
      expect(shown.text).toContain("张伟");
    });

    it("opens the receipt form after signing in to it", async () => {
      const { cookie, location } = await world.signIn(
        wx("zhangw"),
        `/referrals/${referralId}/sign`,
      );
      expect(location).toBe(`/referrals/${referralId}/sign`);
      const shown = await page(location, cookie);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("<form");
    });
  });

  describe("a member of another unit", () => {
    it.each(["", "/feedback", "/sign"])(
      "signs in but is refused /referrals/ID%s",
      async (suffix) => {
        const path = `/referrals/${referralId}${suffix}`;
        const { cookie, location } = await world.signIn(wx("zhouq"), path);
        expect(location).toBe(path);
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

  describe("links that must not sign anyone in", () => {
    it("refuses a return whose next was changed", async () => {
      const back = await returnFor(`/referrals/${referralId}`, wx("zhangw"));
      back.searchParams.set("next", "/referrals/new");
      const res = await get(back);
      expect(res.status).toBe(400);
      expect(res.text).toContain("登录链接不完整或已被改动");
      expect(res.location).toBeNull();
      expect(res.cookie).toBeNull();
    });

    it("refuses a return whose state was changed", async () => {
      const back = await returnFor(`/referrals/${referralId}`, wx("zhangw"));
      back.searchParams.set("state", "0".repeat(32));
      const res = await get(back);
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.cookie).toBeNull();
    });

    it.each([
      "//evil.example",
      "//evil.example/referrals/1",
      "/\\evil.example",
      "/\\/evil.example",
      "https://evil.example/",
      "http://127.0.0.1.evil.example/",
      "evil.example",
      " /referrals/1",
      "",
    ])("never sends anyone to next=%j, even with our state", async (next) => {
      // Worst case: the state is ours, as if we had signed this next.
      const back = await returnFor(next, wx("zhangw"));
      expect(back.searchParams.get("next")).toBe(next);
      const res = await get(back);
      expect(res.status).toBe(400);
      expect(res.text).toContain("登录链接不完整或已被改动");
      expect(res.location).toBeNull();
      expect(res.cookie).toBeNull();
    });

    it("keeps an encoded line break in next inside our own path", async () => {
      const next = "/%0d%0aLocation:%20https://evil.example";
      const back = await returnFor(next, wx("zhangw"));
      const res = await get(back);
      expect(res.status).toBe(303);
      expect(res.location).toBe(next);
      expect(new URL(res.location!, world.base).origin).toBe(world.base);
    });

    it("refuses a return without a code", async () => {
      const back = await returnFor(`/referrals/${referralId}`, wx("zhangw"));
      back.searchParams.delete("code");
      const res = await get(back);
      expect(res.status).toBe(401);
      expect(res.text).toContain("没有收到企业微信的身份信息");
      expect(res.cookie).toBeNull();
    });

    it("refuses a code used twice and says to open the link again", async () => {
      const back = await returnFor(`/referrals/${referralId}`, wx("zhangw"));
      expect((await get(back)).status).toBe(303);

      const again = await get(back);
      expect(again.status).toBe(401);
      expect(again.text).toContain("只能使用一次");
      expect(again.text).toContain("重新打开");
      expect(again.cookie).toBeNull();
      expect(again.location).toBeNull();
    });

    it("refuses a member nobody is bound to", async () => {
      const back = await returnFor(`/referrals/${referralId}`, "wx_stranger");
      const res = await get(back);
      expect(res.status).toBe(403);
      expect(res.text).toContain("系统中没有您的人员信息");
      expect(res.cookie).toBeNull();
    });

    it("answers WeCom's refusal with a Chinese page and a 502", async () => {
      const back = await returnFor(`/referrals/${referralId}`, wx("zhangw"));
      world.fake.failNext("/cgi-bin/auth/getuserinfo", { errcode: 60020 });
      const from = lines.length;
      const res = await get(back);
      expect(res.status).toBe(502);
      expect(res.type).toMatch(/text\/html/);
      expect(res.text).toContain("暂时无法通过企业微信确认您的身份");
      expect(res.text).not.toMatch(/\bat \S+ \(|Error:|errcode|60020|from ip/);
      expect(res.cookie).toBeNull();

      const warned = lines.slice(from).filter((l) => Number(l.level) >= 40);
      expect(warned).toEqual([
        expect.objectContaining({
          code: "wecom_oauth_failed",
          reason: expect.stringContaining("企业可信IP"),
        }),
      ]);
      // The code itself never reaches the log.
      const code = back.searchParams.get("code")!;
      expect(JSON.stringify(lines)).not.toContain(code);
    });
  });

  describe("pages opened inside WeCom without a session", () => {
    it("are sent through WeCom's sign-in and back", async () => {
      const path = `/referrals/${referralId}/sign?from=card`;
      const res = await page(path, undefined, WXWORK_UA);
      expect(res.status).toBe(302);
      const to = new URL(res.location!);
      expect(`${to.origin}${to.pathname}`).toBe(
        `${oauthBase}/connect/oauth2/authorize`,
      );
      expect(to.hash).toBe("#wechat_redirect");
      const q = to.searchParams;
      expect(q.get("appid")).toBe(CORP_ID);
      expect(q.get("scope")).toBe("snsapi_base");
      expect(q.get("response_type")).toBe("code");
      expect(q.get("agentid")).toBe(String(AGENT_ID));
      expect(q.get("state")).toMatch(/^[a-zA-Z0-9]{1,128}$/);
      expect(q.get("redirect_uri")).toBe(
        `${world.base}/wecom/oauth?next=${encodeURIComponent(path)}`,
      );

      // WeCom's round trip ends on the page, signed in.
      const back = await authorize(res.location!, wx("zhangw"));
      const signedIn = await get(back);
      expect(signedIn.status).toBe(303);
      expect(signedIn.location).toBe(path);
      const shown = await page(path, cookieOf(signedIn.cookie), WXWORK_UA);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("<form");
    });

    it("show the usual not-signed-in page outside WeCom", async () => {
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
        WXWORK_UA,
      );
      expect(res.status).toBe(401);
      expect(res.location).toBeNull();
      expect(JSON.parse(res.text)).toMatchObject({
        error: { code: "not_signed_in" },
      });
    });
  });

  describe("card links", () => {
    it("go through WeCom's sign-in, not to the bare page", async () => {
      const card = world.lastCard(wx("zhangw")).body as {
        card_action?: { type: number; url: string };
        button_list: { type: number; url?: string; text: string }[];
      };
      const links = [
        card.card_action?.url,
        ...card.button_list.filter((b) => b.type === 1).map((b) => b.url),
      ];
      expect(links.length).toBeGreaterThanOrEqual(2);
      expect(card.card_action?.type).toBe(1);
      for (const link of links) {
        const url = new URL(link!);
        expect(`${url.origin}${url.pathname}`).toBe(
          `${oauthBase}/connect/oauth2/authorize`,
        );
        expect(url.searchParams.get("appid")).toBe(CORP_ID);
        expect(url.searchParams.get("scope")).toBe("snsapi_base");
        const redirect = new URL(url.searchParams.get("redirect_uri")!);
        expect(`${redirect.origin}${redirect.pathname}`).toBe(
          `${world.base}/wecom/oauth`,
        );
        expect(redirect.searchParams.get("next")).toMatch(
          new RegExp(`^/referrals/${referralId}(/|$)`),
        );
      }
      // Nowhere does the card link to one of our pages directly.
      expect(JSON.stringify(card)).not.toContain(`${world.base}/referrals`);

      // Following the title link as the member opens the details page.
      const back = await authorize(card.card_action!.url, wx("zhangw"));
      const signedIn = await get(back);
      expect(signedIn.status).toBe(303);
      const shown = await page(signedIn.location!, cookieOf(signedIn.cookie));
      expect(shown.status).toBe(200);
      expect(shown.text).toContain("滨江花园项目欠薪案");
    });
  });
});
