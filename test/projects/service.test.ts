import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import type { ValidationError } from "../../src/errors.js";
import type { Acting } from "../../src/projects/service.js";
import type { ManualClock } from "../../src/time.js";
import { count } from "../helpers/bot.js";
import { at, clockAt } from "../helpers/time.js";
import {
  botEngines,
  outboxSize,
  person,
  queued,
  unitId,
} from "../jobs/harness.js";
import { typed } from "./support.js";

describe.each(botEngines())("new projects on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let people: Record<string, Acting>;
  let housing: number;
  let transport: number;

  beforeEach(async () => {
    clock = clockAt("2026-10-13T10:00");
    ({ bot } = await engine.open(clock));
    people = {};
    for (const name of [
      "王建国",
      "李红梅",
      "张伟",
      "陈静",
      "刘洋",
      "赵磊",
      "郑涛",
      "马晓林",
      "钱进",
    ]) {
      people[name] = await person(bot, name);
    }
    housing = await unitId(bot, "city.housing");
    transport = await unitId(bot, "city.transport");
  });

  afterEach(() => engine.release());

  const idOf = (name: string) => people[name].person.id;
  const report = (who: string, name: string, changes = {}) =>
    bot.projects.report(people[who], typed(name, changes));
  const projectRow = async (id: number) =>
    (await bot.projects.project(people["王建国"].person, id)).project;

  async function failure(promise: Promise<unknown>) {
    try {
      await promise;
    } catch (error) {
      return error as ValidationError;
    }
    throw new Error("expected a refusal");
  }

  describe("reporting", () => {
    it("counts 5 working days past National Day: 10-13 is on time", async () => {
      const { projectId, message } = await report("张伟", "天悦府二期");

      const view = await bot.projects.project(people["张伟"].person, projectId);
      expect(view.project).toMatchObject({
        unitId: housing,
        hrssUnitId: await unitId(bot, "city.hrss"),
        region: "chuanshan",
        startDate: "2026-09-30",
        reportedDate: "2026-10-13",
        reportDueDate: "2026-10-13",
        reportLateDays: 0,
        contractPriceFen: 12_345_670_000,
        paymentProgressBp: 3000,
        source: "form",
        status: "reported",
      });
      expect(view.reportClock).toMatchObject({
        status: "stopped",
        dueDate: "2026-10-13",
        lateDays: null,
      });
      expect(view.checkClock).toMatchObject({
        status: "open",
        startDate: "2026-10-13",
        dueDate: "2026-10-27",
      });
      expect(message).toBe(
        "已报送天悦府二期，按时报送。市人力资源社会保障局将于 2026年10月27日前现场核查。",
      );
    });

    it("tells the HRSS liaisons of a new report, in office hours", async () => {
      clock.set(at("2026-10-13T19:00"));
      const { projectId } = await report("张伟", "天悦府二期");

      const told = await queued(bot, `project:${projectId}:reported`);
      expect(told.map((m) => m.targetId)).toEqual([idOf("王建国")]);
      expect(told[0].notBefore).toBe(at("2026-10-14T08:30"));
      expect(told[0].text.split("\n")).toEqual([
        "【新开工项目】市住房城乡建设局报送：天悦府二期（建设单位：遂宁某置业有限公司），" +
          "开工日期 2026年9月30日，按时报送。",
        "请于 2026年10月27日前完成现场核查：" +
          `http://localhost:3000/projects/${projectId}`,
      ]);
      expect(told[0].text).not.toContain("13800000001");
    });

    it("records how many working days a report came late", async () => {
      clock.set(at("2026-10-19T10:00"));
      const four = await report("郑涛", "涪江大桥改建工程", {
        builder: "遂宁市交通运输局",
      });
      clock.set(at("2026-10-20T10:00"));
      const five = await report("张伟", "天悦府三期");

      expect(await projectRow(four.projectId)).toMatchObject({
        reportDueDate: "2026-10-13",
        reportLateDays: 4,
      });
      expect(await projectRow(five.projectId)).toMatchObject({
        reportLateDays: 5,
      });
      expect(five.message).toContain(
        "迟报 5 个工作日（应于 2026年10月13日前报送）",
      );
      const list = await bot.projects.officeList(people["王建国"].person, 2026);
      expect(list.lateReports).toEqual([
        {
          unitId: housing,
          unitName: "市住房城乡建设局",
          projects: [
            {
              projectId: five.projectId,
              name: "天悦府三期",
              startDate: "2026-09-30",
              reportedDate: "2026-10-20",
              lateDays: 5,
            },
          ],
        },
      ]);
    });

    it("recognises a project reported before, whoever reports it", async () => {
      await report("张伟", "天悦府（二期）");
      const before = await outboxSize(bot);

      const again = await failure(report("陈静", " 天悦府(二期) "));
      const other = await failure(
        report("郑涛", "天悦府 二期", { builder: "遂宁某置业有限公司" }),
      );

      expect(again.code).toBe("project_already_reported");
      expect(again.userMessage).toBe(
        "该项目已由市住房城乡建设局于 2026年10月13日报送" +
          "（项目名称和建设单位名称相同），无需重复报送。",
      );
      expect(other.code).toBe("project_already_reported");
      expect(await count(bot.ctx.store, "projects")).toBe(1);
      expect(await outboxSize(bot)).toBe(before);
    });

    it("answers a repeated submission with the first answer", async () => {
      const values = typed("天悦府二期", { submissionId: "report-0001" });
      const first = await bot.projects.report(people["张伟"], values);
      const again = await bot.projects.report(people["张伟"], values);

      expect(again).toEqual({ ...first, duplicate: true });
      expect(await count(bot.ctx.store, "projects")).toBe(1);
    });

    it("refuses bad values with Chinese messages and stores nothing", async () => {
      const error = await failure(
        report("张伟", "天悦府二期", {
          startDate: "2026-10-14",
          contractPrice: "一千万",
          paymentProgress: "120",
        }),
      );

      expect(error.code).toBe("invalid_input");
      expect(error.issues).toEqual([
        {
          field: "startDate",
          message: "开工时间：晚于今天（2026-10-13），请填写实际开工的日期",
        },
        {
          field: "contractPrice",
          message:
            "合同总造价（万元）：不是数字，请填写以万元为单位的金额，如 1234.56",
        },
        {
          field: "paymentProgress",
          message: "工程款拨付进度（%）：不能大于 100",
        },
      ]);
      for (const table of ["projects", "clocks", "auditLog"] as const) {
        expect(await count(bot.ctx.store, table)).toBe(0);
      }
      expect(await outboxSize(bot)).toBe(0);
    });

    it("lets a county authority report its own area only", async () => {
      const elsewhere = await failure(
        report("赵磊", "安居花园", { jurisdiction: "安居区" }),
      );
      const unknown = await failure(
        report("张伟", "安居花园", { jurisdiction: "火星区" }),
      );
      const own = await report("赵磊", "船山花园", { jurisdiction: "船山" });
      const city = await report("张伟", "安居花园", {
        jurisdiction: "遂宁市安居区",
      });

      expect(elsewhere.issues).toEqual([
        {
          field: "jurisdiction",
          message:
            "管辖区域：船山区住建局只能报送船山区的项目；" +
            "安居区的项目请由安居区的行业主管部门报送",
        },
      ]);
      expect(unknown.userMessage).toBe(
        "管辖区域：“火星区”不是本市的县（市、区）、园区或市本级，请填写如“市本级”",
      );
      expect(await projectRow(own.projectId)).toMatchObject({
        region: "chuanshan",
        hrssUnitId: await unitId(bot, "chuanshan.hrss"),
      });
      expect((await projectRow(city.projectId)).region).toBe("anju");
    });

    it("takes reports from industry authorities only", async () => {
      const hrss = await failure(report("王建国", "天悦府二期"));
      const noRole = await failure(report("钱进", "天悦府二期"));

      expect(hrss.code).toBe("forbidden");
      expect(noRole.code).toBe("forbidden");
      expect(await count(bot.ctx.store, "projects")).toBe(0);
    });
  });

  describe("site checks", () => {
    let projectId: number;

    beforeEach(async () => {
      ({ projectId } = await report("张伟", "天悦府二期"));
    });

    const check = (who: string, values: Record<string, unknown>) =>
      bot.projects.recordCheck(people[who], projectId, values);

    it("records a late check; findings start the correction clock", async () => {
      clock.set(at("2026-10-29T15:00"));
      const outcome = await check("王建国", {
        submissionId: "check-0001",
        checkDate: "2026-10-29",
        findings: ["转包", "wage_rules"],
        note: "劳务分包合同未备案。",
        correctionDeadline: "2026-11-06",
      });

      const view = await bot.projects.project(
        people["王建国"].person,
        projectId,
      );
      expect(view.project.status).toBe("correcting");
      expect(view.check).toMatchObject({
        inspectors: "王建国",
        checkDate: "2026-10-29",
        lateDays: 2,
        findings: '["subcontract_whole","wage_rules"]',
        correctionDeadline: "2026-11-06",
      });
      expect(view.checkClock).toMatchObject({ status: "stopped", lateDays: 2 });
      expect(view.correctionClock).toMatchObject({
        status: "open",
        unitId: housing,
        dueDate: "2026-11-06",
      });
      expect(outcome.message).toBe(
        "已登记天悦府二期的现场核查（超过核查期限 2 个工作日），" +
          "发现问题：转包、其他工资支付制度未落实；" +
          "已通知市住房城乡建设局于 2026年11月6日前整改。",
      );
      const told = await queued(bot, `project:${projectId}:findings`);
      expect(told.map((m) => m.targetId).sort()).toEqual(
        [idOf("张伟"), idOf("陈静"), idOf("刘洋")].sort(),
      );
      expect(told[0].text).toContain(
        "发现问题：转包、其他工资支付制度未落实。",
      );
      expect(told[0].text).toContain("于 2026年11月6日前整改到位");
    });

    it("refuses a check dated before the report arrived", async () => {
      const early = await failure(
        check("王建国", { checkDate: "2026-10-12", findings: [] }),
      );
      expect(early.issues.map((i) => i.field)).toEqual(["checkDate"]);
      expect(early.issues[0].message).toContain("不能早于收到报送的日期");
    });

    it("asks for a correction deadline with findings, and a sane one", async () => {
      const missing = await failure(
        check("王建国", { checkDate: "2026-10-13", findings: "挂靠" }),
      );
      const before = await failure(
        check("王建国", {
          checkDate: "2026-10-13",
          findings: ["挂靠"],
          correctionDeadline: "2026-10-12",
        }),
      );

      expect(missing.issues).toEqual([
        {
          field: "correctionDeadline",
          message: "整改期限：发现问题时请填写整改期限",
        },
      ]);
      expect(before.issues.map((i) => i.message)).toEqual([
        "整改期限：应晚于核查日期",
      ]);
      expect(await count(bot.ctx.store, "siteChecks")).toBe(0);
    });

    it("is recorded by the HRSS the report went to, once", async () => {
      const county = await failure(
        check("马晓林", { checkDate: "2026-10-13" }),
      );
      const authority = await failure(
        check("张伟", { checkDate: "2026-10-13" }),
      );
      await check("王建国", { checkDate: "2026-10-13" });
      const twice = await failure(check("王建国", { checkDate: "2026-10-13" }));

      expect(county.code).toBe("forbidden");
      expect(authority.code).toBe("forbidden");
      expect(twice.code).toBe("already_checked");
      expect((await projectRow(projectId)).status).toBe("checked");
    });

    it("records the correction, late, and tells HRSS", async () => {
      await check("王建国", {
        checkDate: "2026-10-13",
        findings: ["挂靠"],
        correctionDeadline: "2026-11-06",
      });
      clock.set(at("2026-11-10T10:00"));

      const outcome = await bot.projects.markCorrected(
        people["张伟"],
        projectId,
        { correctedDate: "2026-11-10", note: "已解除挂靠关系" },
      );

      const view = await bot.projects.project(people["张伟"].person, projectId);
      expect(view.project.status).toBe("corrected");
      expect(view.check).toMatchObject({
        correctedDate: "2026-11-10",
        correctionLateDays: 2,
      });
      expect(view.correctionClock).toMatchObject({
        status: "stopped",
        lateDays: 2,
      });
      expect(outcome.message).toBe(
        "已登记天悦府二期整改完成，超过整改期限 2 个工作日。",
      );
      const told = await queued(bot, `project:${projectId}:corrected`);
      expect(told.map((m) => m.targetId)).toEqual([idOf("王建国")]);
    });
  });

  describe("clues and omissions", () => {
    const clue = (name: string, builder: string, unit = transport) =>
      bot.projects.recordClue(people["王建国"], {
        source: "12345政府热线",
        learnedDate: "2026-10-12",
        name,
        builder,
        responsibleUnitId: String(unit),
      });

    it("proposes a reported project named another way, never deciding", async () => {
      const target = await report("张伟", "天悦府（二期）项目");
      await report("张伟", "天悦府三期");
      await report("张伟", "滨江花园", { builder: "四川某房地产开发有限公司" });

      const { clueId, message } = await clue(
        "遂宁·天悦府二期",
        "遂宁某置业有限责任公司",
        housing,
      );
      const candidates = await bot.projects.candidates(
        people["王建国"].person,
        clueId,
      );

      expect(message).toContain("找到 2 个可能相同的已报送项目");
      expect(candidates.map((c) => c.name)).toEqual([
        "天悦府（二期）项目",
        "天悦府三期",
      ]);
      expect(candidates[0]).toMatchObject({
        projectId: target.projectId,
        nameScore: 1,
      });
      expect(candidates[1].score).toBeLessThan(candidates[0].score);
      const row = await bot.projects.clue(people["王建国"].person, clueId);
      expect(row.status).toBe("unmatched");

      await bot.projects.confirmMatch(
        people["王建国"],
        clueId,
        target.projectId,
      );
      expect(
        (await bot.projects.clue(people["王建国"].person, clueId)).status,
      ).toBe("matched");
    });

    it("matches a clue only to a project the deciding HRSS may see", async () => {
      const city = await report("张伟", "天悦府二期");
      const { clueId } = await bot.projects.recordClue(people["马晓林"], {
        source: "自行巡查",
        learnedDate: "2026-10-12",
        name: "完全不同的工程",
        builder: "某公司",
        responsibleUnitId: String(await unitId(bot, "chuanshan.housing")),
      });
      const refused = await failure(
        bot.projects.confirmMatch(people["马晓林"], clueId, city.projectId),
      );
      expect(refused.code).toBe("forbidden");
      expect(
        (await bot.projects.clue(people["王建国"].person, clueId)).status,
      ).toBe("unmatched");
    });

    it("counts omissions per unit and year; 5 puts a unit on the list", async () => {
      const natres = await unitId(bot, "city.natres");
      for (let i = 1; i <= 5; i++) {
        const { clueId } = await clue(`物流园${i}号仓库`, "某物流公司");
        await bot.projects.confirmOmission(people["王建国"], clueId);
      }
      for (let i = 1; i <= 4; i++) {
        const { clueId } = await clue(`安置小区${i}期`, "", natres);
        await bot.projects.confirmOmission(people["李红梅"], clueId);
      }

      const hrss = people["王建国"].person;
      expect(await bot.projects.omissionCounts(hrss, 2026)).toEqual([
        { unitId: transport, unitName: "市交通运输局", omissions: 5 },
        { unitId: natres, unitName: "市自然资源和规划局", omissions: 4 },
      ]);
      expect(await bot.projects.omissionCounts(hrss, 2025)).toEqual([]);
      const list = await bot.projects.officeList(hrss, 2026);
      expect(list.omissions).toEqual([
        { unitId: transport, unitName: "市交通运输局", omissions: 5 },
      ]);
      const told = await queued(bot, "clue:");
      const last = told.filter((m) => m.targetId === idOf("郑涛")).at(-1)!;
      expect(last.text).toContain("本单位 2026 年累计漏报 5 个项目。");
      expect(last.text).toContain("按联动机制报市政府办公室");
    });

    it("will not call a reported project an omission", async () => {
      await report("张伟", "天悦府二期");
      const { clueId } = await clue(
        "天悦府 二期",
        "遂宁某置业有限公司",
        housing,
      );

      const error = await failure(
        bot.projects.confirmOmission(people["王建国"], clueId),
      );

      expect(error.code).toBe("clue_was_reported");
      expect(
        await bot.projects.omissionCounts(people["王建国"].person, 2026),
      ).toEqual([]);
    });

    it("decides a clue once, by HRSS only", async () => {
      const { clueId } = await clue("物流园仓库", "某物流公司");
      const byAuthority = await failure(
        bot.projects.confirmOmission(people["郑涛"], clueId),
      );
      await bot.projects.confirmOmission(people["王建国"], clueId, {
        submissionId: "omission-0001",
      });
      const repeat = await bot.projects.confirmOmission(
        people["王建国"],
        clueId,
        { submissionId: "omission-0001" },
      );
      const again = await failure(
        bot.projects.confirmOmission(people["李红梅"], clueId),
      );

      expect(byAuthority.code).toBe("forbidden");
      expect(repeat.duplicate).toBe(true);
      expect(again.code).toBe("clue_decided");
    });
  });
});
