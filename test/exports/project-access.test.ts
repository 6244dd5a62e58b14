/**
 * Who may export which unit's new projects, and the reporting table;
 * how a unit is named; what a wrong request is told. Refusals write
 * nothing and leave no audit entry; an export leaves one.
 */
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { systemActor } from "../../src/audit.js";
import { AppError } from "../../src/errors.js";
import {
  exportTable,
  type ExportRequest,
  type Requester,
} from "../../src/exports/export.js";
import type { Acting } from "../../src/projects/service.js";
import type { ManualClock } from "../../src/time.js";
import { openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { reported, type Reported } from "./project-support.js";
import { exported } from "./support.js";

describe.each(engines())(
  "project exports: who and whose, on $name",
  (engine) => {
    let bot: Bot;
    let clock: ManualClock;
    let r: Reported;

    beforeEach(async () => {
      clock = clockAt("2026-10-09T09:00");
      bot = await openBot(engine, clock);
      r = await reported(bot, clock);
    });
    afterEach(() => engine.release());

    const as = (name: string): Acting => r.people[name];

    async function exportEntries() {
      const { auditLog } = bot.ctx.store.t;
      const entries = await bot.ctx.store.db.select().from(auditLog);
      return entries.filter((e) => e.action.startsWith("export."));
    }

    /** The error a request ends in; nothing written, nothing audited. */
    async function refused(
      who: Requester,
      request: ExportRequest,
    ): Promise<AppError> {
      const before = (await exportEntries()).length;
      const out = new PassThrough();
      let written = 0;
      out.on("data", (chunk: Buffer) => (written += chunk.length));
      const error = await exportTable(bot.ctx, who, request, out).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(written).toBe(0);
      expect(await exportEntries()).toHaveLength(before);
      return error as AppError;
    }

    /** Sheet names of an export that succeeds. */
    async function sheets(who: Requester, request: ExportRequest) {
      const { book } = await exported(bot, who, request);
      return book.worksheets.map((s) => s.name);
    }

    const october = { table: "项目表", period: "2026-10" };

    it("refuses an authority another authority's projects", async () => {
      for (const request of [
        { ...october, unitId: r.units.transport },
        { ...october, unit: "市交通运输局" },
        { ...october, unit: "city.transport" },
      ]) {
        const error = await refused(as("张伟"), request);
        expect(error).toMatchObject({ code: "forbidden", status: 403 });
        expect(error.userMessage).toBe(
          "您只能导出市住房城乡建设局报送的新开工项目，不能导出市交通运输局的。",
        );
      }
      expect(await sheets(as("刘洋"), october)).toEqual([
        "附件1 市住房城乡建设局",
      ]);
      expect(
        await sheets(as("赵磊"), { ...october, unit: "船山区住建局" }),
      ).toEqual(["附件1 船山区住建局"]);
    });

    it("refuses units that report no projects, and people without a role", async () => {
      const police = await refused(as("周强"), october);
      expect(police.code).toBe("forbidden");
      expect(police.userMessage).toMatch(
        /^市公安局不报送新开工项目，没有可导出的新开工项目情况表。/,
      );
      const noRole = await refused(as("钱进"), october);
      expect(noRole.code).toBe("forbidden");
      expect(noRole.userMessage).toBe(
        "您在船山区住建局没有登记联络员、负责人或经办人角色，不能导出表格。",
      );
    });

    it("gives a county's HRSS the projects reported to it", async () => {
      expect(await sheets(as("马晓林"), october)).toEqual([
        "附件1 船山区住建局",
      ]);
      const city = await refused(as("马晓林"), {
        ...october,
        unitId: r.units.housing,
      });
      expect(city.code).toBe("forbidden");
      expect(city.userMessage).toBe(
        "市住房城乡建设局的项目不报送船山区人社局，请向市人力资源社会保障局索取。",
      );
    });

    it("gives the city's HRSS and administrators any unit, or all", async () => {
      const all = ["附件1 市住房城乡建设局", "附件1 船山区住建局"];
      expect(await sheets(as("李红梅"), october)).toEqual(all);
      expect(await sheets(as("系统管理员"), october)).toEqual(all);
      expect(
        await sheets(as("王建国"), {
          ...october,
          unit: "船山区住房和城乡建设局",
        }),
      ).toEqual(["附件1 船山区住建局"]);
      expect(await sheets(systemActor("cli"), october)).toEqual(all);
    });

    it("names the unit field for a unit unknown, ambiguous or not reporting", async () => {
      const unknown = await refused(as("王建国"), {
        ...october,
        unit: "市气象局",
      });
      expect(unknown).toMatchObject({ code: "unknown_unit", field: "unit" });
      expect(unknown.userMessage).toMatch(/^单位：没有找到“市气象局”/);
      const ambiguous = await refused(as("王建国"), {
        ...october,
        unit: "住建局",
      });
      expect(ambiguous).toMatchObject({
        code: "unit_ambiguous",
        field: "unit",
      });
      expect(ambiguous.userMessage).toContain("市住房城乡建设局、船山区住建局");
      const police = await refused(as("王建国"), {
        ...october,
        unitId: await unitId(bot, "city.police"),
      });
      expect(police).toMatchObject({
        code: "unit_not_reporting",
        field: "unit",
      });
      const missing = await refused(as("王建国"), {
        ...october,
        unitId: 99_999,
      });
      expect(missing.code).toBe("unknown_unit");
    });

    it("names the period field when it is missing or wrong", async () => {
      const none = await refused(as("张伟"), { table: "项目表" });
      expect(none).toMatchObject({ code: "period_required", field: "period" });
      const wrong = await refused(as("张伟"), {
        table: "项目表",
        period: "下月",
      });
      expect(wrong).toMatchObject({ code: "invalid_period", field: "period" });
      const stats = await refused(as("王建国"), { table: "报送统计表" });
      expect(stats.code).toBe("period_required");
    });

    it("gives the reporting table to HRSS and administrators only", async () => {
      const stats = { table: "报送统计表", period: "2026" };
      for (const name of ["张伟", "刘洋", "周强"]) {
        const error = await refused(as(name), stats);
        expect(error).toMatchObject({ code: "forbidden", status: 403 });
        expect(error.userMessage).toMatch(
          /^新开工项目报送情况统计表由人力资源社会保障部门汇总，市.+不能导出。/,
        );
      }
      const noRole = await refused(as("钱进"), stats);
      expect(noRole.userMessage).toMatch(/^新开工项目报送情况统计表由/);
      const unit = await refused(as("王建国"), { ...stats, unit: "市住建局" });
      expect(unit).toMatchObject({
        code: "unit_not_applicable",
        field: "unit",
      });

      for (const name of ["王建国", "李红梅", "马晓林", "系统管理员"]) {
        expect(await sheets(as(name), stats), name).toEqual(["报送情况统计"]);
      }
    });

    it("records each export: who, which table, whose and how many", async () => {
      await exported(bot, as("张伟"), october);
      await exported(bot, as("王建国"), {
        table: "报送统计表",
        period: "2026-Q4",
      });
      const [projects, stats] = await exportEntries();

      expect(projects).toMatchObject({
        actorId: as("张伟").person.id,
        subjectType: "export",
        subjectId: r.units.housing,
        action: "export.projects",
      });
      expect(JSON.parse(projects.detail)).toEqual({
        period: "2026-10",
        unitId: r.units.housing,
        unitCode: "city.housing",
        hrssUnitId: null,
        sheets: 1,
        rows: 2,
        fileName:
          "遂宁市新开工建设工程项目情况表（2026年10月，市住房城乡建设局）.xlsx",
      });
      expect(stats).toMatchObject({
        subjectId: 0,
        action: "export.project-stats",
      });
      expect(JSON.parse(stats.detail)).toMatchObject({ period: "2026-Q4" });
    });
  },
);
