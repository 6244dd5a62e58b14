/**
 * What a scheduled job is: a name, a schedule from the configuration, what
 * one run is "once" per, and a `run()` that may safely run again. The
 * registry adds the run lock and the summary log line around it.
 */
import type { Bot } from "../src/boot.js";
import type { Calendar } from "../src/calendar/calendar.js";
import type { Config } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import type { IsoDate } from "../src/time.js";

/** Everything one run needs, fixed at its start. */
export interface JobRun {
  bot: Bot;
  now: number;
  /** The Shanghai date of `now`. */
  today: IsoDate;
  cal: Calendar;
  log: Logger;
  /** Rows read per query; tests lower it to exercise the paging. */
  batchSize?: number;
}

export interface JobResult {
  summary: string;
  counts: Record<string, number>;
}

export interface Job {
  /** The cron expression (Asia/Shanghai) it runs on; none = not by cron. */
  schedule?(config: Config): string;
  /**
   * What one run is "once" per (a date, an ISO week). Without it the job
   * takes no lock: it is safe to run any number of times at once.
   */
  runKey?(run: JobRun): string;
  /** Why there is nothing to do at this moment, checked before the lock. */
  skip?(run: JobRun): string | undefined;
  run(run: JobRun): Promise<JobResult>;
}
