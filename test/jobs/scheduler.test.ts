import { spawnSync } from "node:child_process";
import cron from "node-cron";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseArgs } from "../../jobs/cli.js";
import { startDeliveryLoop } from "../../jobs/deliver.js";
import { dispatch, startScheduler } from "../../jobs/scheduler.js";
import type { Bot } from "../../src/boot.js";
import { ManualClock, timeOf } from "../../src/time.js";
import { at, clockAt } from "../helpers/time.js";
import {
  botEngines,
  captureLog,
  person,
  simInbox,
  sourceCase,
  unitId,
} from "./harness.js";

const [sqlite] = botEngines();

describe("the scheduler", () => {
  let bot: Bot;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    const capture = captureLog();
    lines = capture.lines;
    ({ bot } = await sqlite.open(clockAt("2026-09-30T09:00"), {
      log: capture.log,
    }));
  });

  afterEach(() => sqlite.release());

  it("runs each job at its Shanghai time, whatever the zone", () => {
    const scheduler = startScheduler(bot);
    try {
      const next = scheduler.nextRuns();

      expect(Object.keys(next).sort()).toEqual([
        "campaign-tick",
        "morning-reminder",
        "overdue-digest",
        "weekly-summary",
      ]);
      expect(timeOf(next["morning-reminder"]!.getTime())).toBe("09:00");
      expect(timeOf(next["overdue-digest"]!.getTime())).toBe("09:30");
      expect(timeOf(next["weekly-summary"]!.getTime())).toBe("09:00");
      // Campaign reminders every five minutes, holidays included.
      const tick = next["campaign-tick"]!.getTime();
      expect(Number(timeOf(tick).slice(3)) % 5).toBe(0);
      expect(tick - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    } finally {
      scheduler.stop();
    }
  });

  it("removes its tasks when stopped", () => {
    const before = cron.getTasks().size;
    const scheduler = startScheduler(bot);
    const running = cron.getTasks().size;

    scheduler.stop();

    expect(running).toBe(before + 4);
    expect(cron.getTasks().size).toBe(before);
  });

  it("refuses a schedule that is not a cron expression", () => {
    const broken = {
      ...bot,
      ctx: {
        ...bot.ctx,
        config: {
          ...bot.ctx.config,
          schedules: { ...bot.ctx.config.schedules, overdueDigest: "9:30" },
        },
      },
    };

    expect(() => startScheduler(broken)).toThrow(/overdue-digest.*SCHEDULE_/);
  });

  it("logs a failing job instead of throwing", async () => {
    await bot.close();

    await expect(dispatch(bot, "morning-reminder")).resolves.toBeUndefined();

    expect(lines.filter((l) => l.level === 50)).toMatchObject([
      { job: "morning-reminder", msg: "morning-reminder failed" },
    ]);
  });
});

describe("the delivery loop", () => {
  afterEach(async () => {
    vi.useRealTimers();
    await sqlite.release();
  });

  it("delivers what is due at every poll, until stopped", async () => {
    const { bot } = await sqlite.open(clockAt("2026-09-29T10:00"));
    const wang = await person(bot, "王建国");
    const zhang = await person(bot, "张伟");
    const inbox = `person:${zhang.person.id}`;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const loop = startDeliveryLoop(bot);
    const housing = await unitId(bot, "city.housing");

    await bot.referrals.create(wang, sourceCase(housing));
    const before = await simInbox(bot, inbox);
    await vi.advanceTimersByTimeAsync(bot.ctx.config.outboxPollMs);
    await vi.waitFor(async () => {
      expect(await simInbox(bot, inbox)).toHaveLength(1);
    });
    loop.stop();

    expect(before).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("npm run job", () => {
  it("reads a job name, an instant and --force", () => {
    const args = parseArgs(["overdue-digest", "--at", "2026-10-12T09:30"]);

    expect(args?.name).toBe("overdue-digest");
    expect(args?.force).toBe(false);
    expect((args?.clock as ManualClock).now()).toBe(at("2026-10-12T09:30"));
    expect(parseArgs(["deliver", "--force"])?.force).toBe(true);
  });

  it("rejects what it does not know", () => {
    expect(parseArgs([])).toBeUndefined();
    expect(parseArgs(["remind"])).toBeUndefined();
    expect(parseArgs(["deliver", "--at", "soon"])).toBeUndefined();
    expect(parseArgs(["deliver", "--at"])).toBeUndefined();
    expect(parseArgs(["deliver", "--later"])).toBeUndefined();
  });

  it("answers an unknown job with usage, in Chinese and English, and 2", () => {
    const child = spawnSync("npx", ["tsx", "jobs/cli.ts", "remind"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: "sqlite::memory:" },
    });

    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(
      /^用法 \/ usage: npm run job -- <morning-reminder\|/,
    );
  });
});
