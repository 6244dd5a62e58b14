import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/projects/service.js";
import { atTime, type ManualClock } from "../../src/time.js";
import { typed } from "../projects/support.js";
import { at, clockAt } from "../helpers/time.js";
import { botEngines, person, queued, sourceCase, unitId } from "./harness.js";

describe.each(botEngines())("projects in the jobs on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let wang: Acting;
  let li: Acting;
  let zhang: Acting;
  let liu: Acting;
  let zheng: Acting;
  let transport: number;

  beforeEach(async () => {
    clock = clockAt("2026-10-13T10:00");
    ({ bot } = await engine.open(clock));
    wang = await person(bot, "王建国");
    li = await person(bot, "李红梅");
    zhang = await person(bot, "张伟");
    liu = await person(bot, "刘洋");
    zheng = await person(bot, "郑涛");
    transport = await unitId(bot, "city.transport");
  });

  afterEach(() => engine.release());

  async function on(date: string, job: "overdue-digest" | "morning-reminder") {
    clock.set(atTime(date, job === "overdue-digest" ? "09:30" : "09:00"));
    return runJob(job, bot);
  }

  async function omissions(n: number, from = 1) {
    for (let i = from; i < from + n; i++) {
      const { clueId } = await bot.projects.recordClue(wang, {
        source: "网络平台",
        learnedDate: "2026-10-12",
        name: `物流园${i}号仓库`,
        responsibleUnitId: transport,
      });
      await bot.projects.confirmOmission(wang, clueId);
    }
  }

  const registered = async () => {
    const { escalations, omissionEscalations } = bot.ctx.store.t;
    return {
      clocks: await bot.ctx.store.db.select().from(escalations),
      omissions: await bot.ctx.store.db.select().from(omissionEscalations),
    };
  };

  it("lists a unit's fifth omission once, however often it runs", async () => {
    await omissions(4);
    await on("2026-10-14", "overdue-digest");
    const atFour = await queued(bot, "project-escalate:");
    clock.set(at("2026-10-14T11:00"));
    await omissions(1, 5);

    clock.set(atTime("2026-10-15", "09:30"));
    const together = await Promise.all([
      runJob("overdue-digest", bot, { force: true }),
      runJob("overdue-digest", bot, { force: true }),
    ]);
    await on("2026-10-15", "overdue-digest");
    clock.set(at("2026-10-15T11:00"));
    await omissions(1, 6);
    await on("2026-10-16", "overdue-digest");

    expect(atFour).toEqual([]);
    const lists = await queued(bot, "project-escalate:");
    expect(lists.map((m) => m.dedupeKey)).toEqual([
      `project-escalate:${li.person.id}:2026-10-15`,
    ]);
    expect(lists[0].text).toContain("- 市交通运输局｜2026 年漏报 5 个");
    const listed = together.map((r) => r.counts.projectsEscalated);
    expect(listed.sort()).toEqual([0, 1]);
    expect((await registered()).omissions).toEqual([
      {
        unitId: transport,
        year: 2026,
        omissions: 5,
        escalatedOn: "2026-10-15",
      },
    ]);
  });

  it("tells a late report to the unit's leaders; 5 days lists it", async () => {
    clock.set(at("2026-10-19T10:00"));
    const four = await bot.projects.report(zhang, typed("天悦府二期"));
    clock.set(at("2026-10-20T10:00"));
    const five = await bot.projects.report(zhang, typed("天悦府三期"));

    const first = await on("2026-10-21", "overdue-digest");
    await on("2026-10-22", "overdue-digest");

    expect(first.counts).toMatchObject({
      projectsOverdue: 2,
      projectDigests: 1,
      projectsEscalated: 1,
      projectLists: 1,
    });
    const [digest, ...more] = await queued(bot, "project-digest:");
    expect(more).toEqual([]);
    expect(digest.targetId).toBe(liu.person.id);
    expect(digest.text.split("\n").slice(1)).toEqual([
      "本单位 2 个新开工项目未在开工后 5 个工作日内报送：",
      `- [天悦府二期](http://localhost:3000/projects/${four.projectId})` +
        "｜开工 9月30日，10月19日报送，迟报 4 个工作日",
      `- [天悦府三期](http://localhost:3000/projects/${five.projectId})` +
        "｜开工 9月30日，10月20日报送，迟报 5 个工作日",
    ]);
    const lists = await queued(bot, "project-escalate:");
    expect(lists.map((m) => m.targetId)).toEqual([li.person.id]);
    expect(lists[0].text).not.toContain("天悦府二期");
    expect((await registered()).clocks).toMatchObject([
      { subjectType: "project", subjectId: five.projectId, overdueDays: 5 },
    ]);
  });

  it("counts a late report nobody can be told of", async () => {
    clock.set(at("2026-10-19T10:00"));
    await bot.projects.report(
      zheng,
      typed("涪江大桥改建工程", { builder: "遂宁市交通运输局" }),
    );

    const result = await on("2026-10-20", "overdue-digest");

    expect(result.counts).toMatchObject({
      projectsOverdue: 1,
      projectDigests: 0,
      unaddressed: 1,
    });
    expect(await queued(bot, "project-digest:")).toEqual([]);
  });

  it("puts referrals and projects in one reminder for a unit", async () => {
    const { projectId } = await bot.projects.report(zhang, typed("天悦府二期"));
    await bot.projects.recordCheck(wang, projectId, {
      checkDate: "2026-10-13",
      findings: ["挂靠"],
      correctionDeadline: "2026-10-15",
    });
    const housing = await unitId(bot, "city.housing");
    await bot.referrals.create(
      wang,
      sourceCase(housing, {
        foundDate: "2026-10-12",
        referralDate: "2026-10-13",
      }),
    );

    const result = await on("2026-10-14", "morning-reminder");

    const [reminder] = await queued(bot, `remind:${zhang.person.id}:`);
    const lines = reminder.text.split("\n");
    expect(lines[1]).toBe("市住房城乡建设局有 1 件待办：");
    expect(lines.slice(3)).toEqual([
      "市住房城乡建设局待整改的项目 1 个：",
      `- [天悦府二期](http://localhost:3000/projects/${projectId})` +
        "｜问题：挂靠｜整改期限 10月15日（剩余 1 个工作日）",
    ]);
    expect(result.counts.items).toBe(2);
    expect(await queued(bot, `remind:${wang.person.id}:`)).toEqual([]);
  });
});
