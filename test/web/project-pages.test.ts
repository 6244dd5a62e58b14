/**
 * The new-project pages and their API over HTTP, on both engines: who may
 * open each page, the report form's wrong fields answered in their
 * places, a site check and its correction, an upload of attachment 1
 * previewed (nothing stored) and imported whole, and clues decided by a
 * person: one the same as a reported project, one an omission.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MAX_FILE_BYTES } from "../../src/projects/package.js";
import { unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";
import { project, typed, unitSheet } from "../projects/support.js";
import { startWeb, type Running } from "./server.js";

const XLSX =
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

describe.each(engines())("project pages on $name", (engine) => {
  let web: Running;
  let seq = 0;

  beforeEach(async () => {
    web = await startWeb({}, silentLogger, await engine.open());
    // Tuesday after National Day: a project started 09-30 is due today.
    web.clock.set(at("2026-10-13T10:00"));
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

  async function post(path: string, name: string, json: object = {}) {
    const { cookie } = await web.signIn(name);
    return web.call("POST", path, {
      cookie,
      json: { submissionId: submission(), ...json },
    });
  }

  async function report(name: string, who = "张伟", changes = {}) {
    const res = await post("/api/projects", who, typed(name, changes));
    expect(res.status).toBe(201);
    return res.body.projectId as number;
  }

  async function upload(
    step: "preview" | "import",
    name: string,
    file: Buffer,
    options: { type?: string; key?: string } = {},
  ) {
    const { cookie } = await web.signIn(name);
    const query = options.key ? `?submissionId=${options.key}` : "";
    const res = await fetch(`${web.base}/api/projects/upload/${step}${query}`, {
      method: "POST",
      headers: {
        cookie,
        "content-type": options.type ?? XLSX,
        "x-file-name": encodeURIComponent("附件1（10月）.xlsx"),
      },
      body: new Uint8Array(file),
    });
    return { status: res.status, body: await res.json() };
  }

  const issueFields = (body: { error: { issues: { field: string }[] } }) =>
    body.error.issues.map((i) => i.field).sort();

  describe("the list", () => {
    it("offers an authority its buttons and HRSS its checks and figures", async () => {
      const zhang = await page("/projects", "张伟");
      const wang = await page("/projects", "王建国");

      expect(zhang.status).toBe(200);
      expect(zhang.body).toContain('href="/projects/new">报送新项目');
      expect(zhang.body).toContain('href="/projects/upload">上传附件1');
      expect(zhang.body).toContain("2026 年开工的项目中，本单位尚未报送");
      expect(wang.status).toBe(200);
      expect(wang.body).toContain("待现场核查");
      expect(wang.body).toContain('href="/projects/clues/new"');
      expect(wang.body).toContain("报市政府办公室名单（2026 年）");
      expect(wang.body).not.toContain('href="/projects/new"');
    });

    it("lists a report with its timeliness for the unit and its due check for HRSS", async () => {
      const id = await report("天悦府二期");
      const late = await report("滨江花园一期", "张伟", {
        startDate: "2026-09-01",
      });

      const zhang = await page("/projects", "张伟");
      const wang = await page("/projects", "王建国");
      const lateDays = await lateDaysOf(late);

      expect(zhang.body).toContain(`href="/projects/${id}">天悦府二期`);
      expect(zhang.body).toContain("2026年10月13日报送，按时报送");
      expect(zhang.body).toContain(`迟报 ${lateDays} 个工作日`);
      expect(wang.body).toContain(`href="/projects/${id}">天悦府二期`);
      expect(wang.body).toContain(
        "市住房城乡建设局报送，核查期限 2026年10月27日前",
      );
      expect(wang.body).toMatch(
        /<th scope="row">市住房城乡建设局<\/th><td>2<\/td>/,
      );
      expect(lateDays).toBeGreaterThanOrEqual(5);
      expect(wang.body).toContain("迟报 5 个工作日以上");
      // Another year has nothing yet.
      const before = await page("/projects?year=2025", "张伟");
      expect(before.body).toContain("2025 年开工的项目中，本单位尚未报送");
    });

    it("refuses units that neither report nor check, and strangers", async () => {
      expect((await page("/projects", "周强")).status).toBe(403);
      expect((await page("/projects")).status).toBe(401);
    });

    it("is reached from the simulator's chat by those who use it", async () => {
      for (const name of ["张伟", "王建国"]) {
        const chat = await page("/sim", name);
        expect(chat.body).toMatch(/id="projects-page"\s+data-url="\/projects"/);
      }
      const zhou = await page("/sim", "周强");
      expect(zhou.body).not.toContain('id="projects-page"');
    });
  });

  describe("the report form", () => {
    it("has the fourteen columns, the unit's own areas to choose from", async () => {
      const zhang = await page("/projects/new", "张伟");
      const zhao = await page("/projects/new", "赵磊");

      expect(zhang.status).toBe(200);
      for (const name of [
        "jurisdiction",
        "name",
        "address",
        "builder",
        "startDate",
        "duration",
        "government",
        "contractor",
        "manager",
        "phone",
        "contractPrice",
        "paymentMethod",
        "paymentProgress",
        "remarks",
      ]) {
        expect(zhang.body).toContain(`data-field="${name}"`);
      }
      expect(zhang.body).toContain('<option value="市本级">市本级</option>');
      expect(zhang.body).toContain('<option value="船山区">船山区</option>');
      expect(zhao.body).toContain(
        '<option value="船山区" selected>船山区</option>',
      );
      expect(zhao.body).not.toContain('<option value="安居区">');
    });

    it("is refused to HRSS and to a colleague without a role", async () => {
      expect((await page("/projects/new", "王建国")).status).toBe(403);
      const qian = await page("/projects/new", "钱进");
      expect(qian.status).toBe(403);
      expect(qian.body).toContain("联络员或负责人可以报送新开工项目");
    });

    it("answers a future start, a price that is not a number and 120 % in place", async () => {
      const res = await post(
        "/api/projects",
        "张伟",
        typed("天悦府二期", {
          startDate: "2026-10-20",
          contractPrice: "一千万",
          paymentProgress: "120",
        }),
      );

      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_input");
      expect(issueFields(res.body)).toEqual([
        "contractPrice",
        "paymentProgress",
        "startDate",
      ]);
      const messages = res.body.error.issues.map(
        (i: { message: string }) => i.message,
      );
      expect(messages).toContain(
        "开工时间：晚于今天（2026-10-13），请填写实际开工的日期",
      );
      expect(messages).toContain(
        "合同总造价（万元）：不是数字，请填写以万元为单位的金额，如 1234.56",
      );
      expect(messages).toContain("工程款拨付进度（%）：不能大于 100");
      expect(await web.count("projects")).toBe(0);
    });

    it("reports a project once, and refuses HRSS on the API", async () => {
      const body = { submissionId: submission(), ...typed("天悦府二期") };
      const { cookie } = await web.signIn("张伟");
      const first = await web.call("POST", "/api/projects", {
        cookie,
        json: body,
      });
      const again = await web.call("POST", "/api/projects", {
        cookie,
        json: body,
      });
      const wang = await post("/api/projects", "王建国", typed("别的项目"));

      expect(first.status).toBe(201);
      expect(first.body.message).toContain("已报送天悦府二期，按时报送");
      expect(again.status).toBe(200);
      expect(again.body.duplicate).toBe(true);
      expect(wang.status).toBe(403);
      expect(wang.body.error.code).toBe("forbidden");
      expect(await web.count("projects")).toBe(1);
    });
  });

  describe("a project's page", () => {
    it("shows the columns, the deadlines and how they were counted", async () => {
      const id = await report("天悦府二期", "赵磊", {
        government: "是",
        contractPrice: "1,234.5",
        paymentProgress: "12.5",
      });

      const res = await page(`/projects/${id}`, "马晓林");

      expect(res.status).toBe(200);
      expect(res.body).toContain("<dt>合同总造价（万元）</dt><dd>1234.5</dd>");
      expect(res.body).toContain("<dt>工程款拨付进度（%）</dt><dd>12.5</dd>");
      expect(res.body).toContain("<dt>是否政府工程</dt><dd>是</dd>");
      expect(res.body).toContain("<dt>联系电话</dt><dd>13800000001</dd>");
      expect(res.body).toContain(
        "项目报送期限</strong>：2026年10月13日前（按期完成）",
      );
      expect(res.body).toContain(
        "现场核查期限</strong>：2026年10月27日前（剩余 10 个工作日）",
      );
      expect(res.body).toContain("<summary>如何计算</summary>");
      expect(res.body).toContain("2026-10-10 第 3 个工作日（国庆节调休上班）");
      expect(res.body).toContain(`href="/projects/${id}/check">记录现场核查`);
    });

    it("is whole for its units, masked for an administrator, refused to others", async () => {
      const id = await report("天悦府二期", "赵磊");

      const wang = await page(`/projects/${id}`, "王建国");
      const admin = await page(`/projects/${id}`, "系统管理员");
      const json = await page(`/api/projects/${id}`, "系统管理员");

      expect(wang.body).toContain("<dd>13800000001</dd>");
      expect(wang.body).toContain("记录现场核查");
      expect(admin.status).toBe(200);
      expect(admin.body).toContain("<dd>138****0001</dd>");
      expect(admin.body).toContain("<dd>张*</dd>");
      expect(admin.body).not.toContain("记录现场核查");
      expect(json.body.project.phone).toBe("138****0001");
      for (const name of ["张伟", "周强"]) {
        expect((await page(`/projects/${id}`, name)).status).toBe(403);
      }
      expect((await page("/projects/999999", "王建国")).status).toBe(404);
      expect((await page("/projects/abc", "王建国")).status).toBe(404);
    });

    it("shows a late report as late, by the working days counted", async () => {
      const id = await report("滨江花园一期", "张伟", {
        startDate: "2026-09-01",
      });

      const res = await page(`/projects/${id}`, "张伟");

      const days = await lateDaysOf(id);
      expect(res.body).toContain(`迟报 ${days} 个工作日（应于 `);
      expect(res.body).toContain(`（逾期 ${days} 个工作日完成）`);
    });
  });

  describe("site check and correction", () => {
    it("records a check with findings, then the unit's correction", async () => {
      const id = await report("天悦府二期", "赵磊");

      expect((await page(`/projects/${id}/check`, "赵磊")).status).toBe(403);
      const form = await page(`/projects/${id}/check`, "马晓林");
      expect(form.status).toBe(200);
      expect(form.body).toContain('name="findings[]" value="affiliation"');
      expect(form.body).toContain("data-nested");
      expect((await page(`/projects/${id}/corrected`, "赵磊")).status).toBe(
        409,
      );

      const missing = await post(`/api/projects/${id}/check`, "马晓林", {
        checkDate: "2026-10-13",
        findings: ["wage_account"],
      });
      expect(missing.status).toBe(422);
      expect(issueFields(missing.body)).toEqual(["correctionDeadline"]);
      const refused = await post(`/api/projects/${id}/check`, "张伟", {
        checkDate: "2026-10-13",
      });
      expect(refused.status).toBe(403);

      const checked = await post(`/api/projects/${id}/check`, "马晓林", {
        checkDate: "2026-10-13",
        inspectors: "马晓林、李明",
        findings: ["wage_account", "real_name"],
        correctionDeadline: "2026-10-30",
        note: "工资专户未开设",
      });
      expect(checked.status).toBe(200);
      expect(checked.body.message).toContain(
        "已通知船山区住建局于 2026年10月30日前整改",
      );
      const again = await page(`/projects/${id}/check`, "马晓林");
      expect(again.status).toBe(409);
      expect(again.body).toContain("不能重复登记");

      const details = await page(`/projects/${id}`, "赵磊");
      expect(details.body).toContain(
        "未按规定开设农民工工资专用账户、未落实实名制管理",
      );
      expect(details.body).toContain(
        "整改期限</strong>：2026年10月30日前（剩余",
      );
      expect(details.body).toContain(
        `href="/projects/${id}/corrected">整改完成`,
      );
      expect((await page(`/projects/${id}/corrected`, "钱进")).status).toBe(
        403,
      );
      expect((await page(`/projects/${id}/corrected`, "赵磊")).status).toBe(
        200,
      );
      const list = await page("/projects", "赵磊");
      expect(list.body).toContain("本单位待整改的项目");

      web.clock.set(at("2026-10-20T10:00"));
      const future = await post(`/api/projects/${id}/corrected`, "赵磊", {
        correctedDate: "2026-10-21",
      });
      expect(future.status).toBe(422);
      expect(issueFields(future.body)).toEqual(["correctedDate"]);
      const done = await post(`/api/projects/${id}/corrected`, "赵磊", {
        correctedDate: "2026-10-19",
        note: "已开设专户",
      });
      expect(done.status).toBe(200);
      const after = await page(`/projects/${id}`, "马晓林");
      expect(after.body).toContain("<dt>整改完成</dt><dd>2026年10月19日</dd>");
      expect(after.body).toContain("已整改");
      expect((await page(`/projects/${id}/corrected`, "赵磊")).status).toBe(
        409,
      );
    });
  });

  describe("uploading attachment 1", () => {
    it("opens for an authority's liaison only", async () => {
      const zhang = await page("/projects/upload", "张伟");
      expect(zhang.status).toBe(200);
      expect(zhang.body).toContain('type="file"');
      expect(zhang.body).toContain("/static/project-upload.js");
      expect((await page("/projects/upload", "王建国")).status).toBe(403);
      const file = await unitSheet([project(1)]);
      expect((await upload("preview", "王建国", file)).status).toBe(403);
    });

    it("previews without storing, and imports all rows or none", async () => {
      await report("天悦府2期");
      const bad = await unitSheet([
        project(1),
        project(2),
        project(3, { 联系电话: "12345" }),
      ]);

      const preview = await upload("preview", "张伟", bad);
      expect(preview.status).toBe(200);
      expect(preview.body.ok).toBe(false);
      expect(preview.body.rows.map((r: { name: string }) => r.name)).toEqual([
        "天悦府1期",
      ]);
      expect(preview.body.rows[0]).toMatchObject({
        rowNumber: 7,
        startDate: "2026-09-30",
        reportDueDate: "2026-10-13",
        lateDays: 0,
      });
      expect(preview.body.duplicates).toMatchObject([
        { rowNumber: 8, name: "天悦府2期", unitName: "市住房城乡建设局" },
      ]);
      expect(preview.body.errors).toMatchObject([
        { rowNumber: 9, column: "联系电话" },
      ]);
      expect(preview.body.errors[0].message).toMatch(/^第 9 行“联系电话”：/);
      const refused = await upload("import", "张伟", bad, {
        key: submission(),
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe("sheet_rows_invalid");
      expect(refused.body.error.message).toContain("整表未导入");
      expect(await web.count("projects")).toBe(1);

      const good = await unitSheet([project(1), project(2), project(3)]);
      const checked = await upload("preview", "张伟", good);
      expect(checked.body.ok).toBe(true);
      expect(checked.body.rows).toHaveLength(2);
      expect(await web.count("projects")).toBe(1);

      const key = submission();
      const imported = await upload("import", "张伟", good, { key });
      const repeated = await upload("import", "张伟", good, { key });
      expect(imported.status).toBe(201);
      expect(imported.body.projectIds).toHaveLength(2);
      expect(imported.body.message).toContain("已导入 2 个项目");
      expect(imported.body.message).toContain("第 8 行 天悦府2期");
      expect(repeated.status).toBe(200);
      expect(repeated.body.duplicate).toBe(true);
      expect(await web.count("projects")).toBe(3);
      const { projectImports } = web.bot.ctx.store.t;
      const [row] = await web.bot.ctx.store.db.select().from(projectImports);
      expect(row.fileName).toBe("附件1（10月）.xlsx");
    });

    it("says in Chinese what is wrong with a file that is not a sheet", async () => {
      const text = Buffer.from("项目名称,建设单位\n天悦府,某公司\n");
      const notXlsx = await upload("preview", "张伟", text);
      const json = await upload("preview", "张伟", text, {
        type: "application/json",
      });
      const empty = await upload("preview", "张伟", Buffer.alloc(0));
      const large = await upload(
        "preview",
        "张伟",
        Buffer.alloc(MAX_FILE_BYTES + 1),
      );

      expect(notXlsx.status).toBe(400);
      expect(notXlsx.body.error).toMatchObject({ code: "sheet_not_xlsx" });
      expect(notXlsx.body.error.message).toContain("这不是 Excel 表格文件");
      expect(json.status).toBe(415);
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe("file_missing");
      expect(large.status).toBe(413);
      expect(large.body.error.code).toBe("sheet_too_large");
    });

    it("lists a row in another unit's area under its problem only", async () => {
      const file = await unitSheet([
        project(1),
        project(2, { 管辖区域: "安居区" }),
      ], { unitName: "船山区住房和城乡建设局" });

      const res = await upload("preview", "赵磊", file);

      expect(res.body.ok).toBe(false);
      expect(
        res.body.rows.map((r: { rowNumber: number }) => r.rowNumber),
      ).toEqual([7]);
      expect(res.body.errors).toMatchObject([
        { rowNumber: 8, column: "管辖区域" },
      ]);
      expect(res.body.errors[0].message).toContain(
        "船山区住建局只能报送船山区的项目",
      );
    });

    it("names a missing column", async () => {
      const headings = [
        "序号",
        "管辖区域",
        "项目名称",
        "项目地址",
        "建设单位名称",
        "开工时间",
        "合同约定工期",
        "是否政府工程",
        "施工总包单位名称",
        "项目负责人",
        "合同总造价（万元）",
        "工程款拨付方式",
        "工程款拨付进度（%）",
        "备注",
      ];
      const cells = project(1);
      cells.splice(10, 1);
      const file = await unitSheet([cells], { headings });

      const res = await upload("preview", "张伟", file);

      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.errors[0].message).toContain("联系电话");
    });
  });

  describe("clues", () => {
    async function clue(name: string, unit: string, changes = {}) {
      const res = await post("/api/projects/clues", "王建国", {
        source: "hotline",
        learnedDate: "2026-10-12",
        name,
        builder: "",
        address: "",
        responsibleUnitId: String(await unitId(web.bot, unit)),
        note: "",
        ...changes,
      });
      expect(res.status).toBe(201);
      return res.body.clueId as number;
    }

    it("opens the clue form for HRSS staff only", async () => {
      const form = await page("/projects/clues/new", "王建国");
      expect(form.status).toBe(200);
      expect(form.body).toContain("12345政府热线");
      expect(form.body).toContain("市住房城乡建设局");
      expect(form.body).not.toContain(">市公安局<");
      expect((await page("/projects/clues/new", "张伟")).status).toBe(403);
      expect((await page("/projects/clues", "张伟")).status).toBe(403);
      const future = await post("/api/projects/clues", "王建国", {
        source: "patrol",
        learnedDate: "2026-10-14",
        name: "某项目",
        responsibleUnitId: String(await unitId(web.bot, "city.housing")),
      });
      expect(future.status).toBe(422);
      expect(issueFields(future.body)).toEqual(["learnedDate"]);
    });

    it("shows candidates for a person to confirm as the same project", async () => {
      const projectId = await report("天悦府二期");
      const id = await clue("遂宁·天悦府（二期）项目", "city.housing", {
        builder: "遂宁某置业公司",
      });

      const res = await page(`/projects/clues/${id}`, "王建国");
      expect(res.status).toBe(200);
      expect(res.body).toContain(`href="/projects/${projectId}">天悦府二期`);
      expect(res.body).toMatch(/相似度 \d+%/);
      expect(res.body).toContain("确认是同一项目");
      expect(res.body).toContain("确认漏报");
      expect((await page(`/projects/clues/${id}`, "张伟")).status).toBe(403);
      expect((await page(`/projects/clues/${id}`, "马晓林")).status).toBe(403);

      const matched = await post(`/api/projects/clues/${id}/match`, "王建国", {
        projectId: String(projectId),
      });
      expect(matched.status).toBe(200);
      expect(matched.body.message).toContain("不计漏报");
      const after = await page(`/projects/clues/${id}`, "王建国");
      expect(after.body).toContain("已确认即");
      expect(after.body).not.toContain("确认是同一项目");
      const twice = await post(`/api/projects/clues/${id}/omission`, "王建国");
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe("clue_decided");
    });

    it("counts omissions per unit and lists five for the office", async () => {
      const first = await clue("明月湖公园改造", "city.transport");

      const page1 = await page(`/projects/clues/${first}`, "王建国");
      expect(page1.body).toContain("没有找到相近的已报送项目");
      const res = await post(`/api/projects/clues/${first}/omission`, "王建国");
      expect(res.status).toBe(200);
      expect(res.body.message).toContain("累计漏报 1 个");
      const zheng = await page("/projects", "郑涛");
      expect(zheng.body).toContain("2026 年经人社部门核实漏报 1 个项目");

      for (const n of [2, 3, 4, 5]) {
        const id = await clue(`城北道路${n}号工程`, "city.transport");
        const done = await post(`/api/projects/clues/${id}/omission`, "王建国");
        expect(done.status).toBe(200);
      }
      const wang = await page("/projects", "王建国");
      expect(wang.body).toContain(
        "<strong>市交通运输局</strong>：累计漏报 5 个",
      );
      const clues = await page("/projects/clues", "王建国");
      expect(clues.body).toContain("城北道路5号工程");
      expect(clues.body).toContain("<h2>漏报</h2>");
    });
  });

  async function lateDaysOf(id: number): Promise<number> {
    const person = (await web.bot.ctx.directory.demoPeople()).find(
      (p) => p.name === "王建国",
    )!;
    return (await web.bot.projects.project(person, id)).project.reportLateDays;
  }
});
