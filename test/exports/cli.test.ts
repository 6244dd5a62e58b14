import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../db/index.js";
import { openBot } from "../helpers/bot.js";
import type { TestEngine } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { october } from "./support.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("npm run export", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "export-cli-"));
    const url = `sqlite:${join(dir, "bot.db")}`;
    // The bot's own database, as `npm start` leaves it.
    const file: TestEngine = {
      name: "sqlite",
      open: () => openStore(url),
      release: async () => undefined,
    };
    const clock = clockAt("2026-09-29T09:00");
    const bot = await openBot(file, clock);
    await october(bot, clock);
    await bot.close();
    env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]) {
    return new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          "npx",
          ["tsx", "src/exports/cli.ts", ...args],
          { cwd: ROOT, env },
          (error, stdout, stderr) => {
            const code = error ? Number(error.code ?? -1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      },
    );
  }

  async function sheets(file: string): Promise<string[]> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    return book.worksheets.map((s) => s.name);
  }

  it("writes every unit's feedback tables, or one unit's", async () => {
    const all = join(dir, "all.xlsx");
    const both = await run("反馈表", "2026-10", "--out", all);
    expect(both).toMatchObject({ code: 0, stderr: "" });
    expect(both.stdout).toContain(`已导出 5 条，写入 ${all}`);
    expect(await sheets(all)).toEqual([
      "附件3 犯罪案件反馈",
      "附件4 源头性案件反馈",
    ]);

    const housing = join(dir, "housing.xlsx");
    const one = await run(
      "源头反馈表",
      "2026-10",
      "--unit",
      "city.housing",
      "--out",
      housing,
    );
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("已导出 3 条");
  });

  it("writes a receipt by the case's number", async () => {
    const out = join(dir, "receipt.xlsx");
    const result = await run("回执", "遂人社移〔2026〕4号", "--out", out);
    expect(result.code).toBe(0);
    expect(await sheets(out)).toEqual([
      "回执 市住房城乡建设局",
      "回执 船山区住建局",
    ]);
  });

  it("says what is wrong in Chinese and leaves no file", async () => {
    const out = join(dir, "bad.xlsx");
    const period = await run("反馈表", "2026-13", "--out", out);
    expect(period.code).toBe(1);
    expect(period.stderr).toContain("统计期间：“2026-13”不是有效的期间");
    expect(period.stderr).toContain("（invalid_period）");
    const unit = await run(
      "反馈表",
      "2026-10",
      "--unit",
      "nowhere",
      "--out",
      out,
    );
    expect(unit.code).toBe(1);
    expect(unit.stderr).toContain("没有代码为 nowhere 的单位");
    const table = await run("工资表", "2026-10", "--out", out);
    expect(table.code).toBe(1);
    expect(table.stderr).toContain("可以导出：回执（附件2）");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("shows its usage for wrong arguments", async () => {
    for (const args of [[], ["反馈表"], ["反馈表", "2026-10", "--bogus"]]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("npm run export -- 表格 期间");
    }
  });
});
