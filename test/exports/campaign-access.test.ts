/**
 * Who may export a reception campaign's tables, how a campaign and a site
 * are named, and what a wrong request is told; refusals write nothing and
 * leave no audit entry.
 */
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError } from "../../src/errors.js";
import { exportTable, type ExportRequest } from "../../src/exports/export.js";
import type { Acting } from "../../src/referrals/service.js";
import type { ManualClock } from "../../src/time.js";
import { nationalDayInput } from "../campaigns/support.js";
import { demo, openBot, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import {
  CHUANSHAN_SITE,
  CITY_SITE,
  nationalDayLived,
  type Lived,
} from "./campaign-support.js";
import { exported } from "./support.js";

const CAMPAIGN = "2026年国庆节集中接访";

describe.each(engines())(
  "campaign exports: who and which, on $name",
  (engine) => {
    let bot: Bot;
    let clock: ManualClock;
    let lived: Lived;

    beforeEach(async () => {
      clock = clockAt("2026-09-25T10:00");
      bot = await openBot(engine, clock);
      lived = await nationalDayLived(bot, clock);
    });
    afterEach(() => engine.release());

    /** The error a request ends in; nothing written, nothing audited. */
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

    /** Sheet names of an export that succeeds. */
    async function sheets(who: Acting, request: ExportRequest) {
      const { book } = await exported(bot, who, request);
      return book.worksheets.map((s) => s.name);
    }

    /** A person with a role at a unit, for units the demo set leaves out. */
    async function someoneAt(code: string, roles: string[]): Promise<Acting> {
      const { people, personRoles } = bot.ctx.store.t;
      const id = await bot.ctx.store.insert(bot.ctx.store.db, people, {
        unitId: await unitId(bot, code),
        name: "孙工",
        phone: "13800000098",
      });
      for (const role of roles) {
        await bot.ctx.store.db
          .insert(personRoles)
          .values({ personId: id, role });
      }
      return { person: (await bot.ctx.directory.person(id))!, channel: "sim" };
    }

    it("gives a site's HRSS its own site's sheet, and nothing else", async () => {
      const ma = await demo(bot, "马晓林");
      const other = await refused(ma, {
        table: "考勤表",
        campaign: `${CAMPAIGN} 市人社局`,
      });
      expect(other.code).toBe("forbidden");
      expect(other.userMessage).toBe(
        `您只能导出${CHUANSHAN_SITE}的考勤表，不能导出${CITY_SITE}的。`,
      );
      const report = await refused(ma, {
        table: "接访报告",
        campaign: CAMPAIGN,
      });
      expect(report).toMatchObject({ code: "forbidden", status: 403 });
      expect(report.userMessage).toBe(
        "集中接访情况报告表由组织单位市人力资源社会保障局汇总报市政府办公室，" +
          "船山区人社局不能导出。接访点可以导出本接访点的考勤表。",
      );
      expect(await sheets(ma, { table: "考勤表", campaign: CAMPAIGN })).toEqual(
        [CHUANSHAN_SITE],
      );
    });

    it("refuses the tables of a cancelled campaign", async () => {
      const wang = await demo(bot, "王建国");
      const { campaigns } = bot.ctx.store.t;
      const [row] = await bot.ctx.store.db.select().from(campaigns);
      await bot.campaigns.cancel(wang, row.id);
      for (const table of ["考勤表", "接访报告"]) {
        const error = await refused(wang, { table, campaign: `#${row.id}` });
        expect(error).toMatchObject({
          code: "campaign_cancelled",
          status: 409,
        });
        expect(error.userMessage).toContain(
          "已取消，没有考勤表和接访报告可以导出",
        );
      }
    });

    it("refuses sending units, other counties and people without a role", async () => {
      const zhang = await refused(await demo(bot, "张伟"), {
        table: "考勤表",
        campaign: CAMPAIGN,
      });
      expect(zhang.code).toBe("forbidden");
      expect(zhang.userMessage).toBe(
        "考勤表和接访报告由组织集中接访的市人力资源社会保障局和各接访点人社部门导出，" +
          "市住房城乡建设局不能导出。本单位的值班情况请发送“今日到岗”查看。",
      );
      const anju = await refused(await someoneAt("anju.hrss", ["caseworker"]), {
        table: "考勤表",
        campaign: CAMPAIGN,
      });
      expect(anju.code).toBe("forbidden");
      expect(anju.userMessage).toBe(
        `安居区人社局不是“${CAMPAIGN}”的接访点，` +
          "考勤表由市人力资源社会保障局和各接访点人社部门导出。",
      );
      const noRole = await refused(await someoneAt("chuanshan.hrss", []), {
        table: "考勤表",
        campaign: CAMPAIGN,
      });
      expect(noRole.userMessage).toBe(
        "您在船山区人社局没有登记联络员、负责人或经办人角色，不能导出表格。",
      );
    });

    it("gives the organizer's people every site and the report", async () => {
      for (const name of ["王建国", "李红梅", "系统管理员"]) {
        const who = await demo(bot, name);
        expect(
          await sheets(who, { table: "考勤表", campaign: CAMPAIGN }),
        ).toEqual([CITY_SITE, CHUANSHAN_SITE]);
        expect(
          await sheets(who, { table: "接访报告", campaign: CAMPAIGN }),
        ).toHaveLength(3);
      }
    });

    it("finds the campaign by number, period or name, and the site after it", async () => {
      const wang = await demo(bot, "王建国");
      const id = lived.campaignId;
      for (const campaign of [`#${id}`, `编号${id}`, String(id), "2026-10"]) {
        expect(
          await sheets(wang, { table: "考勤表", campaign }),
          campaign,
        ).toHaveLength(2);
      }
      for (const campaign of [
        `${CAMPAIGN} 船山区`,
        `${CAMPAIGN}船山区人社局`,
        `国庆节 ${CHUANSHAN_SITE}`,
        `${id} chuanshan.hrss`,
        "2026年第四季度 船山区人力资源和社会保障局",
      ]) {
        expect(
          await sheets(wang, { table: "考勤表", campaign }),
          campaign,
        ).toEqual([CHUANSHAN_SITE]);
      }
    });

    it("says which campaign or site it could not find, and lists the choices", async () => {
      const wang = await demo(bot, "王建国");
      expect(await refused(wang, { table: "考勤表" })).toMatchObject({
        code: "campaign_required",
        field: "campaign",
      });
      const unknown = await refused(wang, {
        table: "考勤表",
        campaign: "2027年春节集中接访",
      });
      expect(unknown.code).toBe("campaign_not_found");
      expect(unknown.userMessage).toBe(
        "集中接访活动：没有找到“2027年春节集中接访”的集中接访活动，" +
          `请核对活动名称或编号，如 ${CAMPAIGN}。`,
      );
      expect(
        await refused(wang, { table: "考勤表", campaignId: 9999 }),
      ).toMatchObject({ code: "campaign_not_found" });
      const site = await refused(wang, {
        table: "考勤表",
        campaign: `${CAMPAIGN} 安居区`,
      });
      expect(site).toMatchObject({ code: "unknown_site", field: "site" });
      expect(site.userMessage).toBe(
        `接访点：“安居区”不是“${CAMPAIGN}”的接访点。本期接访点：${CITY_SITE}、${CHUANSHAN_SITE}。`,
      );
      const picked = await refused(wang, {
        table: "考勤表",
        campaign: CAMPAIGN,
        unitId: await unitId(bot, "city.housing"),
      });
      expect(picked.code).toBe("unknown_site");
      const report = await refused(wang, {
        table: "接访报告",
        campaign: `${CAMPAIGN} 船山区`,
      });
      expect(report.code).toBe("site_not_applicable");

      // A second campaign in October: the month alone no longer says which.
      clock.set(at("2026-10-05T10:00"));
      const second = await bot.campaigns.create(
        wang,
        await nationalDayInput(bot, {
          name: "2026年10月欠薪专项接访",
          startDate: "2026-10-10",
          endDate: "2026-10-12",
          nominateBy: "2026-10-08 18:00",
        }),
      );
      const both = await refused(wang, {
        table: "考勤表",
        campaign: "2026-10",
      });
      expect(both.code).toBe("campaign_ambiguous");
      expect(both.userMessage).toBe(
        "集中接访活动：“2026-10”对应多期活动，请写明活动编号或完整名称：" +
          `编号 ${lived.campaignId}：${CAMPAIGN}（2026年10月1日至2026年10月4日）；` +
          `编号 ${second.campaignId}：2026年10月欠薪专项接访（2026年10月10日至2026年10月12日）。`,
      );
      expect(
        await sheets(wang, { table: "考勤表", campaign: "专项接访" }),
      ).toHaveLength(2);
    });
  },
);
