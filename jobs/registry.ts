/**
 * The jobs by name, and `runJob`, the one way to run any of them: from the
 * scheduler, from `npm run job`, from the simulator's pages and from
 * tests. It takes the run lock, runs the job once and logs one summary
 * line with its counts.
 */
import type { Bot } from "../src/boot.js";
import { dateOf } from "../src/time.js";
import * as campaignTick from "./campaign-tick.js";
import * as deliver from "./deliver.js";
import type { Job, JobRun } from "./job.js";
import { acquireRun, failRun, finishRun } from "./lock.js";
import * as morningReminder from "./morning-reminder.js";
import * as overdueDigest from "./overdue-digest.js";
import * as weeklySummary from "./weekly-summary.js";

export type JobName =
  | "morning-reminder"
  | "overdue-digest"
  | "weekly-summary"
  | "campaign-tick"
  | "deliver";

export const JOBS: Readonly<Record<JobName, Job>> = {
  "morning-reminder": morningReminder,
  "overdue-digest": overdueDigest,
  "weekly-summary": weeklySummary,
  "campaign-tick": campaignTick,
  deliver,
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

export interface RunOptions {
  /**
   * Run even if this period's run is done or held by another process.
   * Messages keep their dedupe keys, so nothing goes out twice.
   */
  force?: boolean;
  /** Rows read per query; for tests of the paging. */
  batchSize?: number;
}

export interface RunOutcome {
  summary: string;
  /** False when the run stood aside: not the day, or already run. */
  ran: boolean;
  counts: Record<string, number>;
}

/** Runs a job once, now by the bot's clock. */
export async function runJob(
  name: JobName,
  bot: Bot,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const job = JOBS[name];
  const now = bot.ctx.clock.now();
  const log = bot.ctx.log.child({ name: "job", job: name });
  const run: JobRun = {
    bot,
    now,
    today: dateOf(now),
    cal: await bot.ctx.calendars.get(),
    log,
    batchSize: options.batchSize,
  };

  const reason = job.skip?.(run);
  if (reason) {
    return standAside(log, `${name} ${run.today}: nothing to do, ${reason}`);
  }

  const key = job.runKey?.(run);
  if (key && !options.force) {
    const lock = await acquireRun(bot.ctx.store, name, key, now);
    if (!lock.acquired) {
      const why =
        lock.status === "done" ? "already done" : "running in another process";
      return standAside(log, `${name} ${key}: ${why}`);
    }
    if (lock.takenOver) {
      log.warn({ runKey: key }, "taking over a run that did not finish");
    }
  }

  try {
    const result = await job.run(run);
    const summary = `${name} ${key ?? run.today}: ${result.summary}`;
    if (key && !options.force) {
      await finishRun(bot.ctx.store, name, key, summary, bot.ctx.clock.now());
    }
    log.info({ runKey: key, forced: options.force, ...result.counts }, summary);
    return { summary, ran: true, counts: result.counts };
  } catch (error) {
    if (key && !options.force) {
      const reason = error instanceof Error ? error.message : String(error);
      await failRun(bot.ctx.store, name, key, reason, bot.ctx.clock.now());
    }
    throw error;
  }
}

function standAside(log: Bot["ctx"]["log"], summary: string): RunOutcome {
  log.info(summary);
  return { summary, ran: false, counts: {} };
}
