/**
 * The new-project forms in a real headless Chromium on a phone-sized
 * screen: a housing bureau's liaison reports a project (a future start,
 * a price in words and 120 % answered in their places first), then
 * uploads attachment 1: a sheet with a bad phone is previewed and cannot
 * be imported, the corrected sheet is imported whole, its row naming the
 * project just reported recognised and left out.
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
import { project, unitSheet } from "../projects/support.js";
import { startWeb, type Running } from "./server.js";

const XLSX =
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(engines())("project forms in a browser on $name", (engine) => {
  let web: Running;

  beforeEach(async () => {
    web = await startWeb({}, silentLogger, await engine.open());
    web.clock.set(at("2026-10-13T10:00"));
  });

  afterEach(async () => {
    await web.close();
    await engine.release();
  });

  const signedIn = (name: string) => signedInPage(browser, web.base, name);

  const issue = (page: Page, field: string) =>
    page.locator(`[data-issue-for="${field}"]`);

  async function fillReport(page: Page) {
    await page.locator("#f-jurisdiction").selectOption("船山区");
    await page.locator("#f-name").fill("天悦府1期");
    await page.locator("#f-address").fill("遂宁市船山区明月路 1 号");
    await page.locator("#f-builder").fill("遂宁某置业有限公司");
    await page.locator("#f-startDate").fill("2026-10-20");
    await page.locator("#f-duration").fill("365天");
    await page.getByLabel("否", { exact: true }).check();
    await page.locator("#f-contractor").fill("四川某建设工程有限公司");
    await page.locator("#f-manager").fill("张三");
    await page.locator("#f-phone").fill("13800000001");
    await page.locator("#f-contractPrice").fill("一千万");
    await page.locator("#f-paymentMethod").fill("按月进度付款");
    await page.locator("#f-paymentProgress").fill("120");
  }

  it("reports a project on the form, then uploads attachment 1", async () => {
    const zhang = await signedIn("张伟");
    await zhang.goto(`${web.base}/projects`);
    await zhang.getByRole("link", { name: "报送新项目" }).click();
    await eventually(() => zhang.locator("h1").textContent()).toBe(
      "报送新开工项目",
    );
    await fillReport(zhang);
    expect(await layoutWidth(zhang)).toBeLessThanOrEqual(PHONE.width);

    const send = zhang.getByRole("button", { name: "报送", exact: true });
    await send.click();
    await eventually(() => issue(zhang, "startDate").textContent()).toContain(
      "晚于今天（2026-10-13）",
    );
    expect(await issue(zhang, "contractPrice").textContent()).toContain(
      "不是数字",
    );
    expect(await issue(zhang, "paymentProgress").textContent()).toContain(
      "不能大于 100",
    );
    expect(await issue(zhang, "contractPrice").isVisible()).toBe(true);
    expect(await web.count("projects")).toBe(0);

    await zhang.locator("#f-startDate").fill("2026-09-30");
    await zhang.locator("#f-contractPrice").fill("12345.67");
    await zhang.locator("#f-paymentProgress").fill("30");
    await send.click();
    await eventually(() =>
      zhang.locator(".done-message").textContent(),
    ).toContain("已报送天悦府1期，按时报送");
    await zhang.locator(".done-link").click();
    await eventually(() => zhang.locator("h1").textContent()).toBe("天悦府1期");
    expect(await zhang.locator("main").textContent()).toContain(
      "项目报送期限：2026年10月13日前（按期完成）",
    );

    // The sheet: its second row is the project just reported, its third
    // has a bad phone until corrected.
    await zhang.goto(`${web.base}/projects/upload`);
    const bad = await unitSheet([
      project(1),
      project(2),
      project(3, { 联系电话: "12345" }),
    ]);
    await zhang.locator("#f-file").setInputFiles({
      name: "附件1.xlsx",
      mimeType: XLSX,
      buffer: bad,
    });
    await zhang.getByRole("button", { name: "检查表格" }).click();
    const summary = zhang.locator("#preview-summary");
    await eventually(() => summary.textContent()).toContain("整表不能导入");
    expect(await zhang.locator("#preview-errors").textContent()).toContain(
      "第 9 行“联系电话”",
    );
    expect(await zhang.locator("#preview-duplicates").textContent()).toContain(
      "第 7 行 天悦府1期：已由市住房城乡建设局于 2026-10-13 报送",
    );
    expect(await zhang.locator("#import-button").isVisible()).toBe(false);
    expect(await layoutWidth(zhang)).toBeLessThanOrEqual(PHONE.width);

    const good = await unitSheet([project(1), project(2), project(3)]);
    await zhang.locator("#f-file").setInputFiles({
      name: "附件1.xlsx",
      mimeType: XLSX,
      buffer: good,
    });
    expect(await zhang.locator("#preview").isVisible()).toBe(false);
    await zhang.getByRole("button", { name: "检查表格" }).click();
    await eventually(() => summary.textContent()).toContain(
      "共 2 个项目可以导入；1 行是已报送过的项目",
    );
    expect(await zhang.locator("#preview-rows").textContent()).toContain(
      "第 8 行 天悦府2期（遂宁某置业有限公司），船山区，开工 2026-09-30",
    );
    expect(await web.count("projects")).toBe(1);

    await zhang.getByRole("button", { name: "全部导入" }).click();
    await eventually(() =>
      zhang.locator("#import-done .done-message").textContent(),
    ).toContain("已导入 2 个项目");
    expect(await web.count("projects")).toBe(3);
    await zhang.getByRole("link", { name: "查看本单位项目" }).click();
    await eventually(() => zhang.locator("main").textContent()).toContain(
      "天悦府3期",
    );
    expect(await layoutWidth(zhang)).toBeLessThanOrEqual(PHONE.width);
  }, 120_000);
});
