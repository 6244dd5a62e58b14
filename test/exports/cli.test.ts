import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { exportCommand } from "./cli-support.js";
import { october } from "./support.js";

describe("npm run export", () => {
  const cli = exportCommand("export-cli-", "2026-09-29T09:00", october);
  const run = cli.run;

  async function sheets(file: string): Promise<string[]> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    return book.worksheets.map((s) => s.name);
  }

  it("writes every unit's feedback tables, or one unit's", async () => {
    const all = join(cli.dir, "all.xlsx");
    const both = await run("反馈表", "2026-10", "--out", all);
    expect(both).toMatchObject({ code: 0, stderr: "" });
    expect(both.stdout).toContain(`已导出 5 条，写入 ${all}`);
    expect(await sheets(all)).toEqual([
      "附件3 犯罪案件反馈",
      "附件4 源头性案件反馈",
    ]);

    const housing = join(cli.dir, "housing.xlsx");
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
    const out = join(cli.dir, "receipt.xlsx");
    const result = await run("回执", "遂人社移〔2026〕4号", "--out", out);
    expect(result.code).toBe(0);
    expect(await sheets(out)).toEqual([
      "回执 市住房城乡建设局",
      "回执 船山区住建局",
    ]);
  });

  it("says what is wrong in Chinese and leaves no file", async () => {
    const out = join(cli.dir, "bad.xlsx");
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
    expect(readdirSync(cli.dir).filter((f) => f.endsWith(".part"))).toEqual([]);
  });

  it("shows its usage for wrong arguments", async () => {
    for (const args of [[], ["反馈表"], ["反馈表", "2026-10", "--bogus"]]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("npm run export -- 表格 期间");
    }
  });
});
