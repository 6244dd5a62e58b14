/**
 * Attacks on the campaign API over HTTP, on both engines: wrong types,
 * impossible dates and times, hostile text, reused and concurrent
 * submissions, ids of other campaigns. Each bad request gets a 4xx with
 * a stable code and a Chinese message, and nothing is half-written.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { demo, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";
import { startWeb, type Running } from "../web/server.js";
import { nationalDayInput } from "./support.js";

const CJK = /[\u4e00-\u9fff]/;

/** A second campaign of its own name and days, after National Day's. */
const LATER = {
  name: "2026年十月中旬集中接访",
  startDate: "2026-10-10",
  endDate: "2026-10-11",
};

describe.each(engines())("campaign API under attack on $name", (engine) => {
  let web: Running;
  let seq = 0;

  beforeEach(async () => {
    web = await startWeb({}, silentLogger, await engine.open());
    web.clock.set(at("2026-09-25T10:00"));
  });

  afterEach(async () => {
    await web.close();
    await engine.release();
  });

  const submission = () => `atk-${process.pid}-${++seq}`;

  async function post(path: string, name: string | undefined, json: unknown) {
    const cookie = name ? (await web.signIn(name)).cookie : undefined;
    return web.call("POST", path, { cookie, json });
  }

  async function create(extra: Record<string, unknown> = {}) {
    return post("/api/campaigns", "王建国", {
      submissionId: submission(),
      ...(await nationalDayInput(web.bot, extra)),
    });
  }

  async function createOk(extra: Record<string, unknown> = {}) {
    const res = await create(extra);
    expect(res.status).toBe(201);
    return res.body.campaignId as number;
  }

  /** Nothing of a refused campaign may stay behind. */
  async function nothingWritten() {
    expect(await web.count("campaigns")).toBe(0);
    expect(await web.count("campaignSites")).toBe(0);
    expect(await web.count("campaignUnits")).toBe(0);
    expect(await web.count("outbox")).toBe(0);
  }

  function refused(
    res: { status: number; body: any },
    status: number,
    code: string,
  ) {
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(CJK);
    expect(res.body.error.message).not.toMatch(/undefined|NaN|\[object/);
  }

  function fields(res: { body: any }): string[] {
    return (res.body.error.issues as { field: string }[]).map((i) => i.field);
  }

  async function siteIdOf(campaignId: number, code: string) {
    const { campaignSites } = web.bot.ctx.store.t;
    const rows = await web.bot.ctx.store.db.select().from(campaignSites);
    const host = await unitId(web.bot, code);
    return rows.find(
      (r) => r.campaignId === campaignId && r.hostUnitId === host,
    )!.id;
  }

  async function personId(name: string) {
    return (await demo(web.bot, name)).person.id;
  }

  describe("creating with wrong types", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["an array for the name", { name: ["a", "b"] }, "name"],
      ["an object for the name", { name: { $gt: "" } }, "name"],
      ["a number for the start date", { startDate: 20261001 }, "startDate"],
      ["a string for the sites", { sites: "all" }, "sites"],
      ["null among the sites", { sites: [null] }, "sites.0"],
      ["no sites", { sites: [] }, "sites"],
      [
        "a fraction for the reminder",
        { remindAfterMin: "1.5" },
        "remindAfterMin",
      ],
      ["a negative reminder", { remindAfterMin: "-5" }, "remindAfterMin"],
      ["a boolean for the duty start", { dutyStart: true }, "dutyStart"],
      ["a name of 10,000 characters", { name: "长".repeat(10_000) }, "name"],
      ["a name of spaces only", { name: "   \u3000 " }, "name"],
      [
        "a name of invisible characters",
        { name: "\u200b\u200d\u2060" },
        "name",
      ],
      ["a lone surrogate in the name", { name: "国庆\ud800接访" }, "name"],
      ["a date that does not exist", { startDate: "2026-02-30" }, "startDate"],
      ["a month that does not exist", { endDate: "2026-13-01" }, "endDate"],
      ["a date written another way", { startDate: "2026/10/01" }, "startDate"],
      ["24:00 as a duty start", { dutyStart: "24:00" }, "dutyStart"],
      ["9:60 as a duty end", { dutyEnd: "9:60" }, "dutyEnd"],
      ["full-width digits as a time", { dutyStart: "０９:００" }, "dutyStart"],
      [
        "a nomination deadline without time",
        { nominateBy: "2026-09-28" },
        "nominateBy",
      ],
      [
        "a nomination deadline after the start",
        { nominateBy: "2026-10-01 10:00" },
        "nominateBy",
      ],
      ["an end before the start", { endDate: "2026-09-30" }, "endDate"],
      ["an end before the start of duty", { dutyEnd: "08:59" }, "dutyEnd"],
      ["a start in the past", { startDate: "2026-09-24" }, "startDate"],
      ["a campaign of 400 days", { endDate: "2027-11-04" }, "endDate"],
      ["a campaign of 32 days", { endDate: "2026-11-01" }, "endDate"],
      [
        "an escalation before the reminder",
        { escalateAfterMin: "10" },
        "escalateAfterMin",
      ],
      [
        "a summary before the report is due",
        { summaryAt: "16:00" },
        "summaryAt",
      ],
      ["a short submission id", { submissionId: "x" }, "submissionId"],
      [
        "a submission id with a slash",
        { submissionId: "aaaa/bbbb/cc" },
        "submissionId",
      ],
    ];

    for (const [what, extra, field] of cases) {
      it(`answers ${what} with 422 on that field, writing nothing`, async () => {
        const res = await create(extra);

        refused(res, 422, "invalid_input");
        expect(fields(res)).toContain(field);
        await nothingWritten();
      });
    }

    it("answers a body that is not an object", async () => {
      for (const json of [[1, 2], "campaign", 42, null]) {
        const res = await post("/api/campaigns", "王建国", json);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe("invalid_input");
      }
      await nothingWritten();
    });

    it("takes 31 days, the longest campaign allowed", async () => {
      const res = await create({ endDate: "2026-10-31" });

      expect(res.status).toBe(201);
    });

    it("pads 9:00 and takes a full-width colon", async () => {
      const id = await createOk({ dutyStart: "9:00", dutyEnd: "17：30" });

      const { campaigns } = web.bot.ctx.store.t;
      const [row] = await web.bot.ctx.store.db.select().from(campaigns);
      expect(row.id).toBe(id);
      expect([row.dutyStart, row.dutyEnd]).toEqual(["09:00", "17:30"]);
    });
  });

  describe("creating with wrong sites", () => {
    async function sites(build: (u: Record<string, number>) => unknown[]) {
      const codes = [
        "city.hrss",
        "chuanshan.hrss",
        "city.housing",
        "city.police",
        "chuanshan.housing",
        "city.court",
      ];
      const u: Record<string, number> = {};
      for (const code of codes) {
        u[code] = await unitId(web.bot, code);
      }
      return create({ sites: build(u) });
    }

    it("refuses the same host twice", async () => {
      const res = await sites((u) => [
        { hostUnitId: u["city.hrss"], unitIds: [u["city.housing"]] },
        { hostUnitId: u["city.hrss"], unitIds: [u["city.police"]] },
      ]);

      refused(res, 422, "invalid_input");
      expect(fields(res)).toContain("sites.1.hostUnitId");
      expect(res.body.error.message).toContain("已经是接访点，不能重复设置");
      await nothingWritten();
    });

    it("refuses a unit sent to two sites", async () => {
      const res = await sites((u) => [
        { hostUnitId: u["city.hrss"], unitIds: [u["city.housing"]] },
        { hostUnitId: u["chuanshan.hrss"], unitIds: [u["city.housing"]] },
      ]);

      refused(res, 422, "invalid_input");
      expect(fields(res)).toContain("sites.1.unitIds");
      await nothingWritten();
    });

    it("refuses a host that is not an HRSS", async () => {
      const res = await sites((u) => [
        { hostUnitId: u["city.court"], unitIds: [u["city.housing"]] },
      ]);

      refused(res, 422, "invalid_input");
      expect(res.body.error.message).toContain(
        "接访点应设在人力资源社会保障部门",
      );
      await nothingWritten();
    });

    it("refuses a host that also sends officers", async () => {
      const res = await sites((u) => [
        { hostUnitId: u["city.hrss"], unitIds: [u["chuanshan.hrss"]] },
        { hostUnitId: u["chuanshan.hrss"], unitIds: [u["chuanshan.housing"]] },
      ]);

      refused(res, 422, "invalid_input");
      expect(res.body.error.message).toContain("本身是接访点");
      await nothingWritten();
    });

    it("refuses ids of no unit: negative, zero, huge, made up", async () => {
      for (const bad of [-1, 0, 2 ** 60, 1.5, "1e3", "0x10", 999_999]) {
        const res = await sites((u) => [
          { hostUnitId: u["city.hrss"], unitIds: [u["city.housing"], bad] },
        ]);
        refused(res, 422, "invalid_input");
        expect(fields(res).join()).toMatch(/sites\.0\.unitIds/);
      }
      for (const bad of [-1, 0, 2 ** 60, 999_999]) {
        const res = await sites((u) => [
          { hostUnitId: bad, unitIds: [u["city.housing"]] },
        ]);
        refused(res, 422, "invalid_input");
        expect(fields(res)).toContain("sites.0.hostUnitId");
      }
      await nothingWritten();
    });

    it("refuses 10,000 sites without writing any", async () => {
      const hrss = await unitId(web.bot, "city.hrss");
      const many = Array.from({ length: 10_000 }, () => ({
        hostUnitId: hrss,
        unitIds: [],
      }));

      const res = await create({ sites: many });

      expect([413, 422]).toContain(res.status);
      expect(res.body.error.message).toMatch(CJK);
      await nothingWritten();
    });

    it("refuses sites that send nobody", async () => {
      const res = await sites((u) => [
        { hostUnitId: u["city.hrss"], unitIds: [] },
      ]);

      refused(res, 422, "invalid_input");
      expect(fields(res)).toContain("sites");
      await nothingWritten();
    });

    it("keeps a unit listed twice in one site once", async () => {
      const res = await sites((u) => [
        {
          hostUnitId: u["city.hrss"],
          unitIds: [
            u["city.housing"],
            u["city.housing"],
            String(u["city.housing"]),
          ],
        },
      ]);

      expect(res.status).toBe(201);
      expect(await web.count("campaignUnits")).toBe(1);
    });
  });

  describe("hostile text", () => {
    it("drops invisible and control characters from the name and address", async () => {
      const id = await createOk({
        name: "\u200b2026年\u202e国庆节\u0007集中接访\u2060",
        sites: [
          {
            hostUnitId: await unitId(web.bot, "city.hrss"),
            address: "人社大厦\u200d一楼\u0000",
            unitIds: [await unitId(web.bot, "city.housing")],
          },
        ],
      });

      const { campaigns, campaignSites } = web.bot.ctx.store.t;
      const [c] = await web.bot.ctx.store.db.select().from(campaigns);
      const [s] = await web.bot.ctx.store.db.select().from(campaignSites);
      expect(c.id).toBe(id);
      expect(c.name).toBe("2026年国庆节集中接访");
      expect(s.address).toBe("人社大厦一楼");
    });

    it("never lets a name become markup on the pages", async () => {
      const name = '<script>alert("x")</script><img src=x onerror=alert(1)>';
      const id = await createOk({ name });

      const { cookie } = await web.signIn("张伟");
      for (const path of [
        "/campaigns",
        `/campaigns/${id}`,
        `/campaigns/${id}/officers`,
      ]) {
        const res = await web.call("GET", path, { cookie });
        expect(res.status).toBe(200);
        expect(res.body).not.toContain("<script>alert");
        expect(res.body).not.toContain("<img src=x");
        expect(res.body).toContain("&lt;script&gt;");
      }
    });
  });

  describe("submissions", () => {
    it("refuses the same submission id with other content, changing nothing", async () => {
      const submissionId = submission();
      const first = await post("/api/campaigns", "王建国", {
        submissionId,
        ...(await nationalDayInput(web.bot)),
      });
      const other = await post("/api/campaigns", "王建国", {
        submissionId,
        ...(await nationalDayInput(web.bot, { name: "另一个活动" })),
      });

      expect(first.status).toBe(201);
      refused(other, 409, "submission_reused");
      expect(await web.count("campaigns")).toBe(1);
    });

    it("creates one campaign for five concurrent posts of one submission", async () => {
      const json = {
        submissionId: submission(),
        ...(await nationalDayInput(web.bot)),
      };
      const { cookie } = await web.signIn("王建国");

      const all = await Promise.all(
        Array.from({ length: 5 }, () =>
          web.call("POST", "/api/campaigns", { cookie, json }),
        ),
      );

      const statuses = all.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(all.map((r) => r.body.campaignId)).size).toBe(1);
      expect(all.filter((r) => r.body.duplicate === true)).toHaveLength(4);
      expect(await web.count("campaigns")).toBe(1);
      const { outbox } = web.bot.ctx.store.t;
      const rows = await web.bot.ctx.store.db.select().from(outbox);
      const keys = rows.map((r) => r.dedupeKey);
      expect(new Set(keys).size).toBe(keys.length);
      const zhang = await personId("张伟");
      expect(rows.filter((r) => r.targetId === zhang)).toHaveLength(1);
    });

    it("keeps the same submission id of two people apart", async () => {
      const submissionId = submission();
      const wang = await post("/api/campaigns", "王建国", {
        submissionId,
        ...(await nationalDayInput(web.bot)),
      });
      const li = await post("/api/campaigns", "李红梅", {
        submissionId,
        ...(await nationalDayInput(web.bot, LATER)),
      });

      expect(wang.status).toBe(201);
      expect(li.status).toBe(201);
      expect(li.body.campaignId).not.toBe(wang.body.campaignId);
    });

    it("treats posts without a submission id as separate", async () => {
      const a = await post(
        "/api/campaigns",
        "王建国",
        await nationalDayInput(web.bot),
      );
      const b = await post(
        "/api/campaigns",
        "王建国",
        await nationalDayInput(web.bot, LATER),
      );

      expect([a.status, b.status]).toEqual([201, 201]);
      expect(await web.count("campaigns")).toBe(2);
    });

    it("names officers once for concurrent posts of one submission", async () => {
      const id = await createOk();
      const json = {
        submissionId: submission(),
        officers: [
          {
            personId: String(await personId("冯敏")),
            dates: ["2026-10-01", "2026-10-02"],
          },
        ],
      };
      const { cookie } = await web.signIn("张伟");

      const all = await Promise.all(
        Array.from({ length: 4 }, () =>
          web.call("POST", `/api/campaigns/${id}/officers`, { cookie, json }),
        ),
      );

      expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(all.filter((r) => r.body.duplicate === true)).toHaveLength(3);
      expect(await web.count("dutyShifts")).toBe(2);
    });
  });

  describe("route ids", () => {
    it("answers ids that are not ids with 404", async () => {
      const id = await createOk();
      for (const bad of [
        "0",
        "-1",
        "1e3",
        "0x1",
        "1.0",
        "99999999999999999999",
        "%20",
      ]) {
        const res = await post(`/api/campaigns/${bad}/cancel`, "王建国", {});
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
      }
      const missing = await post(
        `/api/campaigns/${id + 1000}/cancel`,
        "王建国",
        {},
      );
      refused(missing, 404, "not_found");
      expect(await web.count("campaigns")).toBe(1);
    });

    it("refuses another campaign's site and shift", async () => {
      const a = await createOk();
      const b = await createOk(LATER);
      const bSite = await siteIdOf(b, "chuanshan.hrss");
      await web.bot.campaigns.nominate(await demo(web.bot, "赵磊"), b, {
        officers: [
          { personId: String(await personId("钱进")), dates: ["2026-10-10"] },
        ],
      });
      const [shift] = await web.bot.ctx.store.db
        .select()
        .from(web.bot.ctx.store.t.dutyShifts);
      web.clock.set(at("2026-10-01T12:00"));

      const dispatch = await post(
        `/api/campaigns/${a}/sites/${bSite}/dispatch/2026-10-01`,
        "马晓林",
        {
          submissionId: submission(),
          visits: "1",
          visitors: "1",
          cases: "0",
          amount: "0",
          incidents: "0",
        },
      );
      const record = await post(
        `/api/campaigns/${a}/shifts/${shift.id}/attendance`,
        "马晓林",
        { submissionId: submission(), checkedIn: "08:55", remarks: "现场核实" },
      );

      refused(dispatch, 404, "not_found");
      refused(record, 404, "not_found");
      expect(await web.count("dispatchReports")).toBe(0);
      const [after] = await web.bot.ctx.store.db
        .select()
        .from(web.bot.ctx.store.t.dutyShifts);
      expect(after.checkedInAt).toBeNull();
    });

    it("answers dates that do not exist, or lie outside the campaign, with 404", async () => {
      const id = await createOk();
      const site = await siteIdOf(id, "chuanshan.hrss");
      web.clock.set(at("2026-10-05T12:00"));
      const report = {
        visits: "1",
        visitors: "1",
        cases: "0",
        amount: "0",
        incidents: "0",
      };

      for (const date of [
        "2026-02-30",
        "2026-10-1",
        "2026-10-05",
        "2026-09-30",
      ]) {
        const res = await post(
          `/api/campaigns/${id}/sites/${site}/dispatch/${date}`,
          "马晓林",
          { submissionId: submission(), ...report },
        );
        refused(res, 404, "not_found");
      }
      expect(await web.count("dispatchReports")).toBe(0);
    });
  });

  describe("daily report input", () => {
    async function dispatch(body: Record<string, unknown>) {
      const id = await createOk();
      const site = await siteIdOf(id, "chuanshan.hrss");
      web.clock.set(at("2026-10-01T16:00"));
      return post(
        `/api/campaigns/${id}/sites/${site}/dispatch/2026-10-01`,
        "马晓林",
        {
          submissionId: submission(),
          visits: "3",
          visitors: "11",
          cases: "2",
          amount: "56000",
          incidents: "0",
          remarks: "",
          ...body,
        },
      );
    }

    const bad: [string, Record<string, unknown>, string][] = [
      ["a negative count", { cases: "-1" }, "cases"],
      ["a fraction", { visits: "1.5" }, "visits"],
      ["a count past its bound", { incidents: "1001" }, "incidents"],
      ["fewer people than visits", { visitors: "2" }, "visitors"],
      ["a negative amount", { amount: "-1" }, "amount"],
      ["three decimals", { amount: "1.234" }, "amount"],
      ["an exponent", { amount: "1e9" }, "amount"],
      ["an array for a count", { visits: ["1", "2"] }, "visits"],
      ["remarks of 1001 characters", { remarks: "字".repeat(1001) }, "remarks"],
    ];

    for (const [what, body, field] of bad) {
      it(`refuses ${what}`, async () => {
        const res = await dispatch(body);

        refused(res, 422, "invalid_input");
        expect(fields(res)).toContain(field);
        expect(await web.count("dispatchReports")).toBe(0);
      });
    }

    it("keeps a formula-like remark as plain text", async () => {
      const res = await dispatch({
        remarks: '=HYPERLINK("http://127.0.0.1/","x")',
      });

      expect(res.status).toBe(200);
      const [row] = await web.bot.ctx.store.db
        .select()
        .from(web.bot.ctx.store.t.dispatchReports);
      expect(row.remarks).toBe('=HYPERLINK("http://127.0.0.1/","x")');
    });
  });

  describe("officers input", () => {
    let id: number;

    beforeEach(async () => {
      id = await createOk();
    });

    async function nominate(officers: unknown, name = "张伟") {
      return post(`/api/campaigns/${id}/officers`, name, {
        submissionId: submission(),
        officers,
      });
    }

    it("refuses 61 officers at once", async () => {
      const feng = String(await personId("冯敏"));
      const res = await nominate(
        Array.from({ length: 61 }, () => ({
          personId: feng,
          dates: ["2026-10-01"],
        })),
      );

      refused(res, 422, "invalid_input");
      expect(await web.count("dutyShifts")).toBe(0);
    });

    it("refuses the same person on two rows", async () => {
      const feng = String(await personId("冯敏"));
      const res = await nominate([
        { personId: feng, dates: ["2026-10-01"] },
        { personId: feng, dates: ["2026-10-02"] },
      ]);

      refused(res, 422, "invalid_input");
      expect(fields(res)).toContain("officers.1.personId");
      expect(await web.count("dutyShifts")).toBe(0);
    });

    it("refuses a day outside the campaign or not a day at all", async () => {
      const feng = String(await personId("冯敏"));
      for (const dates of [
        ["2026-10-05"],
        ["2026-02-30"],
        "2026-10-01,2026-10-02",
        [{}],
      ]) {
        const res = await nominate([{ personId: feng, dates }]);
        refused(res, 422, "invalid_input");
        expect(fields(res).join()).toMatch(/officers\.0\.dates/);
      }
      expect(await web.count("dutyShifts")).toBe(0);
    });

    it("refuses a person of another unit, of no unit, or made up", async () => {
      for (const id of [
        await personId("钱进"),
        await personId("王建国"),
        999_999,
        -3,
      ]) {
        const res = await nominate([
          { personId: String(id), dates: ["2026-10-01"] },
        ]);
        refused(res, 422, "invalid_input");
        expect(fields(res)).toContain("officers.0.personId");
      }
      expect(await web.count("dutyShifts")).toBe(0);
    });

    it("adds nobody when a new person's row is incomplete", async () => {
      const before = await web.count("people");
      const res = await nominate([
        {
          name: "孔亮",
          title: "科员",
          phone: "13900001111",
          dates: ["2026-10-01"],
        },
        {
          name: "\u200b",
          title: "科员",
          phone: "13900001112",
          dates: ["2026-10-02"],
        },
      ]);

      refused(res, 422, "invalid_input");
      expect(fields(res)).toContain("officers.1.name");
      expect(await web.count("people")).toBe(before);
      expect(await web.count("dutyShifts")).toBe(0);
    });
  });
});
