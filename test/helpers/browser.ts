/**
 * Debian's headless Chromium for the page tests (no browser downloads):
 * launched once per file, each run with a fresh temporary profile, and
 * pages signed in through the simulator's picker on a phone-sized screen.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

/** Debian's chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const PHONE = { width: 390, height: 800 };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Polls until what the page shows settles on the expected value. */
export function eventually<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 10_000 });
}

/** A phone-sized page signed in as a demo person through the picker. */
export async function signedInPage(
  browser: Browser,
  base: string,
  name: string,
): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE,
    locale: "zh-CN",
  });
  const page = await context.newPage();
  await page.goto(`${base}/sim`);
  await page.locator(`button[data-person="${name}"]`).click();
  await eventually(() => page.locator("#me-name").textContent()).toBe(name);
  return page;
}

/** How wide the page is laid out: the phone's width when nothing overflows. */
export const layoutWidth = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth);
