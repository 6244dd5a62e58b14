/**
 * Getting a table: the chat command "导出 …" sends the file to the asker
 * alone (a download in the simulator), the page /exports exports for the
 * signed-in person, and a file is fetched only by the person it was
 * made for.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dt, startDingTalkWorld } from "../dingtalk/harness.js";
import { inbox } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { startWecomWorld, wx } from "../wecom/harness.js";
import { startWeb, type Running } from "../web/server.js";
import { october } from "./support.js";

describe("exports delivered to the person who asked", () => {
  let web: Running;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "exports-"));
    web = await startWeb({ EXPORT_DIR: dir });
    await october(web.bot, web.clock);
  });
  afterEach(async () => {
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function say(name: string, text: string) {
    const me = await web.signIn(name);
    const res = await web.call("POST", "/sim/api/say", {
      cookie: me.cookie,
      json: { text },
    });
    expect(res.status).toBe(200);
    return { me, reply: String(res.body.message) };
  }

  async function download(cookie: string, token: string) {
    const res = await fetch(`${web.base}/exports/${token}`, {
      headers: { cookie },
    });
    return res;
  }

  it("sends the table to the asker as a file, by command", async () => {
    const { me, reply } = await say("王建国", "导出 反馈表 2026-10");
    expect(reply).toMatch(/^已导出《.+》，共 \d+ 条/);
    const files = (await inbox(web.bot, me.id)).filter(
      (m: { type: string }) => m.type === "file",
    );
    expect(files).toHaveLength(1);
    const res = await download(me.cookie, files[0].token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(
      encodeURIComponent(files[0].name),
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await res.arrayBuffer()) as never);
    expect(book.worksheets.length).toBeGreaterThan(0);

    // Nobody else may fetch it, however they got the link.
    const other = await web.signIn("张伟");
    const refused = await download(other.cookie, files[0].token);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("其他人导出");
  });

  it("answers a bad request in Chinese and sends nothing", async () => {
    const { me, reply } = await say("王建国", "导出 工资表 2026-10");
    expect(reply).toMatch(/表格名称/);
    const { reply: badPeriod } = await say("王建国", "导出 反馈表 10月");
    expect(badPeriod).toMatch(/期间/);
    const files = (await inbox(web.bot, me.id)).filter(
      (m: { type: string }) => m.type === "file",
    );
    expect(files).toEqual([]);
  });

  it("exports from the page for the signed-in person", async () => {
    const me = await web.signIn("王建国");
    const page = await web.call("GET", "/exports", { cookie: me.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain("导出官方表格");
    const res = await fetch(
      `${web.base}/exports/file?table=feedback-source&period=2026-10`,
      { headers: { cookie: me.cookie }, redirect: "manual" },
    );
    expect(res.status).toBe(303);
    const file = await fetch(web.base + res.headers.get("location"), {
      headers: { cookie: me.cookie },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
  });

  it("offers the signed receipts on the case's page, as a download", async () => {
    const { referrals, receipts } = web.bot.ctx.store.t;
    const [signed] = await web.bot.ctx.store.db
      .select({ id: referrals.id, number: referrals.number })
      .from(referrals)
      .innerJoin(receipts, eq(receipts.referralId, referrals.id));
    const me = await web.signIn("张伟");
    const details = await web.call("GET", `/referrals/${signed.id}`, {
      cookie: me.cookie,
    });
    const href = /href="(\/exports\/file\?table=receipt&amp;number=[^"]+)"/
      .exec(details.body)?.[1]
      ?.replaceAll("&amp;", "&");
    expect(href).toBeDefined();
    const res = await fetch(web.base + href, {
      headers: { cookie: me.cookie },
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const file = await fetch(web.base + res.headers.get("location"), {
      headers: { cookie: me.cookie },
    });
    expect(file.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await file.arrayBuffer()) as never);
    expect(JSON.stringify(book.worksheets[0].getSheetValues())).toContain(
      signed.number,
    );
  });

  it("tells an unknown or expired file apart from another's", async () => {
    const me = await web.signIn("王建国");
    const res = await download(me.cookie, "a".repeat(32));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("已过期或不存在");
  });
});

describe.each(engines())("exports as chat files on $name", (engine) => {
  afterEach(() => engine.release());

  it("sends the file through WeCom's media upload, to the asker only", async () => {
    const world = await startWecomWorld(await engine.open());
    try {
      const result = await world.push(
        world.text(wx("wangjg"), "导出 反馈表 2026-10"),
      );
      expect(result.status).toBe(200);
      await world.settle();
      const got = world.fake.inbox(wx("wangjg"));
      const file = got.find((d) => d.msgtype === "file");
      expect(file).toBeDefined();
      const mediaId = String((file!.body as { media_id: string }).media_id);
      expect(world.fake.media.get(mediaId)?.type).toBe("file");
      const text = got.find((d) => d.msgtype === "text");
      expect(String((text!.body as { content: string }).content)).toMatch(
        /已导出/,
      );
      // Nothing went to a group.
      expect(world.fake.robotMessages).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it("sends the file through DingTalk's media upload, to the asker only", async () => {
    const world = await startDingTalkWorld(await engine.open());
    try {
      await world.connected();
      await world.fake.robotMessage({
        text: "导出 反馈表 2026-10",
        senderStaffId: dt("wangjg"),
      });
      await world.settle();
      const got = world.fake.inbox(dt("wangjg"));
      const file = got.find((m) => m.msgKey === "sampleFile");
      expect(file).toBeDefined();
      expect(world.fake.media.has(String(file!.msgParam.mediaId))).toBe(true);
      expect(String(file!.msgParam.fileName)).toMatch(/\.xlsx$/);
      expect(
        got.some((m) => String(m.msgParam.content).includes("已导出")),
      ).toBe(true);
      expect(
        world.fake.robot.messages.filter((m) => m.kind === "group"),
      ).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
