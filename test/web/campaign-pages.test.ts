/**
 * The reception campaign pages and their API over HTTP, on both engines:
 * who may open each page, each wrong field answered in its place (a
 * site's and an officer row's too), and a campaign carried from its
 * creation through naming officers to a daily report and a site's record.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { nationalDayInput } from "../campaigns/support.js";
import { demo, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";
import { startWeb, type Running } from "./server.js";

describe.each(engines())("campaign pages on $name", (engine) => {
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

  const submission = () => `sub-${process.pid}-${++seq}`;

  async function page(path: string, name?: string) {
    const cookie = name ? (await web.signIn(name)).cookie : undefined;
    return web.call("GET", path, { cookie });
  }

  async function post(path: string, name: string, json: object) {
    const { cookie } = await web.signIn(name);
    return web.call("POST", path, {
      cookie,
      json: { submissionId: submission(), ...json },
    });
  }

  async function create(extra: Record<string, unknown> = {}) {
    const res = await post(
      "/api/campaigns",
      "王建国",
      await nationalDayInput(web.bot, extra),
    );
    expect(res.status).toBe(201);
    return res.body.campaignId as number;
  }

  async function personId(name: string) {
    return (await demo(web.bot, name)).person.id;
  }

  /** 冯敏 for the first two days and a new colleague for the last two. */
  async function nameHousingOfficers(id: number) {
    return post(`/api/campaigns/${id}/officers`, "张伟", {
      officers: [
        {
          personId: String(await personId("冯敏")),
          dates: ["2026-10-01", "2026-10-02"],
        },
        {
          personId: "",
          name: "刘芳",
          title: "质量安全科科员",
          phone: "13900000021",
          dates: ["2026-10-03", "2026-10-04"],
        },
      ],
    });
  }

  async function siteOf(id: number, code: string) {
    const { campaignSites } = web.bot.ctx.store.t;
    const rows = await web.bot.ctx.store.db.select().from(campaignSites);
    const host = await unitId(web.bot, code);
    return rows.find((r) => r.campaignId === id && r.hostUnitId === host)!.id;
  }

  describe("the campaign's official tables", () => {
    it("links the organizer to both tables and a site to its attendance sheet", async () => {
      const id = await create();
      const chuanshan = await unitId(web.bot, "chuanshan.hrss");

      const wang = await page(`/campaigns/${id}`, "王建国");
      const ma = await page(`/campaigns/${id}`, "马晓林");
      const zhang = await page(`/campaigns/${id}`, "张伟");

      const all = `/exports/file?table=attendance&amp;period=%23${id}`;
      expect(wang.body).toContain(`href="${all}"`);
      expect(wang.body).toContain("导出接访报告");
      const own = `${all}&amp;unit=${chuanshan}`;
      expect(ma.body).toContain(`href="${own}"`);
      expect(ma.body).not.toContain("导出接访报告");
      expect(zhang.body).not.toContain("/exports/file");

      const { cookie } = await web.signIn("马晓林");
      const made = await web.call("GET", own.replaceAll("&amp;", "&"), { cookie });
      expect(made.status).toBe(303);
      const file = await web.call("GET", made.headers.get("location")!, { cookie });
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toContain("spreadsheetml");
    });
  });

  describe("the list", () => {
    it("offers HRSS a new campaign, even before there is any", async () => {
      const res = await page("/campaigns", "王建国");

      expect(res.status).toBe(200);
      expect(res.body).toContain('href="/campaigns/new"');
      expect(res.body).toContain("近期没有您参与的集中接访活动");
    });

    it("lists a campaign for the units taking part only", async () => {
      const id = await create();

      const zhang = await page("/campaigns", "张伟");
      const wu = await page("/campaigns", "吴敏");

      expect(zhang.body).toContain(`href="/campaigns/${id}"`);
      expect(zhang.body).toContain("2026年国庆节集中接访");
      expect(zhang.body).toContain("未开始");
      expect(zhang.body).not.toContain('href="/campaigns/new"');
      expect(wu.status).toBe(200);
      expect(wu.body).not.toContain("2026年国庆节集中接访");
    });

    it("is reached from the simulator's chat by everyone", async () => {
      for (const name of ["王建国", "冯敏"]) {
        const chat = await page("/sim", name);
        expect(chat.body).toMatch(
          /id="campaigns-page"\s+data-url="\/campaigns"/,
        );
      }
    });

    it("asks someone without a session to open it from the chat", async () => {
      const res = await page("/campaigns");

      expect(res.status).toBe(401);
      expect(res.body).toContain(
        "请从工作群或机器人消息中的卡片重新打开此链接",
      );
    });
  });

  describe("the create form", () => {
    it("refuses anyone but the city's HRSS", async () => {
      const res = await page("/campaigns/new", "张伟");

      expect(res.status).toBe(403);
      expect(res.body).toContain("只有市人力资源社会保障局");
      expect(res.body).not.toContain("<form");
    });

    it("offers every HRSS as a site, its area's units ticked", async () => {
      const res = await page("/campaigns/new", "王建国");

      expect(res.status).toBe(200);
      expect(res.body).toContain('data-api="/api/campaigns"');
      expect(res.body).toContain("data-nested");
      const hosts = res.body.match(/name="sites\.\d+\.hostUnitId"/g) ?? [];
      expect(hosts).toHaveLength(9);
      const chuanshan = res.body
        .split('data-site="chuanshan.hrss"')[1]
        .split('class="site-block"')[0];
      const box = (code: string, checked: boolean) =>
        unitId(web.bot, code).then((uid) =>
          expect(chuanshan).toMatch(
            new RegExp(
              `name="sites\\.1\\.unitIds\\[\\]" value="${uid}"` +
                (checked ? " checked>" : ">"),
            ),
          ),
        );
      await box("chuanshan.housing", true);
      await box("chuanshan.police", true);
      await box("chuanshan.gov", false);
      expect(chuanshan).not.toContain("市住房城乡建设局");
      expect(res.body).toMatch(/name="remindAfterMin" type="text" value="15"/);
      expect(res.body).toMatch(
        /name="escalateAfterMin" type="text" value="30"/,
      );
      expect(res.body).toMatch(/name="reportDue" type="time" value="17:00"/);
      expect(res.body).toMatch(/name="summaryAt" type="time" value="18:00"/);
      expect(res.body).toContain('data-issue-for="sites.1.unitIds"');
    });

    it("answers each wrong field in its place, a site's too", async () => {
      const input = await nationalDayInput(web.bot, { endDate: "2026-09-30" });
      input.sites[1].unitIds.push(await unitId(web.bot, "city.housing"));

      const res = await post("/api/campaigns", "王建国", input);

      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_input");
      const issues = res.body.error.issues as { field: string }[];
      expect(issues.map((i) => i.field)).toEqual(
        expect.arrayContaining(["endDate", "sites.1.unitIds"]),
      );
      expect(await web.count("campaigns")).toBe(0);
    });

    it("creates once for one submission", async () => {
      const { cookie } = await web.signIn("王建国");
      const json = {
        ...(await nationalDayInput(web.bot)),
        submissionId: "campaign-form-0001",
      };

      const first = await web.call("POST", "/api/campaigns", { cookie, json });
      const again = await web.call("POST", "/api/campaigns", { cookie, json });

      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body.duplicate).toBe(true);
      expect(again.body.campaignId).toBe(first.body.campaignId);
      expect(await web.count("campaigns")).toBe(1);
    });
  });

  describe("the campaign page", () => {
    it("is refused to a unit that takes no part", async () => {
      const id = await create();

      const res = await page(`/campaigns/${id}`, "吴敏");

      expect(res.status).toBe(403);
      expect(res.body).toContain("市信访局不参与");
      expect((await page(`/campaigns/${id + 100}`, "王建国")).status).toBe(404);
    });

    it("shows the sites, their units, who is named and what is uncovered", async () => {
      const id = await create();
      await nameHousingOfficers(id);

      const res = await page(`/campaigns/${id}`, "张伟");

      expect(res.status).toBe(200);
      expect(res.body).toContain("市人力资源社会保障局接访点");
      expect(res.body).toContain("船山区人社局接访点");
      expect(res.body).toContain(
        "冯敏（建筑市场监管科科员） 13800000015：10月1日—10月2日",
      );
      expect(res.body).toContain(
        "刘芳（质量安全科科员） 13900000021：10月3日—10月4日",
      );
      expect(res.body).toMatch(
        /<strong>市公安局<\/strong>\s*<p class="late">尚未指派接访人员/,
      );
      expect(res.body).toContain(`href="/campaigns/${id}/officers">修改指派`);
      expect(res.body).not.toContain("确认取消活动");
    });

    it("shows phones whole to the organizer, the site and the unit only", async () => {
      const id = await create();
      await nameHousingOfficers(id);

      for (const name of ["王建国", "陈静"]) {
        expect((await page(`/campaigns/${id}`, name)).body).toContain(
          "13800000015",
        );
      }
      for (const name of ["周强", "马晓林", "赵磊"]) {
        const body = (await page(`/campaigns/${id}`, name)).body;
        expect(body).toContain("138****0015");
        expect(body).not.toContain("13800000015");
      }
    });

    it("lets the organizer cancel, and then offers nothing more", async () => {
      const id = await create();
      expect((await page(`/campaigns/${id}`, "王建国")).body).toContain(
        `data-api="/api/campaigns/${id}/cancel"`,
      );

      const refused = await post(`/api/campaigns/${id}/cancel`, "张伟", {});
      const res = await post(`/api/campaigns/${id}/cancel`, "王建国", {});

      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("forbidden");
      expect(res.status).toBe(200);
      expect(res.body.message).toContain("已取消");
      const after = await page(`/campaigns/${id}`, "王建国");
      expect(after.body).toContain("已取消");
      expect(after.body).not.toContain("/cancel");
      const officers = await page(`/campaigns/${id}/officers`, "张伟");
      expect(officers.status).toBe(409);
      expect(officers.body).toContain("该集中接访活动已取消");
    });
  });

  describe("the officers form", () => {
    it("is for a sending unit's liaison or leader only", async () => {
      const id = await create();

      const feng = await page(`/campaigns/${id}/officers`, "冯敏");
      const wu = await page(`/campaigns/${id}/officers`, "吴敏");
      const zhang = await page(`/campaigns/${id}/officers`, "张伟");

      expect(feng.status).toBe(403);
      expect(feng.body).toContain("只有本单位的联络员或分管负责人");
      expect(wu.status).toBe(403);
      expect(wu.body).toContain("不在“2026年国庆节集中接访”的派员单位名单中");
      expect(zhang.status).toBe(200);
      expect(zhang.body).toMatch(
        /<option value="\d+">冯敏（建筑市场监管科科员）<\/option>/,
      );
      expect(zhang.body).toContain('id="officer-row-template"');
      expect(zhang.body).toContain('data-show-when="officers.0.personId="');
    });

    it("starts from the unit's shifts, past and checked-in days fixed", async () => {
      const id = await create();
      const feng = await personId("冯敏");
      await post(`/api/campaigns/${id}/officers`, "张伟", {
        officers: [
          {
            personId: String(feng),
            dates: ["2026-10-01", "2026-10-02", "2026-10-03"],
          },
        ],
      });
      web.clock.set(at("2026-10-02T08:55"));
      await web.bot.attendance.checkIn(await demo(web.bot, "冯敏"), "t-in-1");

      const res = await page(`/campaigns/${id}/officers`, "张伟");

      expect(res.status).toBe(200);
      const row = res.body
        .split('data-row="0"')[1]
        .split('id="officer-row-template"')[0];
      expect(row).toMatch(new RegExp(`<option value="${feng}" selected>`));
      expect(row).toMatch(/value="2026-10-01" checked disabled> 10月1日 周四/);
      expect(row).toMatch(
        /value="2026-10-02" checked disabled> 10月2日 周五（已签到）/,
      );
      expect(row).toContain(
        '<input type="hidden" name="officers.0.dates[]" value="2026-10-02">',
      );
      expect(row).toMatch(/value="2026-10-03" checked> 10月3日/);
      expect(row).toMatch(/value="2026-10-04"> 10月4日/);
      expect(row).not.toContain("删除此行");
    });

    it("answers a row's wrong fields under that row", async () => {
      const id = await create();

      const res = await post(`/api/campaigns/${id}/officers`, "张伟", {
        officers: [
          { personId: String(await personId("冯敏")) },
          {
            name: "刘芳",
            title: "科员",
            phone: "12345",
            dates: ["2026-10-01"],
          },
        ],
      });

      expect(res.status).toBe(422);
      expect(res.body.error.issues).toEqual(
        expect.arrayContaining([
          { field: "officers.0.dates", message: "值班日期：请至少选择一天" },
          expect.objectContaining({
            field: "officers.1.phone",
            message: expect.stringMatching(/^联系电话：不是有效的电话号码/),
          }),
        ]),
      );
      expect(await web.count("dutyShifts")).toBe(0);
    });
  });

  describe("a site's day", () => {
    it("keeps the daily report to the site's staff, on a day that came", async () => {
      const id = await create();
      const site = await siteOf(id, "chuanshan.hrss");
      const path = (date: string) =>
        `/campaigns/${id}/sites/${site}/dispatch/${date}`;

      const early = await page(path("2026-10-01"), "马晓林");
      web.clock.set(at("2026-10-01T16:00"));
      const other = await page(path("2026-10-01"), "赵磊");
      const outside = await page(path("2026-10-05"), "马晓林");
      const nonsense = await page(path("2026-13-01"), "马晓林");
      const wrongSite = await page(
        `/campaigns/${id}/sites/${site + 100}/dispatch/2026-10-01`,
        "马晓林",
      );

      expect(early.status).toBe(409);
      expect(early.body).toContain("10月1日还没到，不能提前报送日调度");
      expect(other.status).toBe(403);
      expect(other.body).toContain(
        "只有船山区人社局的工作人员可以报送日调度",
      );
      expect(outside.status).toBe(404);
      expect(nonsense.status).toBe(404);
      expect(wrongSite.status).toBe(404);
    });

    it("keeps the roll to the site's staff and the organizer", async () => {
      const id = await create();
      const site = await siteOf(id, "chuanshan.hrss");
      const path = `/campaigns/${id}/sites/${site}/roll/2026-10-01`;

      expect((await page(path, "赵磊")).status).toBe(403);
      expect((await page(path, "马晓林")).status).toBe(200);
      expect((await page(path, "王建国")).status).toBe(200);
    });

    it("answers a negative count and a missing reason in their places", async () => {
      const id = await create();
      const site = await siteOf(id, "chuanshan.hrss");
      web.clock.set(at("2026-10-01T17:30"));

      const res = await post(
        `/api/campaigns/${id}/sites/${site}/dispatch/2026-10-01`,
        "马晓林",
        {
          visits: "-1",
          visitors: "2",
          cases: "0",
          amount: "0",
          incidents: "0",
        },
      );

      expect(res.status).toBe(422);
      expect(res.body.error.issues).toEqual([
        { field: "visits", message: "接待来访批次：不能小于 0" },
      ]);
    });
  });

  it("runs a campaign: create, name officers, report the day, record a late officer", async () => {
    // HRSS creates the campaign from the form's fields.
    const id = await create();
    const city = await siteOf(id, "city.hrss");
    const chuanshan = await siteOf(id, "chuanshan.hrss");

    // The units name their officers.
    expect((await nameHousingOfficers(id)).status).toBe(200);
    const qian = await personId("钱进");
    const named = await post(`/api/campaigns/${id}/officers`, "赵磊", {
      officers: [
        {
          personId: String(qian),
          dates: ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"],
        },
      ],
    });
    expect(named.status).toBe(200);
    expect(named.body.message).toContain("活动期间每天都有人值班");
    const form = await page(`/campaigns/${id}/officers`, "张伟");
    expect(form.body).toMatch(
      /<option value="\d+" selected>刘芳（质量安全科科员）/,
    );

    // 冯敏 checks in on the first morning; 钱进 does not.
    web.clock.set(at("2026-10-01T08:50"));
    await web.bot.attendance.checkIn(await demo(web.bot, "冯敏"), "t-in-2");

    // In the evening Chuanshan files its daily report, then corrects it.
    web.clock.set(at("2026-10-01T17:20"));
    const dispatch = `/campaigns/${id}/sites/${chuanshan}/dispatch/2026-10-01`;
    const blank = await page(dispatch, "马晓林");
    expect(blank.status).toBe(200);
    expect(blank.body).toContain("报送日调度");
    const report = {
      visits: "3",
      visitors: "7",
      cases: "2",
      amount: "12000.50",
      incidents: "0",
      remarks: "接待讨薪群众 3 批",
    };
    const filed = await post(`/api${dispatch}`, "马晓林", report);
    expect(filed.status).toBe(200);
    expect(filed.body.message).toContain(
      "已报送船山区人社局接访点10月1日日调度",
    );
    const corrected = await post(`/api${dispatch}`, "马晓林", {
      ...report,
      visitors: "8",
    });
    expect(corrected.body.message).toContain("已更正");
    const again = await page(dispatch, "马晓林");
    expect(again.body).toMatch(/name="visitors" type="text" value="8"/);
    expect(again.body).toMatch(/name="amount" type="text" value="12000.50"/);
    expect(again.body).toContain("更正日调度");

    // The roll shows 钱进 missing, with a form to record him.
    const rollPath = `/campaigns/${id}/sites/${chuanshan}/roll/2026-10-01`;
    const roll = await page(rollPath, "马晓林");
    expect(roll.body).toContain("钱进（建管股科员） 13800000014");
    expect(roll.body).toContain('<span class="late">未到岗</span>');
    const shift = /data-shift="(\d+)"/.exec(roll.body)![1];
    const record = `/api/campaigns/${id}/shifts/${shift}/attendance`;
    expect(roll.body).toContain(`data-api="${record}"`);
    const noReason = await post(record, "马晓林", { checkedIn: "09:05" });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.issues[0].field).toBe("remarks");
    const stranger = await post(record, "赵磊", {
      checkedIn: "09:05",
      remarks: "手机没电",
    });
    expect(stranger.status).toBe(403);
    const otherCampaign = await post(
      `/api/campaigns/${id + 1}/shifts/${shift}/attendance`,
      "马晓林",
      { checkedIn: "09:05", remarks: "手机没电" },
    );
    expect(otherCampaign.status).toBe(404);
    const recorded = await post(record, "马晓林", {
      checkedIn: "09:05",
      checkedOut: "17:00",
      remarks: "手机没电，已核实到岗",
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.message).toContain("已为钱进补登10月1日的到岗记录");

    const after = await page(rollPath, "马晓林");
    expect(after.body).toContain(
      "09:05 签到（迟到 5 分钟），17:00 签退，接访点补登",
    );
    expect(after.body).toContain("补登原因：手机没电，已核实到岗");
    expect(after.body).not.toContain(`data-api="${record}"`);

    // The campaign page sums the day up for the organizer.
    const overview = await page(`/campaigns/${id}`, "王建国");
    expect(overview.body).toMatch(
      /船山区人社局接访点<\/strong>：应到 1 人，已到 1 人（迟到 1 人）；日调度已于 2026-10-01 17:20 报送/,
    );
    expect(overview.body).toMatch(
      /市人力资源社会保障局接访点<\/strong>：应到 1 人，已到 1 人，未派员单位 2 个；<span class="late">日调度未报送/,
    );
    expect(overview.body).toContain(
      `href="/campaigns/${id}/sites/${city}/dispatch/2026-10-01"`,
    );
  });
});
