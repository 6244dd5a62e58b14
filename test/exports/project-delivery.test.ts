/**
 * Getting the tables of new projects the three ways: the chat command
 * "导出 项目表 2026-10 [单位]" / "导出 报送统计表 2026" (the file goes to
 * the asker alone), the /exports page, and `npm run export`.
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
import { parseExportRequest } from "../../src/exports/request.js";
import type { ManualClock } from "../../src/time.js";
import { inbox, openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { startWeb, type Running } from "../web/server.js";
import { exportCommand } from "./cli-support.js";
import { reported } from "./project-support.js";

const TITLE = "遂宁市新开工建设工程项目情况表";
const STATS = "遂宁市新开工项目报送情况统计表";

async function sheetNames(file: string): Promise<string[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  return book.worksheets.map((s) => s.name);
}

describe("project export requests as typed in chat", () => {
  it("reads the period, then a unit", () => {
    expect(parseExportRequest("导出 项目表 2026-10")).toEqual({
      table: "projects",
      period: "2026-10",
    });
    expect(parseExportRequest("导出 附件1 2026年10月 市住建局")).toEqual({
      table: "projects",
      period: "2026-10",
      unit: "市住建局",
    });
    expect(
      parseExportRequest("导出　新开工项目２０２６－Ｑ４船山区住建局"),
    ).toEqual({ table: "projects", period: "2026-Q4", unit: "船山区住建局" });
    expect(parseExportRequest("导出 项目表 2026 city.housing")).toEqual({
      table: "projects",
      period: "2026",
      unit: "city.housing",
    });
    expect(parseExportRequest("导出 报送统计表 2026")).toEqual({
      table: "project-stats",
      period: "2026",
    });
    expect(parseExportRequest("导出 新开工项目报送情况统计表 2026-09")).toEqual(
      {
        table: "project-stats",
        period: "2026-09",
      },
    );
  });

  it("says what is missing or wrong", () => {
    expect(() => parseExportRequest("导出 项目表")).toThrow(
      expect.objectContaining({ code: "period_required" }),
    );
    expect(() => parseExportRequest("导出 项目表 下月 市住建局")).toThrow(
      expect.objectContaining({ code: "invalid_period", field: "period" }),
    );
  });
});

describe.each(engines())(
  "project tables by chat command on $name",
  (engine) => {
    let bot: Bot;
    let clock: ManualClock;
    let dir: string;
    let seq = 0;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), "project-exports-"));
      clock = clockAt("2026-10-09T09:00");
      bot = await openBot(engine, clock, { EXPORT_DIR: dir });
      await reported(bot, clock);
    });
    afterEach(async () => {
      await engine.release();
      rmSync(dir, { recursive: true, force: true });
    });

    const say = async (name: string, text: string) => {
      const person = (await bot.ctx.directory.demoPeople()).find(
        (p) => p.name === name,
      )!;
      const { personBindings } = bot.ctx.store.t;
      const [binding] = await bot.ctx.store.db
        .select()
        .from(personBindings)
        .where(eq(personBindings.personId, person.id));
      const reply = await bot.commands.handle({
        channel: "sim",
        externalUserId: binding.externalId,
        eventKey: `p${++seq}`,
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
        sent.map(async (m: { token: string }) => {
          const { path, fileName } = await openExport(
            bot.ctx,
            m.token,
            personId,
          );
          return { fileName, sheets: await sheetNames(path) };
        }),
      );
    };

    it("sends an authority its own month", async () => {
      const { person, reply } = await say("张伟", "导出 项目表 2026-10");
      const name = `${TITLE}（2026年10月，市住房城乡建设局）`;
      expect(reply).toBe(
        `已导出《${name}》，共 2 条，文件单独发给您（保留一天）。`,
      );
      expect(await files(person.id)).toEqual([
        { fileName: `${name}.xlsx`, sheets: ["附件1 市住房城乡建设局"] },
      ]);
    });

    it("sends HRSS a unit by name, every unit, and the reporting table", async () => {
      const one = await say("王建国", "导出 附件1 2026年9月 市交通运输局");
      expect(one.reply).toContain(
        `《${TITLE}（2026年9月，市交通运输局）》，共 1 条`,
      );
      const all = await say("王建国", "导出　项目表２０２６－０９");
      expect(all.reply).toContain(`《${TITLE}（2026年9月）》，共 3 条`);
      const stats = await say("王建国", "导出 报送统计表 2026");
      expect(stats.reply).toMatch(
        new RegExp(`^已导出《${STATS}（2026年）》，共 \\d+ 条`),
      );
      expect((await files(one.person.id)).map((f) => f.sheets)).toEqual([
        ["附件1 市交通运输局"],
        ["附件1 市住房城乡建设局", "附件1 市交通运输局"],
        ["报送情况统计"],
      ]);
    });

    it("answers a wrong or refused request in Chinese and sends nothing", async () => {
      const other = await say("张伟", "导出 项目表 2026-10 市交通运输局");
      expect(other.reply).toBe(
        "您只能导出市住房城乡建设局报送的新开工项目，不能导出市交通运输局的。",
      );
      const stats = await say("张伟", "导出 报送统计表 2026");
      expect(stats.reply).toMatch(
        /^新开工项目报送情况统计表由人力资源社会保障部门汇总/,
      );
      const none = await say("张伟", "导出 项目表");
      expect(none.reply).toMatch(/^统计期间：请写明要导出哪个期间/);
      const police = await say("周强", "导出 项目表 2026-10");
      expect(police.reply).toMatch(/^市公安局不报送新开工项目/);
      const unit = await say("王建国", "导出 项目表 2026-10 住建局");
      expect(unit.reply).toMatch(/^单位：“住建局”对应多个单位/);
      for (const who of [other, police, unit]) {
        expect(await files(who.person.id)).toEqual([]);
      }
      expect(readdirSync(dir)).toEqual([]);
    });

    it("shows the project tables in the help", async () => {
      const { reply } = await say("张伟", "帮助");
      expect(reply).toContain("导出 项目表 2026-10");
      expect(reply).toContain("导出 报送统计表 2026");
    });
  },
);

describe("project tables on the /exports page", () => {
  let web: Running;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "project-page-"));
    web = await startWeb({ EXPORT_DIR: dir });
    await reported(web.bot, web.clock);
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

  it("lists both tables and exports them", async () => {
    const wang = await web.signIn("王建国");
    const page = await web.call("GET", "/exports", { cookie: wang.cookie });
    expect(page.body).toContain(
      '<option value="projects">项目表（附件1）</option>',
    );
    expect(page.body).toContain('value="project-stats"');
    expect(page.body).toContain("项目表（附件 1）按项目开工时间所在的期间导出");
    const transport = await unitId(web.bot, "city.transport");
    expect(
      await fetchFile(
        wang.cookie,
        `table=projects&period=2026-09&unit=${transport}`,
      ),
    ).toEqual({ status: 303, sheets: ["附件1 市交通运输局"] });
    expect(
      await fetchFile(wang.cookie, "table=project-stats&period=2026"),
    ).toEqual({ status: 303, sheets: ["报送情况统计"] });
  });

  it("gives an authority its own table and refuses it the rest", async () => {
    const zhang = await web.signIn("张伟");
    const page = await web.call("GET", "/exports", { cookie: zhang.cookie });
    expect(page.body).toContain("行业主管部门可导出本单位报送的新开工项目表");
    expect(
      await fetchFile(zhang.cookie, "table=projects&period=2026-10"),
    ).toEqual({ status: 303, sheets: ["附件1 市住房城乡建设局"] });
    const transport = await unitId(web.bot, "city.transport");
    const other = await fetchFile(
      zhang.cookie,
      `table=projects&period=2026-10&unit=${transport}`,
    );
    expect(other.status).toBe(403);
    const stats = await fetchFile(
      zhang.cookie,
      "table=project-stats&period=2026",
    );
    expect(stats.status).toBe(403);
    expect(stats.text).toContain(
      "新开工项目报送情况统计表由人力资源社会保障部门汇总",
    );
  });
});

describe("npm run export for new projects", () => {
  const cli = exportCommand("project-cli-", "2026-10-09T09:00", reported);
  const run = cli.run;

  it("writes a unit's table, every unit's, and the reporting table", async () => {
    const one = join(cli.dir, "transport.xlsx");
    const unit = await run(
      "项目表",
      "2026-09",
      "--unit",
      "city.transport",
      "--out",
      one,
    );
    expect(unit).toMatchObject({ code: 0, stderr: "" });
    expect(unit.stdout).toContain(`已导出 1 条，写入 ${one}`);
    expect(await sheetNames(one)).toEqual(["附件1 市交通运输局"]);

    const all = join(cli.dir, "all.xlsx");
    expect((await run("附件1", "2026-Q4", "--out", all)).stdout).toContain(
      "已导出 4 条",
    );
    expect(await sheetNames(all)).toEqual([
      "附件1 市住房城乡建设局",
      "附件1 船山区住建局",
    ]);

    const stats = join(cli.dir, "stats.xlsx");
    expect((await run("报送统计表", "2026", "--out", stats)).code).toBe(0);
    expect(await sheetNames(stats)).toEqual(["报送情况统计"]);
  });

  it("says what is wrong and leaves no file", async () => {
    const out = join(cli.dir, "bad.xlsx");
    const unit = await run(
      "报送统计表",
      "2026",
      "--unit",
      "city.housing",
      "--out",
      out,
    );
    expect(unit.code).toBe(1);
    expect(unit.stderr).toContain("（unit_not_applicable）");
    const police = await run(
      "项目表",
      "2026-10",
      "--unit",
      "city.police",
      "--out",
      out,
    );
    expect(police.stderr).toContain("市公安局不是行业主管部门");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(cli.dir).filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("shows the project tables in its usage", async () => {
    const result = await run("项目表");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("npm run export -- 项目表 2026-10 --unit");
  });
});
