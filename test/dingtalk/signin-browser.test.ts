/**
 * The DingTalk sign-in page in a real headless Chromium, with the DingTalk
 * JSAPI replaced by a stub of the client's requestAuthCode: the page asks
 * for a code with our corpId, exchanges it once, and lands on the page
 * the link named, signed in; a client that gives no code, or no DingTalk
 * client at all, ends with a Chinese explanation instead.
 */
import type { Browser, Page } from "playwright-core";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { engines, type TestEngine } from "../helpers/db.js";
import {
  CORP_ID,
  dt,
  startDingTalkWorld,
  type DingTalkWorld,
} from "./harness.js";

const GETUSERINFO = "/topapi/v2/user/getuserinfo";

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** The client's side of 免登, as the JSAPI stub calls it. */
function stub(body: string): string {
  return `window.dd = { runtime: { permission: { requestAuthCode: function (args) {
  window.__report(JSON.stringify({ corpId: args.corpId, clientId: args.clientId }));
  ${body}
} } } };`;
}

describe("DingTalk sign-in in a browser", () => {
  const engine: TestEngine = engines()[0];
  let world: DingTalkWorld;
  let referralId: number;
  let page: Page;
  let asked: { corpId: string; clientId: string }[];

  beforeEach(async () => {
    world = await startDingTalkWorld(await engine.open());
    await world.connected();
    referralId = await world.refer();
    asked = [];
    const context = await browser.newContext({
      viewport: { width: 390, height: 800 },
      locale: "zh-CN",
    });
    page = await context.newPage();
    await page.exposeFunction("__report", (text: string) => {
      asked.push(JSON.parse(text));
    });
  });
  afterEach(async () => {
    await page?.context().close();
    await world.close();
    await engine.release();
  });

  /** Serves `script` in place of the bundled JSAPI. */
  async function jsapi(script: string) {
    await page.route("**/static/dingtalk/jsapi.js", (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/javascript; charset=utf-8",
        body: script,
      }),
    );
  }

  const exchanges = () =>
    world.fake.requests.filter((r) => r.path === GETUSERINFO).length;

  const signInUrl = (path: string) =>
    world.bot.dingtalk!.signIn.signInUrl(path);

  const status = () => page.locator("#signin-status");

  it("lands on the page, signed in, with the code the client gave", async () => {
    const code = world.fake.authCode(dt("zhangw"));
    await jsapi(stub(`args.onSuccess({ code: ${JSON.stringify(code)} });`));
    const path = `/referrals/${referralId}`;
    await page.goto(signInUrl(path));

    await page.waitForURL(`${world.base}${path}`);
    await expect
      .poll(() => page.locator("header .who").textContent())
      .toContain("张伟");
    expect(await page.locator("h1").textContent()).toBe("滨江花园项目欠薪案");
    expect(asked).toEqual([{ corpId: CORP_ID, clientId: "dingfakeclient" }]);
    expect(exchanges()).toBe(1);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "qx_session")?.httpOnly).toBe(true);

    // Going back does not sign in a second time with a spent code.
    const target = await page.goto(`${world.base}${path}/sign`);
    expect(target?.status()).toBe(200);
    expect(await page.locator("form").count()).toBeGreaterThan(0);
  });

  it("takes the code from the newer dd.requestAuthCode too", async () => {
    const code = world.fake.authCode(dt("chenj"));
    await jsapi(`window.dd = { requestAuthCode: function (args) {
  window.__report(JSON.stringify({ corpId: args.corpId, clientId: args.clientId }));
  args.success({ authCode: ${JSON.stringify(code)} });
} };`);
    const path = `/referrals/${referralId}/sign`;
    await page.goto(signInUrl(path));
    await page.waitForURL(`${world.base}${path}`);
    await expect
      .poll(() => page.locator("header .who").textContent())
      .toContain("陈静");
    expect(asked).toEqual([{ corpId: CORP_ID, clientId: "dingfakeclient" }]);
  });

  it("exchanges the code once when the client calls onSuccess and success", async () => {
    const code = world.fake.authCode(dt("zhangw"));
    await jsapi(
      stub(`args.onSuccess({ code: ${JSON.stringify(code)} });
  args.success({ code: ${JSON.stringify(code)} });
  setTimeout(function () { args.onSuccess({ code: ${JSON.stringify(code)} }); }, 0);`),
    );
    const path = `/referrals/${referralId}`;
    await page.goto(signInUrl(path));
    await page.waitForURL(`${world.base}${path}`);
    await expect
      .poll(() => page.locator("header .who").textContent())
      .toContain("张伟");
    // Nothing later spends it again or replaces the page with an error.
    await page.waitForTimeout(300);
    expect(exchanges()).toBe(1);
    expect(page.url()).toBe(`${world.base}${path}`);
  });

  it("explains in Chinese when the client gives no code", async () => {
    await jsapi(stub(`args.onFail({ errorCode: 3, errorMessage: "denied" });`));
    await page.goto(signInUrl(`/referrals/${referralId}`));
    await expect
      .poll(() => status().textContent())
      .toBe("钉钉没有给出登录凭据，请在钉钉客户端中重新打开此链接。");
    expect(await status().getAttribute("class")).toContain("notice-error");
    expect(new URL(page.url()).pathname).toBe("/dingtalk/signin");
    expect(exchanges()).toBe(0);
    expect(asked).toHaveLength(1);
  });

  it("asks to open the link in DingTalk when there is no client", async () => {
    await jsapi("");
    await page.goto(signInUrl(`/referrals/${referralId}`));
    await expect
      .poll(() => status().textContent())
      .toBe("请在钉钉客户端中打开此链接。");
    expect(await status().getAttribute("class")).toContain("notice-error");
    expect(exchanges()).toBe(0);
  });

  it("stays on the sign-in page, not signed in, when the code was spent", async () => {
    const code = world.fake.authCode(dt("zhangw"));
    const { next, state } = Object.fromEntries(
      new URL(signInUrl(`/referrals/${referralId}`)).searchParams,
    );
    // Spent first, as a second tab would.
    const first = await fetch(`${world.base}/api/dingtalk/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, next, state }),
    });
    expect(first.status).toBe(200);

    await jsapi(stub(`args.onSuccess({ code: ${JSON.stringify(code)} });`));
    await page.goto(signInUrl(`/referrals/${referralId}`));
    await expect
      .poll(() => status().getAttribute("class"))
      .toContain("notice-error");
    expect(await status().textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(new URL(page.url()).pathname).toBe("/dingtalk/signin");
    expect(exchanges()).toBe(2);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "qx_session")).toBeUndefined();
  });

  it("shows the server's Chinese reason when the code was spent", async () => {
    const code = world.fake.authCode(dt("zhangw"));
    // Spend it first, as a second tab would.
    const { next, state } = Object.fromEntries(
      new URL(signInUrl(`/referrals/${referralId}`)).searchParams,
    );
    const first = await fetch(`${world.base}/api/dingtalk/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, next, state }),
    });
    expect(first.status).toBe(200);

    await jsapi(stub(`args.onSuccess({ code: ${JSON.stringify(code)} });`));
    await page.goto(signInUrl(`/referrals/${referralId}`));
    await expect
      .poll(() => status().textContent())
      .toContain("登录凭据已失效（只能使用一次）");
    expect(new URL(page.url()).pathname).toBe("/dingtalk/signin");
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "qx_session")).toBeUndefined();
  });

  it("asks a browser outside DingTalk to open the link there, with the real JSAPI", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(signInUrl(`/referrals/${referralId}`));
    expect(
      await page.evaluate(() => typeof (window as { dd?: unknown }).dd),
    ).toBe("object");
    await expect
      .poll(() => status().textContent(), { timeout: 5_000 })
      .toBe("请在钉钉客户端中打开此链接。");
    expect(exchanges()).toBe(0);
  });

  it("refuses a tampered link without asking the client", async () => {
    await jsapi(stub(`args.onSuccess({ code: "x" });`));
    const url = new URL(signInUrl(`/referrals/${referralId}`));
    url.searchParams.set("next", "/admin");
    const res = await page.goto(url.toString());
    expect(res?.status()).toBe(400);
    expect(await page.locator("main").textContent()).toContain(
      "登录链接不完整或已被改动",
    );
    await page.waitForTimeout(200);
    expect(asked).toEqual([]);
    expect(exchanges()).toBe(0);
  });
});
