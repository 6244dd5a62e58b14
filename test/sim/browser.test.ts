/**
 * The simulator and the form pages in a real headless Chromium: a case is
 * referred, signed on its card, fed back (first with a mistake) and closed,
 * each step by clicking what a person would click.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { referralBody, startWeb, type Running } from "../web/server.js";

const CASE = "遂宁某小区项目欠薪案";

let web: Running;
let browser: Browser;

beforeAll(async () => {
  web = await startWeb();
  // launch() gives every run a fresh temporary profile.
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** A phone-sized page signed in as a demo person through the picker. */
async function openChatAs(name: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 800 },
    locale: "zh-CN",
  });
  const page = await context.newPage();
  await page.goto(`${web.base}/sim`);
  await page.locator(`button[data-person="${name}"]`).click();
  await eventually(() => page.locator("#me-name").textContent()).toBe(name);
  return page;
}

/** The page polls every few seconds; give it time to catch up. */
function eventually<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 10_000 });
}

function card(page: Page, title: string) {
  return page.locator("#inbox-person .card", { hasText: title });
}

describe("the simulator in a browser", () => {
  it("refers, signs, feeds back and closes a case", async () => {
    // 王建国 (HRSS) refers a source case to the city housing bureau.
    const wang = await openChatAs("王建国");
    await wang.locator("#new-referral").click();
    const form = wang.frameLocator("#webview");
    await form
      .locator("#f-receivingUnitId-source")
      .selectOption({ label: "市住房城乡建设局" });
    await form.locator("#f-caseName").fill(CASE);
    await form.locator("#f-cause").fill("拖欠工程款导致欠薪");
    await form.locator("#f-complainantName").fill("李四");
    await form.locator("#f-companyName").fill("遂宁某建筑工程有限公司");
    await form.locator("#f-headCount").fill("12");
    await form.locator("#f-amount").fill("35000.50");
    await form.locator("#f-foundDate").fill("2026-10-08");
    await form.locator("#f-filePages").fill("30");
    await form.getByRole("button", { name: "移送" }).click();
    await eventually(() =>
      form.locator(".done-message").textContent(),
    ).toContain("已移送市住房城乡建设局");
    await wang.locator("#webview-close").click();
    await eventually(() => card(wang, `【已移送】${CASE}`).count()).toBe(1);

    // 张伟 (liaison of the housing bureau) signs on the card.
    const zhang = await openChatAs("张伟");
    const notice = card(zhang, `【移送通知】${CASE}`);
    await notice.getByRole("button", { name: "签收", exact: true }).click();
    await eventually(() => zhang.locator("#notice").textContent()).toContain(
      "已签收",
    );
    await eventually(() =>
      notice.locator(".card-note").textContent(),
    ).toContain("张伟 已于 2026-10-09 10:00 签收");
    await eventually(() => notice.locator(".card-status").textContent()).toBe(
      "办理中",
    );

    // A feedback with an amount that is not a number is refused in place.
    await notice.getByRole("button", { name: "填写反馈" }).click();
    const feedback = zhang.frameLocator("#webview");
    await feedback.locator("#f-summary").fill("已督促总包单位支付工程款");
    await feedback.locator("#f-recoveredWorkers").fill("12");
    await feedback.locator("#f-recoveredAmount").fill("abc");
    await feedback.getByRole("button", { name: "提交反馈" }).click();
    const issue = feedback.locator('[data-issue-for="recoveredAmount"]');
    await eventually(() => issue.textContent()).toContain(
      "追薪金额：请填写金额",
    );
    expect(await issue.isVisible()).toBe(true);
    expect(await web.count("feedbacks")).toBe(0);

    await feedback.locator("#f-recoveredAmount").fill("35000.50");
    await feedback.getByRole("button", { name: "提交反馈" }).click();
    await eventually(() =>
      feedback.locator(".done-message").textContent(),
    ).toContain("反馈已提交");
    expect(await web.count("feedbacks")).toBe(1);
    await zhang.locator("#webview-close").click();

    // 王建国 accepts the feedback on his tracking card; the case closes.
    const tracking = card(wang, `【已移送】${CASE}`);
    await tracking.getByRole("button", { name: "采纳反馈" }).click();
    await eventually(() => wang.locator("#notice").textContent()).toContain(
      "已采纳反馈",
    );
    await eventually(() => tracking.locator(".card-status").textContent()).toBe(
      "已办结",
    );
  }, 120_000);

  it("shows the details page with how each deadline was counted", async () => {
    const wang = await openChatAs("王建国");
    await wang.goto(`${web.base}/referrals/1`);

    const explain = wang.locator("details.explain").last();
    await explain.locator("summary").click();

    expect(await explain.textContent()).toContain("国庆节调休上班");
    expect(await wang.locator(".status").textContent()).toBe("已办结");
  }, 60_000);

  it("shows a reminder run from the clock panel, its links opening the case", async () => {
    const wang = await web.signIn("王建国");
    const created = await web.call("POST", "/api/referrals", {
      cookie: wang.cookie,
      json: await referralBody(web.bot, { caseName: "提醒链接测试案" }),
    });
    const zhang = await openChatAs("张伟");

    await zhang.locator("#sim-clock summary").click();
    await zhang.locator('button[data-job="morning-reminder"]').click();
    await eventually(() => zhang.locator("#notice").textContent()).toContain(
      "已运行：晨间提醒",
    );

    const reminder = zhang.locator("#inbox-person .markdown").last();
    const link = reminder
      .getByRole("link", { name: /遂人社移〔2026〕/ })
      .last();
    await eventually(() => link.count()).toBe(1);
    expect(await reminder.textContent()).not.toContain("](");
    await link.click();
    await eventually(() =>
      zhang.frameLocator("#webview").locator("h1").textContent(),
    ).toBe("提醒链接测试案");
    expect(created.status).toBe(201);
  }, 60_000);
});
