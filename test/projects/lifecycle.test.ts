/**
 * New projects from report to the government office's list, through the
 * simulator channel, with the clock moved day by day across National Day
 * 2026 and every job run at its hour, twice:
 *
 * - 09-30 (Wed) three projects start; reports are due at the end of
 *   10-13 (10-01..10-07 are holidays, Saturday 10-10 is a working day).
 * - 10-13 the housing bureau reports 天悦府二期 on time; 10-19 transport
 *   reports 涪江大桥改建工程 4 working days late; 10-20 housing reports
 *   滨江花园三期 5 working days late: only that one is listed, 10-21.
 * - 天悦府二期's site check is due 10-27; HRSS records it on 10-29, late,
 *   with findings to correct by 11-06. The housing bureau is reminded
 *   from 11-04, its leader told on 11-09, and it corrects on 11-12.
 * - HRSS records clues: one is 天悦府二期 under another name (confirmed
 *   as reported); four omissions of natural resources, five of transport
 *   (11-02..11-06): transport is listed on 11-09, natural resources not.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobName } from "../../jobs/registry.js";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/projects/service.js";
import {
  addDays,
  atTime,
  dateOf,
  timeOf,
  type IsoDate,
} from "../../src/time.js";
import { clockAt } from "../helpers/time.js";
import {
  botEngines,
  person,
  simInbox,
  textOf,
  unitId,
} from "../jobs/harness.js";
import { typed } from "./support.js";

const FIRST_DAY = "2026-09-28";
const LAST_DAY = "2026-11-20";

/** Each job at its default hour, then delivery. */
const TIMETABLE: [string, JobName][] = [
  ["09:00", "morning-reminder"],
  ["09:00", "weekly-summary"],
  ["09:30", "overdue-digest"],
  ["09:35", "deliver"],
];

describe.each(botEngines())(
  "new projects over two months on $name",
  (engine) => {
    const clock = clockAt(`${FIRST_DAY}T08:00`);
    let bot: Bot;
    let people: Record<string, Acting>;
    let units: Record<string, number>;
    const ids: Record<string, number> = {};
    const outcomes: Record<string, string> = {};

    beforeAll(async () => {
      ({ bot } = await engine.open(clock));
      people = {};
      for (const name of ["王建国", "李红梅", "张伟", "陈静", "刘洋", "郑涛"]) {
        people[name] = await person(bot, name);
      }
      units = {
        housing: await unitId(bot, "city.housing"),
        transport: await unitId(bot, "city.transport"),
        natres: await unitId(bot, "city.natres"),
      };
    });

    afterAll(() => engine.release());

    const idOf = (name: string) => people[name].person.id;

    async function report(who: string, name: string, changes = {}) {
      const outcome = await bot.projects.report(
        people[who],
        typed(name, {
          submissionId: `report-${name.length}-${who.length}`,
          ...changes,
        }),
      );
      ids[name] = outcome.projectId;
      outcomes[name] = outcome.message;
    }

    const check = (name: string, values: Record<string, unknown>) =>
      bot.projects.recordCheck(people["王建国"], ids[name], values);

    async function omission(unit: string, name: string, learnedDate: IsoDate) {
      const { clueId } = await bot.projects.recordClue(people["王建国"], {
        source: "自行巡查",
        learnedDate,
        name,
        responsibleUnitId: units[unit],
      });
      await bot.projects.confirmOmission(people["王建国"], clueId, {
        submissionId: `omission-${clueId}`,
      });
    }

    /** What happens on a day at 10:00, besides the jobs. */
    const events: Record<IsoDate, () => Promise<unknown>> = {
      "2026-10-13": () => report("张伟", "天悦府二期"),
      "2026-10-19": () =>
        report("郑涛", "涪江大桥改建工程", {
          jurisdiction: "射洪市",
          builder: "遂宁市交通运输局",
        }),
      "2026-10-20": () =>
        report("陈静", "滨江花园三期", { builder: "四川某房地产开发有限公司" }),
      "2026-10-22": async () => {
        const { clueId } = await bot.projects.recordClue(people["王建国"], {
          source: "12345政府热线",
          learnedDate: "2026-10-21",
          name: "遂宁·天悦府二期",
          builder: "遂宁某置业有限责任公司",
          responsibleUnitId: units.housing,
        });
        const [best] = await bot.projects.candidates(
          people["王建国"].person,
          clueId,
        );
        expect(best.projectId).toBe(ids["天悦府二期"]);
        await bot.projects.confirmMatch(
          people["王建国"],
          clueId,
          best.projectId,
        );
      },
      "2026-10-26": () => omission("natres", "安置小区一期", "2026-10-23"),
      "2026-10-27": () => omission("natres", "安置小区二期", "2026-10-23"),
      "2026-10-28": () => omission("natres", "安置小区三期", "2026-10-23"),
      "2026-10-29": async () => {
        await omission("natres", "安置小区四期", "2026-10-23");
        clock.set(atTime("2026-10-29", "15:00"));
        await check("天悦府二期", {
          submissionId: "check-0001",
          checkDate: "2026-10-29",
          findings: ["转包", "其他工资支付制度未落实"],
          correctionDeadline: "2026-11-06",
        });
      },
      "2026-10-30": async () => {
        await check("涪江大桥改建工程", { checkDate: "2026-10-30" });
        await check("滨江花园三期", { checkDate: "2026-10-30" });
      },
      "2026-11-02": () => omission("transport", "物流园1号仓库", "2026-10-30"),
      "2026-11-03": () => omission("transport", "物流园2号仓库", "2026-10-30"),
      "2026-11-04": () => omission("transport", "物流园3号仓库", "2026-10-30"),
      "2026-11-05": () => omission("transport", "物流园4号仓库", "2026-10-30"),
      "2026-11-06": () => omission("transport", "物流园5号仓库", "2026-10-30"),
      "2026-11-12": () =>
        bot.projects.markCorrected(people["张伟"], ids["天悦府二期"], {
          submissionId: "corrected-a",
          correctedDate: "2026-11-12",
          note: "已解除转包关系，工资由总包代发",
        }),
    };

    async function runJobs(day: IsoDate) {
      for (const [time, job] of TIMETABLE) {
        clock.set(atTime(day, time));
        await runJob(job, bot);
      }
    }

    /** The messages a person was shown that start with `head`, by day. */
    async function shown(name: string, head: string) {
      return (await simInbox(bot, `person:${idOf(name)}`)).filter((m) =>
        m.text.startsWith(head),
      );
    }
    const days = (messages: { createdAt: number }[]) =>
      messages.map((m) => dateOf(m.createdAt));

    it("runs every job twice a day from 09-28 to 11-20", async () => {
      for (let day = FIRST_DAY; day <= LAST_DAY; day = addDays(day, 1)) {
        await runJobs(day);
        await runJobs(day);
        const event = events[day];
        if (event) {
          clock.set(atTime(day, "10:00"));
          await event();
        }
        clock.set(atTime(day, "16:00"));
        await runJob("deliver", bot);
      }
    }, 600_000);

    it("records each report's timeliness against 10-13", async () => {
      const late = async (name: string) =>
        (await bot.projects.project(people["王建国"].person, ids[name])).project
          .reportLateDays;

      expect(await late("天悦府二期")).toBe(0);
      expect(await late("涪江大桥改建工程")).toBe(4);
      expect(await late("滨江花园三期")).toBe(5);
      expect(outcomes["滨江花园三期"]).toContain(
        "迟报 5 个工作日（应于 2026年10月13日前报送）",
      );
    });

    it("lists only the report 5 working days late, and 5 omissions", async () => {
      const list = await bot.projects.officeList(people["李红梅"].person, 2026);

      expect(list.lateReports.map((u) => u.unitName)).toEqual([
        "市住房城乡建设局",
      ]);
      expect(list.lateReports[0].projects.map((p) => p.name)).toEqual([
        "滨江花园三期",
      ]);
      expect(list.omissions).toEqual([
        { unitId: units.transport, unitName: "市交通运输局", omissions: 5 },
      ]);
      const { escalations, omissionEscalations } = bot.ctx.store.t;
      expect(await bot.ctx.store.db.select().from(escalations)).toMatchObject([
        {
          unitId: units.housing,
          subjectType: "project",
          subjectId: ids["滨江花园三期"],
          overdueDays: 5,
          escalatedOn: "2026-10-21",
        },
      ]);
      expect(await bot.ctx.store.db.select().from(omissionEscalations)).toEqual(
        [
          {
            unitId: units.transport,
            year: 2026,
            omissions: 5,
            escalatedOn: "2026-11-09",
          },
        ],
      );
    });

    it("gives HRSS's leader the office list on 10-21 and 11-09", async () => {
      const lists = await shown("李红梅", "**拟报市政府办公室");

      expect(days(lists)).toEqual(["2026-10-21", "2026-11-09"]);
      expect(lists[0].text.split("\n")).toEqual([
        "**拟报市政府办公室 · 10月21日**",
        "以下 1 个新开工项目迟报 5 个工作日以上，按联动机制应报市政府办公室：",
        `- [滨江花园三期](http://localhost:3000/projects/${ids["滨江花园三期"]})` +
          "｜市住房城乡建设局｜开工 9月30日，10月20日报送，迟报 5 个工作日",
        "以上已记入报送登记。",
      ]);
      expect(lists[1].text.split("\n").slice(1)).toEqual([
        "以下单位累计漏报新开工项目 5 个以上，按联动机制应报市政府办公室：",
        "- 市交通运输局｜2026 年漏报 5 个",
        "以上已记入报送登记。",
      ]);
    });

    it("reminds HRSS of the check due, and tells its leader when late", async () => {
      const reminders = await shown("王建国", "**待办提醒");
      const digests = await shown("李红梅", "**新开工项目逾期");

      expect(days(reminders)).toEqual([
        "2026-10-23",
        "2026-10-26",
        "2026-10-27",
        "2026-10-28",
        "2026-10-29",
        "2026-10-30",
      ]);
      expect(reminders[3].text.split("\n")).toEqual([
        "**待办提醒 · 10月28日**",
        "市人力资源社会保障局待现场核查的新开工项目 1 个：",
        `- [天悦府二期](http://localhost:3000/projects/${ids["天悦府二期"]})` +
          "｜市住房城乡建设局报送｜核查期限 10月27日（已逾期 1 个工作日）",
      ]);
      expect(days(digests)).toEqual(["2026-10-28", "2026-11-09"]);
      expect(digests[0].text).toContain(
        "本单位 1 个新开工项目已超过现场核查期限，请尽快核查：",
      );
      const view = await bot.projects.project(
        people["王建国"].person,
        ids["天悦府二期"],
      );
      expect(view.check).toMatchObject({
        checkDate: "2026-10-29",
        lateDays: 2,
      });
    });

    it("reminds the unit of the correction, then tells its leader", async () => {
      const correction = [
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
        "2026-11-09",
        "2026-11-10",
        "2026-11-11",
        "2026-11-12",
      ];
      for (const name of ["张伟", "陈静"]) {
        expect(days(await shown(name, "**待办提醒")), name).toEqual(correction);
      }
      expect(await shown("郑涛", "**待办提醒")).toEqual([]);
      const [first] = await shown("张伟", "**待办提醒");
      expect(first.text.split("\n").slice(1)).toEqual([
        "市住房城乡建设局待整改的项目 1 个：",
        `- [天悦府二期](http://localhost:3000/projects/${ids["天悦府二期"]})` +
          "｜问题：转包、其他工资支付制度未落实｜整改期限 11月6日（剩余 2 个工作日）",
      ]);

      const digests = await shown("刘洋", "**新开工项目逾期");
      expect(days(digests)).toEqual(["2026-10-21", "2026-11-09"]);
      expect(digests[0].text.split("\n").slice(1)).toEqual([
        "本单位 1 个新开工项目未在开工后 5 个工作日内报送：",
        `- [滨江花园三期](http://localhost:3000/projects/${ids["滨江花园三期"]})` +
          "｜开工 9月30日，10月20日报送，迟报 5 个工作日",
      ]);
      expect(digests[1].text).toContain(
        "本单位 1 个项目的问题已超过整改期限，请督促整改：",
      );
      const hrss = await shown("李红梅", "**新开工项目逾期");
      expect(hrss[1].text).toContain(
        "本单位核查发现问题的 1 个项目已超过整改期限：",
      );
      const view = await bot.projects.project(
        people["张伟"].person,
        ids["天悦府二期"],
      );
      expect(view.correctionClock).toMatchObject({
        status: "stopped",
        lateDays: 4,
      });
    });

    it("tells the unit of each omission as it is confirmed", async () => {
      const told = await shown("郑涛", "【漏报】");

      expect(days(told)).toEqual([
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
        "2026-11-06",
      ]);
      expect(told[4].text).toContain("本单位 2026 年累计漏报 5 个项目。");
    });

    it("counts projects in the weekly summary, managers masked", async () => {
      const { chatGroups } = bot.ctx.store.t;
      const [group] = await bot.ctx.store.db.select().from(chatGroups);
      const weekly = (await simInbox(bot, `group:${group.id}`)).filter((m) =>
        m.text.startsWith("**联动机制周报"),
      );
      const on = (day: string) =>
        weekly.find((m) => dateOf(m.createdAt) === day)!.text.split("\n");

      expect(on("2026-09-28").join("\n")).not.toContain("新开工项目");
      expect(on("2026-10-26").slice(5, 7)).toEqual([
        "新开工项目：上周报送 2 个（迟报 2 个），现场核查 0 个，确认漏报 0 个",
        "新开工项目当前：待现场核查 3 个，待整改 0 个",
      ]);
      expect(on("2026-11-09").slice(5, 9)).toEqual([
        "新开工项目：上周报送 0 个，现场核查 0 个，确认漏报 5 个",
        "新开工项目当前：待现场核查 0 个，待整改 1 个（逾期 1 个）",
        "- 市住房城乡建设局｜天悦府二期（项目负责人张*，138****0001）" +
          "｜整改已逾期 1 个工作日",
        "2026 年累计漏报：市交通运输局 5 个，市自然资源和规划局 4 个",
      ]);
      for (const m of weekly) {
        expect(m.text).not.toContain("13800000001");
        expect(m.text).not.toContain("张三");
      }
    });

    it("sends nothing twice, and nothing off working hours", async () => {
      const { simMessages } = bot.ctx.store.t;
      const all = await bot.ctx.store.db.select().from(simMessages);

      const seen = new Set<string>();
      for (const m of all) {
        const key = `${m.inbox} ${m.payload}`;
        expect(seen.has(key), textOf(m.payload)).toBe(false);
        seen.add(key);
      }
      const cal = await bot.ctx.calendars.get();
      for (const m of all) {
        const day = dateOf(m.createdAt);
        expect(cal.isWorkday(day), `${day}: ${textOf(m.payload)}`).toBe(true);
        expect(timeOf(m.createdAt) >= "08:30").toBe(true);
        expect(timeOf(m.createdAt) < "17:30").toBe(true);
      }
    });
  },
);
