/**
 * Wires the jobs to node-cron, in Asia/Shanghai whatever the server's time
 * zone, and starts the outbox delivery loop. It only dispatches: what a
 * job does, and whether it already ran, is the job's and the registry's
 * business. A failing job is logged; the process goes on.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Bot } from "../src/boot.js";
import { startDeliveryLoop } from "./deliver.js";
import { JOB_NAMES, JOBS, runJob, type JobName } from "./registry.js";

export const TIME_ZONE = "Asia/Shanghai";

export interface Scheduler {
  /** When each scheduled job runs next. */
  nextRuns(): Partial<Record<JobName, Date | null>>;
  stop(): void;
}

export function startScheduler(bot: Bot): Scheduler {
  const log = bot.ctx.log.child({ name: "scheduler" });
  const tasks = new Map<JobName, ScheduledTask>();

  for (const name of JOB_NAMES) {
    const expression = JOBS[name].schedule?.(bot.ctx.config);
    if (!expression) {
      continue;
    }
    if (!cron.validate(expression)) {
      throw new Error(
        `configuration: the schedule of ${name} is not a cron expression: ` +
          `"${expression}" (see the SCHEDULE_* variables)`,
      );
    }
    const task = cron.createTask(expression, () => dispatch(bot, name), {
      name,
      timezone: TIME_ZONE,
      noOverlap: true,
    });
    tasks.set(name, task);
  }

  for (const task of tasks.values()) {
    void task.start();
  }
  const delivery = startDeliveryLoop(bot);
  log.info({ jobs: [...tasks.keys()] }, "scheduler started");

  return {
    nextRuns: () =>
      Object.fromEntries(
        [...tasks].map(([name, task]) => [name, task.getNextRun()]),
      ),
    stop() {
      delivery.stop();
      for (const task of tasks.values()) {
        void task.destroy();
      }
      log.info("scheduler stopped");
    },
  };
}

/** Runs a job for cron; never lets an error escape into the timer. */
export async function dispatch(bot: Bot, name: JobName): Promise<void> {
  try {
    await runJob(name, bot);
  } catch (error) {
    bot.ctx.log
      .child({ name: "job", job: name })
      .error({ err: error }, `${name} failed`);
  }
}
