/**
 * The campaign forms in a real headless Chromium on a phone-sized screen:
 * HRSS creates a campaign (a wrong date and a site's retired unit are
 * answered in their places first), then a sending unit's liaison names
 * its officers, adding and removing rows, a wrong phone answered under
 * its own row.
 */
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";
import { silentLogger } from "../../src/logger.js";
import {
  eventually,
  launchChromium,
  layoutWidth,
  PHONE,
  signedInPage,
} from "../helpers/browser.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";
import { startWeb, type Running } from "./server.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(engines())("campaign forms in a browser on $name", (engine) => {
  let web: Running;

  beforeEach(async () => {
    web = await startWeb({}, silentLogger, await engine.open());
    web.clock.set(at("2026-09-25T10:00"));
  });

  afterEach(async () => {
    await web.close();
    await engine.release();
  });

  const signedIn = (name: string) => signedInPage(browser, web.base, name);

  async function retire(code: string) {
    const { units } = web.bot.ctx.store.t;
    await web.bot.ctx.store.db
      .update(units)
      .set({ active: false })
      .where(eq(units.code, code));
  }

  it("creates a campaign and names a unit's officers", async () => {
    const wang = await signedIn("王建国");
    await wang.goto(`${web.base}/campaigns`);
    await wang.getByRole("link", { name: "新建集中接访" }).click();
    await eventually(() => wang.locator("h1").textContent()).toBe(
      "新建集中接访",
    );
    expect(await layoutWidth(wang)).toBeLessThanOrEqual(PHONE.width);

    await wang.locator("#f-name").fill("2026年国庆节集中接访");
    await wang.locator("#f-startDate").fill("2026-10-01");
    await wang.locator("#f-endDate").fill("2026-09-30");
    await wang.locator("#f-nominateBy").fill("2026-09-28T18:00");
    // The city's site and Anju's; Chuanshan and the rest are left out,
    // so Anju goes second in what is sent but is third on the page.
    for (const i of [1, 3, 4, 5, 6, 7, 8]) {
      await wang.locator(`#f-sites-${i}-host`).uncheck();
    }
    await wang.locator("#f-sites-0-address").fill("市人社大厦一楼");
    await wang.locator("#f-sites-2-address").fill("安居区人社局接待室");
    expect(await wang.locator("#f-sites-1-address").isVisible()).toBe(false);
    // An administrator retires a unit while the form is open.
    await retire("anju.water");

    await wang.getByRole("button", { name: "创建并通知各单位" }).click();
    const endIssue = wang.locator('[data-issue-for="endDate"]');
    await eventually(() => endIssue.textContent()).toContain(
      "不能早于开始日期",
    );
    const siteIssue = wang.locator('[data-issue-for="sites.2.unitIds"]');
    await eventually(() => siteIssue.textContent()).toContain(
      "安居区人社局接访点：派员单位中有不存在或已停用的单位",
    );
    expect(await siteIssue.isVisible()).toBe(true);
    expect(await web.count("campaigns")).toBe(0);

    await wang.locator("#f-endDate").fill("2026-10-04");
    await wang
      .locator('[data-site="anju.hrss"] label', { hasText: "安居区水利局" })
      .locator("input")
      .uncheck();
    await wang.getByRole("button", { name: "创建并通知各单位" }).click();
    await eventually(() =>
      wang.locator(".done-message").textContent(),
    ).toContain("已创建“2026年国庆节集中接访”（编号 #");
    await wang.locator(".done-link").click();
    await eventually(() => wang.locator("h1").textContent()).toBe(
      "2026年国庆节集中接访",
    );
    expect(await wang.locator("main").textContent()).toContain(
      "安居区人社局接访点",
    );

    // 张伟 of the housing bureau opens the campaign from the list.
    const zhang = await signedIn("张伟");
    await zhang.goto(`${web.base}/campaigns`);
    await zhang.getByRole("link", { name: "2026年国庆节集中接访" }).click();
    await zhang.getByRole("link", { name: "指派人员" }).click();
    await eventually(() => zhang.locator("h1").textContent()).toBe(
      "指派接访人员",
    );

    await zhang.locator("#f-officers-0-personId").selectOption({
      label: "冯敏（建筑市场监管科科员）",
    });
    expect(await zhang.locator("#f-officers-0-name").isVisible()).toBe(false);
    await zhang.locator("#f-officers-0-2026-10-01").check();
    await zhang.locator("#f-officers-0-2026-10-02").check();
    // Two more rows; the first of them is removed again.
    const add = zhang.getByRole("button", { name: "添加一名接访人员" });
    await add.click();
    await add.click();
    await zhang
      .locator('[data-row="1"]')
      .getByRole("button", { name: "删除此行" })
      .click();
    expect(await zhang.locator("[data-row]").count()).toBe(2);
    await zhang.locator("#f-officers-2-name").fill("刘芳");
    await zhang.locator("#f-officers-2-title").fill("质量安全科科员");
    await zhang.locator("#f-officers-2-phone").fill("12345");
    await zhang.locator("#f-officers-2-2026-10-03").check();
    await zhang.locator("#f-officers-2-2026-10-04").check();
    expect(await layoutWidth(zhang)).toBeLessThanOrEqual(PHONE.width);

    await zhang.getByRole("button", { name: "保存指派" }).click();
    const phoneIssue = zhang.locator('[data-issue-for="officers.2.phone"]');
    await eventually(() => phoneIssue.textContent()).toContain(
      "联系电话：不是有效的电话号码",
    );
    expect(await phoneIssue.isVisible()).toBe(true);
    expect(await web.count("dutyShifts")).toBe(0);

    await zhang.locator("#f-officers-2-phone").fill("13900000021");
    await zhang.getByRole("button", { name: "保存指派" }).click();
    await eventually(() =>
      zhang.locator(".done-message").textContent(),
    ).toContain("已保存市住房城乡建设局的接访人员：2 人");
    expect(await web.count("dutyShifts")).toBe(4);
    await zhang.locator(".done-link").click();
    await eventually(() => zhang.locator("main").textContent()).toContain(
      "刘芳（质量安全科科员） 13900000021：10月3日—10月4日",
    );
  }, 120_000);
});
