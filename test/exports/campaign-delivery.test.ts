/**
 * Getting a reception campaign's tables the three ways: the chat command
 * "导出 考勤表 …" / "导出 接访报告 …" (the file goes to the asker alone),
 * the /exports page, and `npm run export`.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe } from "vitest";
import { expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { openExport } from "../../src/exports/files.js";
import { demo, inbox, openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { startWeb, type Running } from "../web/server.js";
import {
  CHUANSHAN_SITE,
  CITY_SITE,
  nationalDayLived,
} from "./campaign-support.js";
import { exportCommand } from "./cli-support.js";
import { rowValues } from "./support.js";

const CAMPAIGN = "2026年国庆节集中接访";
const ATTENDANCE = "遂宁市保障农民工工资支付集中接访考勤表";

async function sheetNames(file: string): Promise<string[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  return book.worksheets.map((s) => s.name);
}

describe.each(engines())(
  "campaign tables by chat command on $name",
  (engine) => {
    let bot: Bot;
    let dir: string;
    let seq = 0;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "campaign-exports-"));
      const clock = clockAt("2026-09-25T10:00");
      bot = await openBot(engine, clock, { EXPORT_DIR: dir });
      await nationalDayLived(bot, clock);
    });
    afterEach(async () => {
      await engine.release();
      rmSync(dir, { recursive: true, force: true });
    });

    const say = async (name: string, text: string) => {
      const person = (await demo(bot, name)).person;
      const { personBindings } = bot.ctx.store.t;
      const [binding] = await bot.ctx.store.db
        .select()
        .from(personBindings)
        .where(eq(personBindings.personId, person.id));
      const reply = await bot.commands.handle({
        channel: "sim",
        externalUserId: binding.externalId,
        eventKey: `c${++seq}`,
        text,
      });
      return { person, reply };
    };

    /** The files the simulator shows a person, opened. */
    const files = async (personId: number) => {
      await bot.deliverNow();
      const sent = (await inbox(bot, personId)).filter(
        (m: { type: string }) => m.type === "file",
      );
      return Promise.all(
        sent.map(async (m: { token: string; name: string }) => {
          const { path, fileName } = await openExport(
            bot.ctx,
            m.token,
            personId,
          );
          const book = new ExcelJS.Workbook();
          await book.xlsx.readFile(path);
          return { fileName, book };
        }),
      );
    };

    it("sends a site's attendance sheet to the site's HRSS", async () => {
      const { person, reply } = await say("马晓林", `导出 考勤表 ${CAMPAIGN}`);
      const name = `${ATTENDANCE}（${CAMPAIGN}，${CHUANSHAN_SITE}）`;
      expect(reply).toBe(
        `已导出《${name}》，共 4 条，文件单独发给您（保留一天）。`,
      );
      const [file, ...more] = await files(person.id);
      expect(more).toEqual([]);
      expect(file.fileName).toBe(`${name}.xlsx`);
      const sheet = file.book.worksheets[0];
      expect(sheet.getCell("A2").value).toBe(ATTENDANCE);
      expect(rowValues(sheet, 9, 7)).toEqual([
        4,
        "船山区住房和城乡建设局",
        "10月4日",
        null,
        null,
        null,
        "未派员",
      ]);
    });

    it("sends the organizer a site by name, and the report", async () => {
      const site = await say("王建国", `导出 考勤表 ${CAMPAIGN} 船山区`);
      expect(site.reply).toContain(
        `（${CAMPAIGN}，${CHUANSHAN_SITE}）》，共 4 条`,
      );
      const all = await say("王建国", "导出　附件6　2026年10月");
      expect(all.reply).toContain(`《${ATTENDANCE}（${CAMPAIGN}）》，共 16 条`);
      const report = await say("王建国", `导出 接访报告 ${CAMPAIGN}`);
      expect(report.reply).toBe(
        "已导出《遂宁市2026年国庆节集中接访情况报告表》，共 8 条，" +
          "文件单独发给您（保留一天）。",
      );
      const got = await files(site.person.id);
      expect(got.map((f) => f.book.worksheets.map((s) => s.name))).toEqual([
        [CHUANSHAN_SITE],
        [CITY_SITE, CHUANSHAN_SITE],
        ["一、每日接访情况", "二、各单位到岗情况", "三、未派员情况"],
      ]);
    });

    it("answers a wrong or refused request in Chinese and sends nothing", async () => {
      const none = await say("王建国", "导出 考勤表");
      expect(none.reply).toMatch(/^集中接访活动：请写明要导出哪一期活动/);
      const unknown = await say("王建国", "导出 接访报告 2027年春节集中接访");
      expect(unknown.reply).toMatch(/没有找到“2027年春节集中接访”/);
      const site = await say("马晓林", `导出 接访报告 ${CAMPAIGN}`);
      expect(site.reply).toMatch(
        /^集中接访情况报告表由组织单位市人力资源社会保障局/,
      );
      const unit = await say("张伟", `导出 考勤表 ${CAMPAIGN}`);
      expect(unit.reply).toMatch(/市住房城乡建设局不能导出/);
      for (const who of [none, site, unit]) {
        expect(await files(who.person.id)).toEqual([]);
      }
      // A refused export leaves no part file behind.
      expect(readdirSync(dir)).toEqual([]);
    });

    it("shows the campaign tables in the help", async () => {
      const { reply } = await say("王建国", "帮助");
      expect(reply).toContain(`导出 考勤表 ${CAMPAIGN} 船山区`);
      expect(reply).toContain(`导出 接访报告 ${CAMPAIGN}`);
    });
  },
);

describe("campaign tables on the /exports page", () => {
  let web: Running;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "campaign-page-"));
    web = await startWeb({ EXPORT_DIR: dir });
    await nationalDayLived(web.bot, web.clock);
  });
  afterEach(async () => {
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fetchFile(cookie: string, query: string) {
    const res = await fetch(`${web.base}/exports/file?${query}`, {
      headers: { cookie },
      redirect: "manual",
    });
    if (res.status !== 303) {
      return { status: res.status, text: await res.text() };
    }
    const file = await fetch(web.base + res.headers.get("location"), {
      headers: { cookie },
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await file.arrayBuffer()) as never);
    return { status: 303, sheets: book.worksheets.map((s) => s.name) };
  }

  it("lists the tables and exports them, the campaign in the period field", async () => {
    const wang = await web.signIn("王建国");
    const page = await web.call("GET", "/exports", { cookie: wang.cookie });
    expect(page.body).toContain(
      '<option value="attendance">考勤表（附件6）</option>',
    );
    expect(page.body).toContain('value="campaign-report"');
    const campaign = encodeURIComponent(CAMPAIGN);
    const host = await unitId(web.bot, "chuanshan.hrss");
    expect(
      await fetchFile(
        wang.cookie,
        `table=attendance&period=${campaign}&unit=${host}`,
      ),
    ).toEqual({ status: 303, sheets: [CHUANSHAN_SITE] });
    expect(
      await fetchFile(wang.cookie, "table=campaign-report&period=2026-10"),
    ).toMatchObject({ status: 303 });

    const ma = await web.signIn("马晓林");
    expect(
      await fetchFile(ma.cookie, `table=attendance&period=${campaign}`),
    ).toEqual({ status: 303, sheets: [CHUANSHAN_SITE] });
    const refused = await fetchFile(
      ma.cookie,
      `table=campaign-report&period=${campaign}`,
    );
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("集中接访情况报告表由组织单位");
  });
});

describe("npm run export for a campaign", () => {
  const cli = exportCommand(
    "campaign-cli-",
    "2026-09-25T10:00",
    nationalDayLived,
  );
  const run = cli.run;

  it("writes a site's sheet, every site's, and the report", async () => {
    const site = join(cli.dir, "site.xlsx");
    const one = await run(
      "考勤表",
      CAMPAIGN,
      "--unit",
      "chuanshan.hrss",
      "--out",
      site,
    );
    expect(one).toMatchObject({ code: 0, stderr: "" });
    expect(one.stdout).toContain(`已导出 4 条，写入 ${site}`);
    expect(await sheetNames(site)).toEqual([CHUANSHAN_SITE]);

    const report = join(cli.dir, "report.xlsx");
    const all = await run("接访报告", CAMPAIGN, "--out", report);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("已导出 8 条");
    expect(await sheetNames(report)).toHaveLength(3);
  });

  it("says what is wrong and leaves no file", async () => {
    const out = join(cli.dir, "bad.xlsx");
    const result = await run("考勤表", "2027年春节集中接访", "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("（campaign_not_found）");
    const site = await run(
      "考勤表",
      CAMPAIGN,
      "--unit",
      "anju.hrss",
      "--out",
      out,
    );
    expect(site.code).toBe(1);
    expect(site.stderr).toContain("接访点：所选单位不是");
    expect(existsSync(out)).toBe(false);
  });
});
