/**
 * Calendar overrides in the database: loading a year's schedule (or a
 * correction) from a file, and building the Calendar the rest of the bot
 * uses.
 */
import { z } from "zod";
import { and, eq, gte, lte } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { audit, type Actor } from "../audit.js";
import { AppError } from "../errors.js";
import { isValidDate } from "../time.js";
import { Calendar } from "./calendar.js";

const daySchema = z.object({
  date: z.string().refine(isValidDate, "不是有效日期（应为 YYYY-MM-DD）"),
  workday: z.boolean(),
  name: z.string().max(64).optional(),
});

/**
 * A schedule file. With `year`, it is that year's whole schedule: it
 * replaces earlier overrides of the year and marks the year as covered.
 * Without, it corrects single days.
 */
export const scheduleFileSchema = z
  .object({
    year: z.number().int().min(2000).max(2100).optional(),
    source: z.string().min(1, "请写明依据（如国务院办公厅通知文号）").max(255),
    days: z.array(daySchema).min(1, "至少列出一天"),
  })
  .superRefine((file, ctx) => {
    // A date listed twice leaves the day's kind to chance: refuse it.
    const seen = new Set<string>();
    file.days.forEach((d, i) => {
      if (seen.has(d.date)) {
        ctx.addIssue({
          code: "custom",
          path: ["days", i, "date"],
          message: `${d.date} 重复列出`,
        });
      }
      seen.add(d.date);
    });
    if (file.year === undefined) {
      return;
    }
    file.days.forEach((d, i) => {
      if (!d.date.startsWith(`${file.year}-`)) {
        ctx.addIssue({
          code: "custom",
          path: ["days", i, "date"],
          message: `${d.date} 不在 ${file.year} 年内`,
        });
      }
    });
  });

export type ScheduleFile = z.infer<typeof scheduleFileSchema>;

export async function loadCalendar(store: Store): Promise<Calendar> {
  const { calendarDays, calendarYears } = store.t;
  const [days, years] = await Promise.all([
    store.db.select().from(calendarDays),
    store.db.select().from(calendarYears),
  ]);
  return new Calendar(days, new Set(years.map((y) => y.year)));
}

export function parseScheduleFile(text: string): ScheduleFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("calendar_file_invalid", "节假日文件不是有效的 JSON。");
  }
  // zod's own messages (missing field, wrong type) in Chinese too.
  const parsed = scheduleFileSchema.safeParse(raw, {
    error: z.locales.zhCN().localeError,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      "calendar_file_invalid",
      `节假日文件${where(issue.path)}：${issue.message}`,
    );
  }
  return parsed.data;
}

/** ["days", 3, "date"] → " days 第 4 项的 date"; [] → "" (the whole file). */
function where(path: PropertyKey[]): string {
  const parts = path.map((p) =>
    typeof p === "number" ? `第 ${p + 1} 项` : String(p),
  );
  return parts.length ? ` ${parts.join(" ").replace(/项 /g, "项的 ")}` : "";
}

/**
 * Writes a schedule into the overrides. Returns the earliest date it
 * touched, from which open clocks must be recomputed.
 */
export async function saveSchedule(
  store: Store,
  file: ScheduleFile,
  actor: Actor,
  now: number,
): Promise<string> {
  const { calendarDays, calendarYears } = store.t;
  const dates = file.days.map((d) => d.date).sort();

  await store.tx(async (q) => {
    if (file.year !== undefined) {
      await q
        .delete(calendarDays)
        .where(
          and(
            gte(calendarDays.date, `${file.year}-01-01`),
            lte(calendarDays.date, `${file.year}-12-31`),
          ),
        );
      await q.delete(calendarYears).where(eq(calendarYears.year, file.year));
      await q.insert(calendarYears).values({
        year: file.year,
        source: file.source,
        loadedAt: now,
      });
    }
    for (const day of file.days) {
      await q.delete(calendarDays).where(eq(calendarDays.date, day.date));
      await q.insert(calendarDays).values({
        date: day.date,
        workday: day.workday,
        name: day.name ?? null,
        loadedAt: now,
      });
    }
    await audit(store, q, {
      actor,
      at: now,
      subjectType: "calendar",
      subjectId: file.year ?? 0,
      action: "calendar.load",
      detail: { source: file.source, year: file.year, days: file.days },
    });
  });
  return file.year !== undefined ? `${file.year}-01-01` : dates[0];
}
