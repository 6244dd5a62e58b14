/**
 * HRSS's table of how each industry authority reports its new projects:
 * on time, late and by how much, 5 or more working days late, omissions
 * and the 5-omission flag, site checks and corrections, for a year, a
 * quarter or a month; the same counts the service gives for a year.
 */
import type ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { gridRows } from "../../src/exports/grid-sheet.js";
import { STATS_COLUMNS } from "../../src/exports/project-stats-sheet.js";
import { INDUSTRY_KINDS } from "../../src/units/kinds.js";
import type { ManualClock } from "../../src/time.js";
import { openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { reported, type Reported } from "./project-support.js";
import { exported, isoOf, rowValues } from "./support.js";

const AT = gridRows(2);
const LAST = STATS_COLUMNS.length;

describe.each(engines())("the reporting table on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let r: Reported;

  beforeEach(async () => {
    clock = clockAt("2026-10-09T09:00");
    bot = await openBot(engine, clock);
    r = await reported(bot, clock);
  });
  afterEach(() => engine.release());

  async function table(period: string) {
    const { result, book } = await exported(bot, r.people["王建国"], {
      table: "报送统计表",
      period,
    });
    return { result, sheet: book.worksheets[0] };
  }

  /** Each unit's line by its short name, without 序号 and the name. */
  function lines(sheet: ExcelJS.Worksheet) {
    const byName = new Map<string, unknown[]>();
    for (let row = AT.first; ; row++) {
      const values = rowValues(sheet, row, LAST);
      if (typeof values[0] !== "number") {
        return { byName, total: values, after: row };
      }
      byName.set(values[1] as string, values.slice(2));
    }
  }

  it("lays out the title, the period and the headings", async () => {
    const { result, sheet } = await table("2026");

    expect(result.fileName).toBe(
      "遂宁市新开工项目报送情况统计表（2026年）.xlsx",
    );
    expect(sheet.name).toBe("报送情况统计");
    expect(sheet.getCell(AT.title, 1).value).toBe(
      "遂宁市新开工项目报送情况统计表",
    );
    expect(sheet.getCell(AT.lines, 1).value).toBe(
      "填报单位：遂宁市人力资源和社会保障局",
    );
    expect(sheet.getCell(AT.lines, 9).value).toBe("统计截至：2026-11-10 09:00");
    expect(sheet.getCell(AT.lines + 1, 1).value).toBe(
      "统计期间：2026年（项目按开工时间，漏报按发现时间计入）",
    );
    expect(rowValues(sheet, AT.heading, LAST)).toEqual([
      "序号",
      "单位",
      "报送项目（个）",
      "按时报送（个）",
      "迟报（个）",
      "最长迟报（工作日）",
      "累计迟报（工作日）",
      "迟报5个工作日以上（个）",
      "确认漏报（个）",
      "本年累计漏报（个）",
      "本年累计漏报5个以上",
      "按时现场核查（个）",
      "逾期现场核查（个）",
      "逾期未核查（个）",
      "整改逾期（个）",
    ]);
  });

  it("counts a year per unit, every industry authority listed", async () => {
    const { result, sheet } = await table("2026");
    const { byName, total, after } = lines(sheet);

    const industry = (await bot.ctx.directory.units()).filter((u) =>
      INDUSTRY_KINDS.includes(u.kind),
    );
    expect(result.rows).toBe(industry.length);
    expect([...byName.keys()]).toEqual(industry.map((u) => u.shortName));
    // Late 5 (滨江花园三期); the check of 天悦府二期 late, its correction
    // past 11-06; three checks past their 10 working days.
    expect(byName.get("市住房城乡建设局")).toEqual([
      5,
      4,
      1,
      5,
      5,
      1,
      0,
      0,
      "否",
      0,
      1,
      3,
      1,
    ]);
    // Late 4: not on the office's list; six omissions are.
    expect(byName.get("市交通运输局")).toEqual([
      1,
      0,
      1,
      4,
      4,
      0,
      6,
      6,
      "是",
      1,
      0,
      0,
      0,
    ]);
    expect(byName.get("市自然资源和规划局")).toEqual([
      0,
      0,
      0,
      0,
      0,
      0,
      4,
      4,
      "否",
      0,
      0,
      0,
      0,
    ]);
    expect(byName.get("船山区住建局")).toEqual([
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      "否",
      0,
      0,
      1,
      0,
    ]);
    expect(byName.get("市水利局")).toEqual([
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      "否",
      0,
      0,
      0,
      0,
    ]);
    expect(total).toEqual([
      "合计",
      `${industry.length} 个单位`,
      7,
      5,
      2,
      5,
      9,
      1,
      10,
      10,
      "1 个单位",
      1,
      1,
      4,
      1,
    ]);
    // A blank row, then the lines HRSS signs.
    expect(sheet.getCell(after + 2, 1).value).toBe("单位负责人：");
    const signed = rowValues(sheet, after + 2, LAST).find(
      (v) => v instanceof Date,
    );
    expect(isoOf(signed)).toBe("2026-11-10");
  });

  it("agrees with the service's counts for the year", async () => {
    const { sheet } = await table("2026");
    const { byName } = lines(sheet);
    const service = await bot.projects.timeliness(
      r.people["李红梅"].person,
      2026,
    );

    for (const unit of service) {
      const [reported, , late, , , lateToEscalate, omissions] = byName.get(
        unit.unitName,
      )!;
      expect({ reported, late, lateToEscalate, omissions }).toEqual({
        reported: unit.reported,
        late: unit.late,
        lateToEscalate: unit.lateToEscalate,
        omissions: unit.omissions,
      });
    }
    const office = await bot.projects.officeList(
      r.people["李红梅"].person,
      2026,
    );
    expect(office.omissions.map((o) => o.unitName)).toEqual(["市交通运输局"]);
  });

  it("counts a month by start date, omissions to date in the year", async () => {
    const september = lines((await table("2026-09")).sheet).byName;
    expect(september.get("市住房城乡建设局")).toEqual([
      2,
      1,
      1,
      5,
      5,
      1,
      0,
      0,
      "否",
      0,
      1,
      1,
      1,
    ]);
    expect(september.get("市交通运输局")).toEqual([
      1,
      0,
      1,
      4,
      4,
      0,
      1,
      1,
      "否",
      1,
      0,
      0,
      0,
    ]);

    const october = lines((await table("2026-10")).sheet).byName;
    expect(october.get("市住房城乡建设局")).toEqual([
      2,
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      "否",
      0,
      0,
      2,
      0,
    ]);
    // Five learned of in October, six by its end: 5 以上 includes 5.
    expect(october.get("市交通运输局")).toEqual([
      0,
      0,
      0,
      0,
      0,
      0,
      5,
      6,
      "是",
      0,
      0,
      0,
      0,
    ]);

    const q3 = lines((await table("2026-Q3")).sheet).byName;
    expect(q3.get("市交通运输局")?.slice(6, 9)).toEqual([1, 1, "否"]);
  });

  it("counts checks and corrections as they stand when exported", async () => {
    clock.set("2026-11-11T10:00");
    await bot.projects.recordCheck(r.people["王建国"], r.ids["滨江花园三期"], {
      checkDate: "2026-11-11",
    });
    await bot.projects.markCorrected(r.people["张伟"], r.ids["天悦府二期"], {
      correctedDate: "2026-11-11",
      note: "已解除转包关系",
    });

    const september = lines((await table("2026-09")).sheet).byName;
    // Both checks late now, none waiting; the correction made, late.
    expect(september.get("市住房城乡建设局")?.slice(9)).toEqual([0, 2, 0, 1]);
  });
});
