/**
 * Every campaign page and API call made by the wrong person, or at the
 * wrong time, over HTTP on both engines: without a session, as a unit
 * that takes no part, as another site's HRSS, as an officer, on a
 * cancelled campaign and on one that has ended. Each is refused with a
 * stable code and nothing changes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { demo, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";
import { startWeb, type Running } from "../web/server.js";
import { nationalDayInput } from "./support.js";

const CJK = /[\u4e00-\u9fff]/;

describe.each(engines())(
  "campaign permissions under attack on $name",
  (engine) => {
    let web: Running;
    let seq = 0;
    let id: number;
    let citySite: number;
    let chuanshanSite: number;
    /** 冯敏's shift on 10-01, at the city's site. */
    let fengShift: number;

    beforeEach(async () => {
      web = await startWeb({}, silentLogger, await engine.open());
      web.clock.set(at("2026-09-25T10:00"));
      const res = await post(
        "/api/campaigns",
        "王建国",
        await nationalDayInput(web.bot),
      );
      expect(res.status).toBe(201);
      id = res.body.campaignId;
      const { campaignSites, dutyShifts } = web.bot.ctx.store.t;
      const sites = await web.bot.ctx.store.db.select().from(campaignSites);
      const host = async (code: string) => {
        const uid = await unitId(web.bot, code);
        return sites.find((s) => s.hostUnitId === uid)!.id;
      };
      citySite = await host("city.hrss");
      chuanshanSite = await host("chuanshan.hrss");
      const named = await post(`/api/campaigns/${id}/officers`, "张伟", {
        officers: [
          {
            personId: String(await personId("冯敏")),
            dates: ["2026-10-01", "2026-10-02"],
          },
        ],
      });
      expect(named.status).toBe(200);
      const [shift] = await web.bot.ctx.store.db.select().from(dutyShifts);
      fengShift = shift.id;
    });

    afterEach(async () => {
      await web.close();
      await engine.release();
    });

    async function personId(name: string) {
      return (await demo(web.bot, name)).person.id;
    }

    async function post(path: string, name: string | undefined, json: object) {
      const cookie = name ? (await web.signIn(name)).cookie : undefined;
      return web.call("POST", path, {
        cookie,
        json: { submissionId: `perm-${process.pid}-${++seq}`, ...json },
      });
    }

    async function page(path: string, name?: string) {
      const cookie = name ? (await web.signIn(name)).cookie : undefined;
      return web.call("GET", path, { cookie });
    }

    const report = {
      visits: "1",
      visitors: "1",
      cases: "0",
      amount: "0",
      incidents: "0",
      remarks: "",
    };
    const record = { checkedIn: "08:55", remarks: "现场核实到岗" };

    const pages = () => [
      "/campaigns",
      "/campaigns/new",
      `/campaigns/${id}`,
      `/campaigns/${id}/officers`,
      `/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`,
      `/campaigns/${id}/sites/${citySite}/roll/2026-10-01`,
    ];

    const calls = (): [string, object][] => [
      ["/api/campaigns", {}],
      [`/api/campaigns/${id}/cancel`, {}],
      [`/api/campaigns/${id}/officers`, { officers: [] }],
      [`/api/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`, report],
      [`/api/campaigns/${id}/shifts/${fengShift}/attendance`, record],
    ];

    /** What must not change under a refused request. */
    async function snapshot() {
      const t = web.bot.ctx.store.t;
      const db = web.bot.ctx.store.db;
      return JSON.stringify({
        campaigns: await db.select().from(t.campaigns),
        shifts: await db.select().from(t.dutyShifts),
        reports: await db.select().from(t.dispatchReports),
        people: await web.count("people"),
        outbox: await web.count("outbox"),
      });
    }

    function refusedWith(
      res: { status: number; body: any },
      status: number,
      code: string,
    ) {
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(CJK);
    }

    it("asks for a session on every page and call", async () => {
      web.clock.set(at("2026-10-01T12:00"));
      const before = await snapshot();

      for (const path of pages()) {
        const res = await page(path);
        expect(res.status).toBe(401);
        expect(res.body).toContain("无法确认您的身份");
      }
      for (const [path, json] of calls()) {
        refusedWith(await post(path, undefined, json), 401, "not_signed_in");
      }
      const forged = await web.call("POST", `/api/campaigns/${id}/cancel`, {
        cookie: `${web.cookieFor(await personId("王建国")).split("=")[0]}=forged.value`,
        json: {},
      });
      expect(forged.status).toBe(401);
      expect(await snapshot()).toBe(before);
    });

    it("refuses a session of a person who does not exist", async () => {
      web.clock.set(at("2026-10-01T12:00"));
      const before = await snapshot();
      const cookie = web.cookieFor(987_654);

      for (const [path, json] of calls()) {
        const res = await web.call("POST", path, { cookie, json });
        refusedWith(res, 403, "unknown_person");
      }
      expect(await snapshot()).toBe(before);
    });

    it("lets only the city's HRSS staff create a campaign", async () => {
      for (const name of ["张伟", "马晓林", "钱进", "吴敏"]) {
        const res = await post(
          "/api/campaigns",
          name,
          await nationalDayInput(web.bot),
        );
        refusedWith(res, 403, "forbidden");
        expect((await page("/campaigns/new", name)).status).toBe(403);
      }
      const later: [string, string][] = [
        ["李红梅", "2026-10-10"],
        ["系统管理员", "2026-10-20"],
      ];
      for (const [name, day] of later) {
        const res = await post(
          "/api/campaigns",
          name,
          await nationalDayInput(web.bot, {
            name: `${name}的活动`,
            startDate: day,
            endDate: day,
          }),
        );
        expect(res.status).toBe(201);
      }
      expect(await web.count("campaigns")).toBe(3);
    });

    it("lets only a sending unit's liaison or leader name its officers", async () => {
      const qian = String(await personId("钱进"));
      const feng = String(await personId("冯敏"));
      const before = await snapshot();
      const tries: [string, string, string][] = [
        ["钱进", qian, "no role"],
        ["冯敏", feng, "an officer"],
        ["王建国", feng, "the organizer"],
        ["马晓林", qian, "a site's HRSS"],
        ["吴敏", feng, "a unit not listed"],
      ];

      for (const [name, person] of tries) {
        const res = await post(`/api/campaigns/${id}/officers`, name, {
          officers: [{ personId: person, dates: ["2026-10-03"] }],
        });
        refusedWith(res, 403, "forbidden");
        expect((await page(`/campaigns/${id}/officers`, name)).status).toBe(
          403,
        );
      }
      expect(await snapshot()).toBe(before);

      const chen = await post(`/api/campaigns/${id}/officers`, "陈静", {
        officers: [{ personId: feng, dates: ["2026-10-03"] }],
      });
      expect(chen.status).toBe(200);
    });

    it("refuses a liaison of a unit left out of the campaign", async () => {
      const input = await nationalDayInput(web.bot, {
        name: "只有市本级的活动",
        startDate: "2026-10-10",
        endDate: "2026-10-11",
      });
      const other = await post("/api/campaigns", "王建国", {
        ...input,
        sites: [input.sites[0]],
      });
      expect(other.status).toBe(201);
      const before = await snapshot();

      const res = await post(
        `/api/campaigns/${other.body.campaignId}/officers`,
        "赵磊",
        {
          officers: [
            { personId: String(await personId("钱进")), dates: ["2026-10-10"] },
          ],
        },
      );

      refusedWith(res, 403, "forbidden");
      expect(res.body.error.message).toContain(
        "不在“只有市本级的活动”的派员单位名单中",
      );
      expect(await snapshot()).toBe(before);
    });

    it("keeps a site's daily report and records to its HRSS and the organizer", async () => {
      web.clock.set(at("2026-10-01T17:30"));
      const before = await snapshot();
      const cityDispatch = `/api/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`;
      const attendance = `/api/campaigns/${id}/shifts/${fengShift}/attendance`;

      for (const name of ["马晓林", "张伟", "冯敏", "赵磊", "吴敏"]) {
        refusedWith(await post(cityDispatch, name, report), 403, "forbidden");
        refusedWith(await post(attendance, name, record), 403, "forbidden");
        const roll = await page(
          `/campaigns/${id}/sites/${citySite}/roll/2026-10-01`,
          name,
        );
        expect(roll.status).toBe(403);
        const form = await page(
          `/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`,
          name,
        );
        expect(form.status).toBe(403);
      }
      expect(await snapshot()).toBe(before);

      const organizer = await post(
        `/api/campaigns/${id}/sites/${chuanshanSite}/dispatch/2026-10-01`,
        "王建国",
        report,
      );
      expect(organizer.status).toBe(200);
      expect((await post(attendance, "王建国", record)).status).toBe(200);
    });

    it("lets only the organizer cancel", async () => {
      const before = await snapshot();

      for (const name of ["张伟", "马晓林", "冯敏", "吴敏", "赵磊"]) {
        refusedWith(
          await post(`/api/campaigns/${id}/cancel`, name, {}),
          403,
          "forbidden",
        );
      }
      expect(await snapshot()).toBe(before);

      const res = await post(`/api/campaigns/${id}/cancel`, "李红梅", {});
      expect(res.status).toBe(200);
      const again = await post(`/api/campaigns/${id}/cancel`, "王建国", {});
      expect(again.status).toBe(200);
      expect(again.body.message).toBe("该活动已经取消。");
    });

    it("takes nothing more on a cancelled campaign", async () => {
      expect(
        (await post(`/api/campaigns/${id}/cancel`, "王建国", {})).status,
      ).toBe(200);
      web.clock.set(at("2026-10-01T17:30"));
      const before = await snapshot();

      const named = await post(`/api/campaigns/${id}/officers`, "张伟", {
        officers: [
          { personId: String(await personId("冯敏")), dates: ["2026-10-03"] },
        ],
      });
      const filed = await post(
        `/api/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`,
        "王建国",
        report,
      );
      const recorded = await post(
        `/api/campaigns/${id}/shifts/${fengShift}/attendance`,
        "王建国",
        record,
      );

      refusedWith(named, 409, "campaign_cancelled");
      refusedWith(filed, 409, "campaign_cancelled");
      refusedWith(recorded, 409, "campaign_cancelled");
      expect((await page(`/campaigns/${id}/officers`, "张伟")).status).toBe(
        409,
      );
      const form = await page(
        `/campaigns/${id}/sites/${citySite}/dispatch/2026-10-01`,
        "王建国",
      );
      expect(form.status).toBe(409);
      const checkIn = await web.bot.attendance
        .checkIn(await demo(web.bot, "冯敏"), "after-cancel")
        .catch((e: { code?: string }) => e);
      expect(checkIn).toMatchObject({ code: "not_on_duty" });
      expect(await snapshot()).toBe(before);
    });

    it("takes no new officers once the campaign has ended", async () => {
      web.clock.set(at("2026-10-05T09:00"));
      const before = await snapshot();

      const named = await post(`/api/campaigns/${id}/officers`, "张伟", {
        officers: [
          { personId: String(await personId("冯敏")), dates: ["2026-10-04"] },
        ],
      });

      refusedWith(named, 409, "campaign_over");
      const form = await page(`/campaigns/${id}/officers`, "张伟");
      expect(form.status).toBe(409);
      expect(form.body).toContain("该集中接访活动已经结束");
      const checkIn = await web.bot.attendance
        .checkIn(await demo(web.bot, "冯敏"), "after-end")
        .catch((e: { userMessage?: string }) => e);
      expect(checkIn).toMatchObject({
        userMessage: expect.stringContaining("目前没有正在进行的集中接访活动"),
      });
      expect(await snapshot()).toBe(before);
    });

    it("shows the campaign to those taking part only", async () => {
      for (const name of ["王建国", "马晓林", "张伟", "赵磊", "冯敏"]) {
        expect((await page(`/campaigns/${id}`, name)).status).toBe(200);
      }
      const outsider = await page(`/campaigns/${id}`, "吴敏");
      expect(outsider.status).toBe(403);
      expect(outsider.body).not.toContain("13800000015");
    });
  },
);
