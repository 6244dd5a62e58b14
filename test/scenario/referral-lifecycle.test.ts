/**
 * A source case from referral to closing, through the simulator channel,
 * with the clock moved day by day and every job run at its hour, twice,
 * and on some days by two processes at once:
 *
 * - 09-29 (Tue) HRSS (王建国) refers a case found on 09-25 to the city
 *   housing bureau; feedback is due 30 working days later, on 11-16.
 * - 10-01..10-07 National Day; 10-10 (Sat) is a make-up working day.
 * - 10-09 张伟 signs and passes the case down to 船山区住建局;
 *   10-12 赵磊 signs there.
 * - 11-17 first working day overdue: the leaders' digest;
 *   11-23 five working days overdue: escalation to the HRSS leader.
 * - 11-25 feedback, 7 working days late; 11-26 HRSS accepts it.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobName } from "../../jobs/registry.js";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { Calendar } from "../../src/calendar/calendar.js";
import type { Acting } from "../../src/referrals/service.js";
import {
  addDays,
  atTime,
  dateOf,
  parseInstant,
  timeOf,
  type IsoDate,
} from "../../src/time.js";
import { clockAt } from "../helpers/time.js";
import {
  botEngines,
  botEnv,
  person,
  simInbox,
  sourceCase,
  textOf,
  unitId,
} from "../jobs/harness.js";

const FIRST_DAY = "2026-09-29";
const LAST_DAY = "2026-12-04";

/** Each job at its default hour, then delivery. */
const TIMETABLE: [string, JobName][] = [
  ["09:00", "morning-reminder"],
  ["09:00", "weekly-summary"],
  ["09:30", "overdue-digest"],
  ["09:35", "deliver"],
];

/** Days on which two processes run each job at the same moment. */
const TWO_PROCESS_DAYS = ["2026-10-10", "2026-11-17", "2026-11-23"];

/** Days on which every job is also forced to run a third time. */
const FORCED_DAYS = ["2026-10-12", "2026-11-24"];

/** Working days on which the city liaisons have something listed. */
const CITY_REMINDER_DAYS = [
  "2026-09-30",
  "2026-10-08",
  "2026-10-09",
  "2026-11-12",
  "2026-11-13",
  "2026-11-16",
  "2026-11-17",
  "2026-11-18",
  "2026-11-19",
  "2026-11-20",
  "2026-11-23",
  "2026-11-24",
  "2026-11-25",
];

const COUNTY_REMINDER_DAYS = [
  "2026-10-10",
  "2026-10-12",
  ...CITY_REMINDER_DAYS.slice(3),
];

const WEEKLY_DAYS = [
  "2026-09-29", // the bot starts on a Tuesday: the week's summary goes out
  "2026-10-08", // Monday 10-05 is a holiday, as are 10-06 and 10-07
  "2026-10-12",
  "2026-10-19",
  "2026-10-26",
  "2026-11-02",
  "2026-11-09",
  "2026-11-16",
  "2026-11-23",
  "2026-11-30",
];

describe.each(botEngines())("a referral's lifecycle on $name", (engine) => {
  const clock = clockAt(`${FIRST_DAY}T08:00`);
  let bot: Bot;
  let url: string;
  let cal: Calendar;
  let people: Record<string, Acting>;
  let units: Record<string, number>;
  let referralId: number;
  let referOutcome: string;
  const childRuns: { job: JobName; day: IsoDate; summaries: string[] }[] = [];

  beforeAll(async () => {
    ({ bot, url } = await engine.open(clock, { shared: true }));
    cal = await bot.ctx.calendars.get();
    people = {};
    for (const name of [
      "王建国",
      "李红梅",
      "张伟",
      "陈静",
      "刘洋",
      "赵磊",
      "孙丽",
    ]) {
      people[name] = await person(bot, name);
    }
    units = {
      housing: await unitId(bot, "city.housing"),
      chuanshan: await unitId(bot, "chuanshan.housing"),
    };
  });

  afterAll(() => engine.release());

  const idOf = (name: string) => people[name].person.id;

  /** A card button, clicked in the simulator. */
  const click = (user: string, cardKey: string, action: string) =>
    bot.actions.handle({
      channel: "sim",
      eventKey: `click-${user}-${action}-${cardKey}`,
      externalUserId: user,
      cardKey,
      action,
      values: {},
    });

  /** What happens on a day, at a time, besides the jobs. */
  const events: Record<IsoDate, [string, () => Promise<unknown>][]> = {
    "2026-09-29": [
      [
        "10:00",
        async () => {
          const outcome = await bot.referrals.create(
            people["王建国"],
            sourceCase(units.housing, { foundDate: "2026-09-25" }),
          );
          referralId = outcome.referralId;
          referOutcome = outcome.message;
        },
      ],
    ],
    "2026-10-09": [
      [
        "10:00",
        () =>
          click(
            "demo-zhangw",
            `referral:${referralId}:unit:${units.housing}`,
            "referral.sign",
          ),
      ],
      [
        "15:00",
        () =>
          bot.referrals.passDown(people["张伟"], referralId, {
            submissionId: "pass-down-0001",
            unitId: units.chuanshan,
            note: "属船山区管辖项目",
          }),
      ],
    ],
    "2026-10-12": [
      [
        "10:00",
        () =>
          click(
            "demo-zhaol",
            `referral:${referralId}:unit:${units.chuanshan}`,
            "referral.sign",
          ),
      ],
    ],
    "2026-11-25": [
      [
        "10:00",
        () =>
          bot.referrals.submitFeedback(people["赵磊"], referralId, {
            submissionId: "feedback-0001",
            handlerContact: "赵磊",
            handlerPhone: "13800000006",
            recoveredWorkers: "12",
            recoveredAmount: "123456.70",
            penalty: "责令限期支付",
            summary: "已督促总包单位足额支付 12 名农民工工资",
          }),
      ],
    ],
    "2026-11-26": [
      [
        "10:00",
        () =>
          click(
            "demo-wangjg",
            `referral:${referralId}:referrer`,
            "referral.accept",
          ),
      ],
    ],
  };

  async function runJobsInProcess(day: IsoDate, force = false) {
    for (const [time, job] of TIMETABLE) {
      clock.set(atTime(day, time));
      await runJob(job, bot, { force });
    }
  }

  async function runJobsInTwoProcesses(day: IsoDate) {
    for (const [time, job] of TIMETABLE) {
      const at = `${day}T${time}`;
      const results = await Promise.all([
        runCli(url, job, at),
        runCli(url, job, at),
      ]);
      for (const result of results) {
        expect(result.code, result.stderr).toBe(0);
      }
      childRuns.push({ job, day, summaries: results.map((r) => r.summary) });
    }
  }

  it("refers on 09-29 with the feedback deadline on 11-16", async () => {
    await runJobsInProcess(FIRST_DAY);
    await runJobsInProcess(FIRST_DAY);
    for (const [time, event] of events[FIRST_DAY]) {
      clock.set(atTime(FIRST_DAY, time));
      await event();
    }

    const clocks = await bot.ctx.clocks.forSubject(
      bot.ctx.store.db,
      "referral",
      referralId,
    );
    const feedback = clocks.find((c) => c.rule === "referral.feedback")!;
    expect(feedback.dueDate).toBe("2026-11-16");
    expect(referOutcome).toContain("反馈期限 2026年11月16日");
    expect(cal.addWorkdays(FIRST_DAY, 30).due).toBe("2026-11-16");

    clock.set(atTime(FIRST_DAY, "16:00"));
    await runJob("deliver", bot);
    const notice = await simInbox(bot, `person:${idOf("张伟")}`);
    expect(notice.map((m) => m.text.split("\n")[0])).toEqual([
      "【移送通知】滨江花园项目欠薪案",
    ]);
    expect(notice[0].text).toContain("2026年11月16日");
  });

  it("runs every job twice a day until well past the deadline", async () => {
    const second = addDays(FIRST_DAY, 1);
    for (let day = second; day <= LAST_DAY; day = addDays(day, 1)) {
      if (TWO_PROCESS_DAYS.includes(day)) {
        await runJobsInTwoProcesses(day);
      } else {
        await runJobsInProcess(day);
      }
      await runJobsInProcess(day);
      if (FORCED_DAYS.includes(day)) {
        await runJobsInProcess(day, true);
      }

      for (const [time, event] of events[day] ?? []) {
        clock.set(atTime(day, time));
        await event();
      }
      clock.set(atTime(day, "16:00"));
      await runJob("deliver", bot);
    }

    const { referrals } = bot.ctx.store.t;
    const [row] = await bot.ctx.store.db.select().from(referrals);
    expect(row.status).toBe("closed");
  }, 600_000);

  it("lets one of two processes run each locked job", () => {
    expect(childRuns).toHaveLength(TWO_PROCESS_DAYS.length * TIMETABLE.length);
    for (const { job, day, summaries } of childRuns) {
      const idle = summaries.every((s) => /nothing to do/.test(s));
      if (job === "deliver" || idle) {
        continue;
      }
      const aside = summaries.filter((s) =>
        /: (already done|running in another process)$/.test(s),
      );
      const what = `${job} on ${day}: ${summaries.join(" / ")}`;
      // A week's summary sent on an earlier day: both stand aside.
      const doneThisWeek =
        job === "weekly-summary" && !WEEKLY_DAYS.includes(day);
      expect(aside, what).toHaveLength(doneThisWeek ? summaries.length : 1);
    }
  });

  it("reminds the right liaisons on working days only", async () => {
    const reminders = async (name: string) =>
      (await simInbox(bot, `person:${idOf(name)}`))
        .filter((m) => m.text.startsWith("**待办提醒"))
        .map((m) => dateOf(m.createdAt));

    expect(await reminders("张伟")).toEqual(CITY_REMINDER_DAYS);
    expect(await reminders("陈静")).toEqual(CITY_REMINDER_DAYS);
    expect(await reminders("赵磊")).toEqual(COUNTY_REMINDER_DAYS);
    for (const name of ["王建国", "李红梅", "刘洋", "孙丽"]) {
      expect(await reminders(name), name).toEqual([]);
    }

    const county = await simInbox(bot, `person:${idOf("赵磊")}`);
    const lastDay = county
      .filter((m) => m.text.startsWith("**待办提醒"))
      .at(-1)!;
    expect(lastDay.text.split("\n")).toEqual([
      "**待办提醒 · 11月25日**",
      "船山区住建局有 1 件待办：",
      `- [遂人社移〔2026〕1号](http://localhost:3000/referrals/${referralId})` +
        " 滨江花园项目欠薪案｜反馈期限 11月16日（已逾期 7 个工作日）",
    ]);
    const city = await simInbox(bot, `person:${idOf("陈静")}`);
    const supervised = city.filter((m) => m.text.includes("督办 1 件："));
    expect(supervised.map((m) => dateOf(m.createdAt))).toEqual(
      CITY_REMINDER_DAYS.slice(3),
    );
  });

  it("sends the leaders' digest on the first working day overdue", async () => {
    const digests = async (name: string) =>
      (await simInbox(bot, `person:${idOf(name)}`)).filter((m) =>
        m.text.startsWith("**逾期未反馈"),
      );

    const county = await digests("孙丽");
    const city = await digests("刘洋");

    expect(county.map((m) => dateOf(m.createdAt))).toEqual(["2026-11-17"]);
    expect(county[0].text).toContain("本单位 1 件移送案件已超过反馈期限");
    expect(county[0].text).toContain("反馈期限 11月16日（已逾期 1 个工作日）");
    expect(city.map((m) => dateOf(m.createdAt))).toEqual(["2026-11-17"]);
    expect(city[0].text).toContain("本单位督办的 1 件已超过反馈期限");
    expect(await digests("李红梅")).toEqual([]);
  });

  it("escalates to the HRSS leader 5 working days overdue", async () => {
    const lists = (await simInbox(bot, `person:${idOf("李红梅")}`)).filter(
      (m) => m.text.startsWith("**拟报市政府办公室"),
    );

    expect(lists.map((m) => dateOf(m.createdAt))).toEqual(["2026-11-23"]);
    expect(cal.workdaysAfter("2026-11-16", "2026-11-20")).toBe(4);
    expect(lists[0].text).toContain(
      "滨江花园项目欠薪案｜船山区住建局｜反馈期限 11月16日（已逾期 5 个工作日）",
    );
    const register = await bot.ctx.store.db
      .select()
      .from(bot.ctx.store.t.escalations);
    expect(register).toMatchObject([
      {
        unitId: units.chuanshan,
        subjectType: "referral",
        subjectId: referralId,
        overdueDays: 5,
        escalatedOn: "2026-11-23",
      },
    ]);
  });

  it("posts the weekly summary on each week's first day", async () => {
    const { chatGroups } = bot.ctx.store.t;
    const [group] = await bot.ctx.store.db.select().from(chatGroups);
    const weekly = (await simInbox(bot, `group:${group.id}`)).filter((m) =>
      m.text.startsWith("**联动机制周报"),
    );
    const on = (day: string) =>
      weekly.find((m) => dateOf(m.createdAt) === day)!.text.split("\n");

    expect(weekly.map((m) => dateOf(m.createdAt))).toEqual(WEEKLY_DAYS);
    expect(on("2026-10-08")).toEqual([
      "**联动机制周报 · 9月28日—10月4日**",
      "上周：新移送 1 件，签收 0 件，办结 0 件",
      "上周追回工资：0 人，0.00 元",
      "当前：待签收 1 件，待反馈 0 件，待审核 0 件",
      "逾期未反馈：无",
      "人社部门：[导出反馈表](http://localhost:3000/exports)，" +
        "或向机器人发送“导出 反馈表 2026-10”",
    ]);
    expect(on("2026-10-12").slice(1, 2)).toEqual([
      "上周：新移送 0 件，签收 1 件，办结 0 件",
    ]);
    expect(on("2026-10-19").slice(1, 4)).toEqual([
      "上周：新移送 0 件，签收 1 件，办结 0 件",
      "上周追回工资：0 人，0.00 元",
      "当前：待签收 0 件，待反馈 1 件，待审核 0 件",
    ]);
    expect(on("2026-11-23").slice(3)).toEqual([
      "当前：待签收 0 件，待反馈 1 件，待审核 0 件",
      "逾期未反馈 1 件：船山区住建局 1 件",
      "- 船山区住建局｜遂人社移〔2026〕1号 滨江花园项目欠薪案" +
        "（投诉人张*）｜已逾期 5 个工作日",
      "人社部门：[导出反馈表](http://localhost:3000/exports)，" +
        "或向机器人发送“导出 反馈表 2026-11”",
    ]);
    expect(on("2026-11-30")).toEqual([
      "**联动机制周报 · 11月23日—11月29日**",
      "上周：新移送 0 件，签收 0 件，办结 1 件",
      "上周追回工资：12 人，123,456.70 元",
      "当前：待签收 0 件，待反馈 0 件，待审核 0 件",
      "逾期未反馈：无",
      "人社部门：[导出反馈表](http://localhost:3000/exports)，" +
        "或向机器人发送“导出 反馈表 2026-11”",
    ]);
    for (const m of weekly) {
      expect(m.text).not.toContain("张三");
    }
  });

  it("sends nothing twice, and nothing off working hours", async () => {
    const { simMessages, outbox } = bot.ctx.store.t;
    const shown = await bot.ctx.store.db.select().from(simMessages);
    const queued = await bot.ctx.store.db.select().from(outbox);

    const seen = new Map<string, number>();
    for (const m of shown) {
      const key = `${m.inbox} ${m.payload}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice).toEqual([]);
    // A card changes in place: one copy per person, however often it changed.
    const cards = shown
      .filter((m) => m.cardKey)
      .map((m) => `${m.inbox} ${m.cardKey}`);
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.filter((c, i) => cards.indexOf(c) !== i)).toEqual([]);

    const jobRows = queued.filter((r) =>
      /^(remind|digest|escalate|weekly):/.test(r.dedupeKey),
    );
    const bodies = jobRows.map(
      (r) => `${r.targetType}:${r.targetId} ${r.payload}`,
    );
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(queued.filter((r) => r.status !== "sent")).toEqual([]);

    for (const m of shown) {
      const day = dateOf(m.createdAt);
      expect(cal.isWorkday(day), `${day}: ${textOf(m.payload)}`).toBe(true);
      expect(timeOf(m.createdAt) >= "08:30").toBe(true);
      expect(timeOf(m.createdAt) < "17:30").toBe(true);
    }
  });
});

/** `npx tsx jobs/cli.ts JOB --at …` against the scenario's database. */
function runCli(
  url: string,
  job: JobName,
  at: string,
): Promise<{ code: number | null; summary: string; stderr: string }> {
  // Parsed here too, so that a typo fails in the test, not in the child.
  parseInstant(at);
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "jobs/cli.ts", job, "--at", at], {
      env: { ...process.env, ...botEnv(url) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      // Log lines are JSON; the summary is the one plain line.
      const summary = stdout
        .split("\n")
        .filter((line) => line && !line.startsWith("{"))
        .join("\n");
      resolve({ code, summary, stderr });
    });
  });
}
