import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireRun, failRun, LOCK_MS } from "../../jobs/lock.js";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { ManualClock } from "../../src/time.js";
import { at, clockAt } from "../helpers/time.js";
import {
  botEngines,
  captureLog,
  person,
  queued,
  simInbox,
  sourceCase,
  unitId,
} from "./harness.js";

describe.each(botEngines())("running jobs on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    clock = clockAt("2026-09-29T10:00");
    const capture = captureLog();
    lines = capture.lines;
    ({ bot } = await engine.open(clock, { log: capture.log }));
    const wang = await person(bot, "王建国");
    const housing = await unitId(bot, "city.housing");
    await bot.referrals.create(wang, sourceCase(housing));
    await bot.deliverNow();
    clock.set(at("2026-09-30T09:00"));
  });

  afterEach(() => engine.release());

  const runRow = async (job: string, key: string) => {
    const { jobRuns } = bot.ctx.store.t;
    const [row] = await bot.ctx.store.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, job), eq(jobRuns.runKey, key)));
    return row;
  };

  /** Another process's run of the day, started at `startedAt`. */
  const otherRun = (startedAt: number) =>
    bot.ctx.store.db.insert(bot.ctx.store.t.jobRuns).values({
      job: "morning-reminder",
      runKey: "2026-09-30",
      status: "running",
      lockedUntil: startedAt + LOCK_MS,
      startedAt,
    });

  it("logs one summary line with counts and records the run", async () => {
    lines.length = 0;

    const result = await runJob("morning-reminder", bot);

    const jobLines = lines.filter((l) => l.job === "morning-reminder");
    expect(jobLines).toHaveLength(1);
    expect(jobLines[0]).toMatchObject({
      level: 30,
      runKey: "2026-09-30",
      queued: 2,
      units: 1,
      msg: result.summary,
    });
    expect(await runRow("morning-reminder", "2026-09-30")).toMatchObject({
      status: "done",
      summary: result.summary,
    });
  });

  it("stands aside while another process holds the day's run", async () => {
    await otherRun(at("2026-09-30T08:59"));

    const result = await runJob("morning-reminder", bot);

    expect(result.ran).toBe(false);
    expect(result.summary).toBe(
      "morning-reminder 2026-09-30: running in another process",
    );
    expect(await queued(bot, "remind:")).toEqual([]);
  });

  it("takes over a run that crashed once its lock has passed", async () => {
    await otherRun(at("2026-09-30T08:00"));
    clock.set(at("2026-09-30T08:00") + LOCK_MS);

    const result = await runJob("morning-reminder", bot);

    expect(result.ran).toBe(true);
    expect(await queued(bot, "remind:")).toHaveLength(2);
    expect(await runRow("morning-reminder", "2026-09-30")).toMatchObject({
      status: "done",
    });
  });

  it("lets exactly one of two runs at once do the work", async () => {
    const results = await Promise.all([
      runJob("morning-reminder", bot),
      runJob("morning-reminder", bot),
    ]);

    expect(results.map((r) => r.ran).sort()).toEqual([false, true]);
    expect(await queued(bot, "remind:")).toHaveLength(2);
  });

  it("frees a failed run's lock for the next attempt", async () => {
    const store = bot.ctx.store;
    const now = at("2026-09-30T09:00");
    expect(await acquireRun(store, "x", "k", now)).toMatchObject({
      acquired: true,
    });
    expect(await acquireRun(store, "x", "k", now)).toMatchObject({
      acquired: false,
      status: "running",
    });

    await failRun(store, "x", "k", "boom", now);

    expect(await acquireRun(store, "x", "k", now)).toEqual({
      acquired: true,
      takenOver: true,
    });
  });

  it("delivers at office time what a job queued before it", async () => {
    clock.set(at("2026-09-30T07:00"));
    await runJob("morning-reminder", bot);
    const zhang = await person(bot, "张伟");
    const inbox = `person:${zhang.person.id}`;

    const early = await runJob("deliver", bot);
    const reminderBefore = (await simInbox(bot, inbox)).filter((m) =>
      m.text.startsWith("**待办提醒"),
    );
    clock.set(at("2026-09-30T08:30"));
    const onTime = await runJob("deliver", bot);

    expect(early.counts.sent).toBe(0);
    expect(reminderBefore).toEqual([]);
    expect(onTime.counts.sent).toBe(2);
    const texts = (await simInbox(bot, inbox)).map((m) => m.text);
    expect(texts.filter((t) => t.startsWith("**待办提醒"))).toHaveLength(1);
  });
});
