/**
 * The run lock: one row in job_runs per job and run key (a date, a week).
 * Whoever inserts the row runs the job; everyone else, in this process or
 * another, stands aside. A run that died without finishing leaves its row
 * "running" until `locked_until` passes, after which another run may take
 * it over.
 */
import { and, eq, lte, ne } from "drizzle-orm";
import type { Store } from "../db/index.js";

/** Longer than any run takes; a crashed run blocks the day this long. */
export const LOCK_MS = 10 * 60_000;

export type LockOutcome =
  | { acquired: true; takenOver: boolean }
  | { acquired: false; status: string; startedAt: number };

export async function acquireRun(
  store: Store,
  job: string,
  runKey: string,
  now: number,
): Promise<LockOutcome> {
  const { jobRuns } = store.t;
  const claim = { status: "running", lockedUntil: now + LOCK_MS };

  const inserted = await store.insertIfAbsent(store.db, jobRuns, {
    job,
    runKey,
    ...claim,
    startedAt: now,
  });
  if (inserted) {
    return { acquired: true, takenOver: false };
  }

  // Taken: free only if that run ended without finishing and its lease
  // is over. The condition is in the UPDATE so that one taker wins.
  const row = and(eq(jobRuns.job, job), eq(jobRuns.runKey, runKey));
  const result = await store.db
    .update(jobRuns)
    .set({ ...claim, startedAt: now, finishedAt: null })
    .where(and(row, ne(jobRuns.status, "done"), lte(jobRuns.lockedUntil, now)));
  if (store.changes(result) === 1) {
    return { acquired: true, takenOver: true };
  }

  const [existing] = await store.db.select().from(jobRuns).where(row);
  return {
    acquired: false,
    status: existing?.status ?? "running",
    startedAt: existing?.startedAt ?? now,
  };
}

/** Marks a run done, with the summary it logged. */
export async function finishRun(
  store: Store,
  job: string,
  runKey: string,
  summary: string,
  now: number,
): Promise<void> {
  const { jobRuns } = store.t;
  await store.db
    .update(jobRuns)
    .set({ status: "done", finishedAt: now, summary })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.runKey, runKey)));
}

/**
 * Releases a run that failed, so that the next attempt (a rerun by hand,
 * or tomorrow's schedule for a daily key) may take it over at once.
 */
export async function failRun(
  store: Store,
  job: string,
  runKey: string,
  reason: string,
  now: number,
): Promise<void> {
  const { jobRuns } = store.t;
  await store.db
    .update(jobRuns)
    .set({
      status: "failed",
      lockedUntil: now,
      finishedAt: now,
      summary: reason.slice(0, 1000),
    })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.runKey, runKey)));
}
