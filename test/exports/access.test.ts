import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "../../src/audit.js";
import type { Bot } from "../../src/boot.js";
import { AppError } from "../../src/errors.js";
import { exportTable, type ExportRequest } from "../../src/exports/export.js";
import type { Acting } from "../../src/referrals/service.js";
import type { ManualClock } from "../../src/time.js";
import { openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";
import { exported, october, type Month } from "./support.js";

describe.each(engines())(
  "who may export, and bad requests, on $name",
  (engine) => {
    let bot: Bot;
    let clock: ManualClock;
    let month: Month;

    beforeEach(async () => {
      clock = clockAt("2026-09-29T09:00");
      bot = await openBot(engine, clock);
      month = await october(bot, clock);
    });

    afterEach(async () => {
      await engine.release();
    });

    /** The error a request ends in; nothing may have been written or audited. */
    async function refused(
      who: Acting,
      request: ExportRequest,
    ): Promise<AppError> {
      const out = new PassThrough();
      let written = 0;
      out.on("data", (chunk: Buffer) => (written += chunk.length));
      const error = await exportTable(bot.ctx, who, request, out).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(written).toBe(0);
      const { auditLog } = bot.ctx.store.t;
      const entries = await bot.ctx.store.db.select().from(auditLog);
      expect(entries.filter((e) => e.action.startsWith("export."))).toEqual([]);
      return error as AppError;
    }

    /** Someone of a unit that takes no part in referrals. */
    async function unionMember(): Promise<Acting> {
      const { people, personRoles } = bot.ctx.store.t;
      const id = await bot.ctx.store.insert(bot.ctx.store.db, people, {
        unitId: await unitId(bot, "city.union"),
        name: "钱工",
        phone: "13800000099",
      });
      await bot.ctx.store.db
        .insert(personRoles)
        .values({ personId: id, role: "liaison" });
      return { person: (await bot.ctx.directory.person(id))!, channel: "sim" };
    }

    it("refuses a unit another unit's table, in Chinese", async () => {
      const error = await refused(month.zhang, {
        table: "源头反馈表",
        period: "2026-10",
        unitId: await unitId(bot, "city.transport"),
      });
      expect(error.code).toBe("forbidden");
      expect(error.userMessage).toBe(
        "您只能导出市住房城乡建设局移送或接收的案件，不能导出市交通运输局的表格。",
      );
    });

    it("refuses people of units that take no part in referrals", async () => {
      const error = await refused(await unionMember(), {
        table: "反馈表",
        period: "2026-10",
      });
      expect(error.code).toBe("forbidden");
      expect(error.userMessage).toContain("市总工会不参与案件移送");
    });

    it("names the table field and lists the tables for an unknown name", async () => {
      const error = await refused(month.wang, {
        table: "工资表",
        period: "2026-10",
      });
      expect(error).toMatchObject({ code: "unknown_table", field: "table" });
      expect(error.userMessage).toBe(
        "表格名称：没有名为“工资表”的表格。可以导出：回执（附件2）、" +
          "公安反馈表（附件3）、源头反馈表（附件4）、反馈表（附件3、4）、" +
          "考勤表（附件6）、接访报告（附件6）、项目表（附件1）、报送统计表（附件1）。",
      );
    });

    it("names the period field for a period in the wrong form", async () => {
      for (const period of ["2026-13", "2026/10", "26-10", "2026-Q5", "下月"]) {
        const error = await refused(month.wang, { table: "反馈表", period });
        expect(error, period).toMatchObject({
          code: "invalid_period",
          field: "period",
        });
        expect(error.userMessage).toContain(
          `统计期间：“${period}”不是有效的期间`,
        );
        expect(error.userMessage).toContain("2026-10（月）");
      }
      const missing = await refused(month.wang, { table: "反馈表" });
      expect(missing).toMatchObject({
        code: "period_required",
        field: "period",
      });
    });

    it("asks which case a receipt is for, and finds cases by number only", async () => {
      const none = await refused(month.wang, { table: "回执" });
      expect(none).toMatchObject({
        code: "referral_required",
        field: "referral",
      });
      const garbled = await refused(month.wang, {
        table: "回执",
        referralNumber: "十二号",
      });
      expect(garbled).toMatchObject({ code: "bad_number", field: "referral" });
      const unknown = await refused(month.wang, {
        table: "回执",
        referralNumber: "遂人社移〔2026〕99号",
      });
      expect(unknown.code).toBe("not_found");
      expect(unknown.userMessage).toContain("遂人社移〔2026〕99号");
    });

    it("refuses a unit that does not exist", async () => {
      const error = await refused(month.wang, {
        table: "反馈表",
        period: "2026-10",
        unitId: 999_999,
      });
      expect(error).toMatchObject({ code: "unknown_unit", field: "unitId" });
    });

    it("lets an administrator and the command line see every unit's", async () => {
      const admin = { ...month.wang };
      admin.person = (await bot.ctx.directory.demoPeople()).find(
        (p) => p.name === "系统管理员",
      )!;
      const asAdmin = await exported(bot, admin, {
        table: "源头反馈表",
        period: "2026-10",
      });
      expect(asAdmin.result.rows).toBe(4);

      const cli = await exported(bot, systemActor("cli"), {
        table: "反馈表",
        period: "2026-10",
      });
      expect(cli.result.rows).toBe(5);
      expect(cli.book.worksheets[1].getCell("A3").value).toBe(
        "填报单位：遂宁市人力资源和社会保障局",
      );
      const { auditLog } = bot.ctx.store.t;
      const entries = await bot.ctx.store.db.select().from(auditLog);
      expect(entries.filter((e) => e.channel === "cli")).toMatchObject([
        { actorId: null, actorName: "system", action: "export.feedback" },
      ]);
    });

    it("gives police a table of their own cases, and none of others'", async () => {
      const { result, book } = await exported(bot, month.zhou, {
        table: "反馈表",
        period: "2026-10",
      });
      expect(result.rows).toBe(1);
      expect(book.worksheets[0].getCell("B6").value).toBe(
        "某劳务公司拒不支付劳动报酬案",
      );
      expect(book.worksheets[1].getCell("A6").value).toBe("合计");
    });
  },
);
