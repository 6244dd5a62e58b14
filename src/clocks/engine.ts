/**
 * The clock engine: the one place where deadlines are computed. Workflows
 * start, stop and extend clocks; jobs ask which clocks are due. Due clocks
 * are found through the (status, due_at) index, never by loading them all.
 */
import { and, asc, eq, gt, inArray, lte, or } from "drizzle-orm";
import type { Db, Store } from "../../db/index.js";
import type { Calendar, DayInfo } from "../calendar/calendar.js";
import type { Logger } from "../logger.js";
import {
  dateOf,
  endOfDate,
  formatDateCn,
  startOfDate,
  type IsoDate,
} from "../time.js";
import { CLOCK_RULES, type RuleName } from "./rules.js";

export type ClockRow = typeof import("../../db/schema.js").clocks.$inferSelect;

export interface ClockStart {
  subjectType: string;
  subjectId: number;
  rule: RuleName;
  unitId: number;
  startDate: IsoDate;
}

export class ClockEngine {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Starts a clock; returns it with its deadline computed. */
  async start(
    q: Db,
    cal: Calendar,
    spec: ClockStart,
    now: number,
  ): Promise<ClockRow> {
    const workdays = CLOCK_RULES[spec.rule].workdays;
    const count = cal.addWorkdays(spec.startDate, workdays);
    this.warnIfProvisional(spec, count.unknownDays);
    const row = {
      ...spec,
      status: "open",
      workdays,
      extensionDays: 0,
      originalDueDate: count.due,
      dueDate: count.due,
      dueAt: endOfDate(count.due),
      provisional: count.unknownDays.length > 0,
      escalationLevel: 0,
      stoppedAt: null,
      lateDays: null,
      createdAt: now,
    };
    const id = await this.store.insert(q, this.store.t.clocks, row);
    return { id, ...row };
  }

  /**
   * Stops a clock at an instant; records how many working days late it
   * was. Stopping a stopped clock changes nothing.
   */
  async stop(
    q: Db,
    cal: Calendar,
    clock: ClockRow,
    now: number,
    onDate: IsoDate = dateOf(now),
  ) {
    if (clock.status !== "open") {
      return clock;
    }
    const today = onDate;
    const late =
      today > clock.dueDate ? cal.workdaysAfter(clock.dueDate, today) : 0;
    const { clocks } = this.store.t;
    await q
      .update(clocks)
      .set({ status: "stopped", stoppedAt: now, lateDays: late || null })
      .where(and(eq(clocks.id, clock.id), eq(clocks.status, "open")));
    return {
      ...clock,
      status: "stopped",
      stoppedAt: now,
      lateDays: late || null,
    };
  }

  /** Opens a stopped clock again, with the same deadline. */
  async reopen(q: Db, clock: ClockRow) {
    const { clocks } = this.store.t;
    await q
      .update(clocks)
      .set({ status: "open", stoppedAt: null, lateDays: null })
      .where(eq(clocks.id, clock.id));
    return { ...clock, status: "open", stoppedAt: null, lateDays: null };
  }

  /** Hands a clock to another unit (a case passed down or redirected). */
  async reassign(q: Db, clock: ClockRow, unitId: number) {
    const { clocks } = this.store.t;
    await q.update(clocks).set({ unitId }).where(eq(clocks.id, clock.id));
    return { ...clock, unitId };
  }

  /** Moves a deadline by extra working days; the original stays on record. */
  async extend(q: Db, cal: Calendar, clock: ClockRow, extraDays: number) {
    const extensionDays = clock.extensionDays + extraDays;
    const count = cal.addWorkdays(
      clock.startDate,
      clock.workdays + extensionDays,
    );
    const { clocks } = this.store.t;
    const update = {
      extensionDays,
      dueDate: count.due,
      dueAt: endOfDate(count.due),
      provisional: count.unknownDays.length > 0,
    };
    await q.update(clocks).set(update).where(eq(clocks.id, clock.id));
    return { ...clock, ...update };
  }

  async forSubject(q: Db, subjectType: string, subjectId: number) {
    const { clocks } = this.store.t;
    return q
      .select()
      .from(clocks)
      .where(
        and(
          eq(clocks.subjectType, subjectType),
          eq(clocks.subjectId, subjectId),
        ),
      );
  }

  /**
   * Open clocks whose deadline ends at or before `horizon` (an instant),
   * in deadline order, optionally for some rules or below an escalation
   * level. Uses the (status, due_at) index. To read them in pages, pass
   * the last row of a page as `after` (`afterId` alone skips clocks with
   * a smaller id but a later deadline).
   */
  async findDue(options: {
    horizon: number;
    rules?: RuleName[];
    belowLevel?: number;
    limit?: number;
    /** The last row of the previous page. */
    after?: Pick<ClockRow, "dueAt" | "id">;
  }): Promise<ClockRow[]> {
    const { clocks } = this.store.t;
    const conditions = [
      eq(clocks.status, "open"),
      lte(clocks.dueAt, options.horizon),
    ];
    if (options.rules) {
      conditions.push(inArray(clocks.rule, options.rules));
    }
    if (options.belowLevel !== undefined) {
      conditions.push(lte(clocks.escalationLevel, options.belowLevel - 1));
    }
    const after = options.after;
    if (after) {
      conditions.push(
        or(
          gt(clocks.dueAt, after.dueAt),
          and(eq(clocks.dueAt, after.dueAt), gt(clocks.id, after.id)),
        )!,
      );
    }
    return this.store.db
      .select()
      .from(clocks)
      .where(and(...conditions))
      .orderBy(asc(clocks.dueAt), asc(clocks.id))
      .limit(options.limit ?? 1000);
  }

  /**
   * Open clocks overdue by at least `k` working days on `today`, a page at
   * a time like findDue.
   */
  async findOverdue(
    cal: Calendar,
    today: IsoDate,
    k: number,
    page: { belowLevel?: number; limit?: number; after?: ClockRow } = {},
  ) {
    const lastDue = cal.dueDateOverdueBy(today, k);
    return this.findDue({ horizon: endOfDate(lastDue), ...page });
  }

  /**
   * Raises a clock's escalation level. Returns false when another run got
   * there first, so each step fires once per clock.
   */
  async escalate(q: Db, clockId: number, level: number): Promise<boolean> {
    const { clocks } = this.store.t;
    const result = await q
      .update(clocks)
      .set({ escalationLevel: level })
      .where(
        and(eq(clocks.id, clockId), lte(clocks.escalationLevel, level - 1)),
      );
    return this.store.changes(result) === 1;
  }

  /**
   * Recomputes open clocks after the calendar changed on or after
   * `fromDate`, in batches. Returns how many deadlines moved.
   */
  async recomputeOpen(cal: Calendar, fromDate: IsoDate): Promise<number> {
    const { clocks } = this.store.t;
    let moved = 0;
    let afterId = 0;
    for (;;) {
      const batch = await this.store.db
        .select()
        .from(clocks)
        .where(
          and(
            eq(clocks.status, "open"),
            gt(clocks.id, afterId),
            or(
              eq(clocks.provisional, true),
              gt(clocks.dueAt, startOfDate(fromDate)),
            ),
          ),
        )
        .orderBy(asc(clocks.id))
        .limit(500);
      if (batch.length === 0) {
        return moved;
      }
      await this.store.tx(async (q) => {
        for (const clock of batch) {
          const count = cal.addWorkdays(
            clock.startDate,
            clock.workdays + clock.extensionDays,
          );
          const original = cal.addWorkdays(clock.startDate, clock.workdays).due;
          const provisional = count.unknownDays.length > 0;
          if (
            count.due !== clock.dueDate ||
            provisional !== clock.provisional ||
            original !== clock.originalDueDate
          ) {
            moved++;
            await q
              .update(clocks)
              .set({
                dueDate: count.due,
                dueAt: endOfDate(count.due),
                originalDueDate: original,
                provisional,
              })
              .where(eq(clocks.id, clock.id));
          }
        }
      });
      afterId = batch[batch.length - 1].id;
    }
  }

  private warnIfProvisional(spec: ClockStart, unknownDays: IsoDate[]) {
    if (unknownDays.length === 0) {
      return;
    }
    const years = [...new Set(unknownDays.map((d) => d.slice(0, 4)))];
    this.log.warn(
      {
        code: "calendar_data_missing",
        rule: spec.rule,
        subjectType: spec.subjectType,
        subjectId: spec.subjectId,
        years,
      },
      `CALENDAR DATA MISSING: deadline counted across ${years.join(", ")} ` +
        "without a holiday schedule; load it with `npm run calendar -- load FILE`",
    );
  }
}

export interface Explanation {
  rule: string;
  start: IsoDate;
  workdays: number;
  extensionDays: number;
  originalDueDate: IsoDate;
  dueDate: IsoDate;
  provisional: boolean;
  days: (DayInfo & { counted?: number })[];
  lines: string[];
}

/** How a clock's deadline was counted, day by day, in Chinese. */
export function explainClock(cal: Calendar, clock: ClockRow): Explanation {
  const label = CLOCK_RULES[clock.rule as RuleName]?.label ?? clock.rule;
  if (clock.workdays === 0 && clock.extensionDays === 0) {
    // A deadline someone set as a date (a correction): nothing was counted.
    return {
      rule: label,
      start: clock.startDate,
      workdays: 0,
      extensionDays: 0,
      originalDueDate: clock.originalDueDate,
      dueDate: clock.dueDate,
      provisional: false,
      days: [],
      lines: [
        `${label}：由办理人员定为 ${formatDateCn(clock.dueDate)}，截止当日 24:00` +
          "（指定日期，不按工作日推算）。",
      ],
    };
  }
  const total = clock.workdays + clock.extensionDays;
  const count = cal.addWorkdays(clock.startDate, total);
  let n = 0;
  const days = count.days.map((d) => (d.workday ? { ...d, counted: ++n } : d));

  const lines = [
    `${label}：自 ${formatDateCn(clock.startDate)} 起算（当日不计入），` +
      `计 ${clock.workdays} 个工作日` +
      (clock.extensionDays
        ? `，另经批准延期 ${clock.extensionDays} 个工作日`
        : "") +
      `，截止 ${formatDateCn(count.due)} 24:00。`,
  ];
  for (const d of days) {
    lines.push(`${d.date} ${describeDay(d)}`);
  }
  if (clock.extensionDays) {
    lines.push(`原定期限：${formatDateCn(clock.originalDueDate)}。`);
  }
  if (count.unknownDays.length > 0) {
    lines.push(
      `注意：${[...new Set(count.unknownDays.map((d) => d.slice(0, 4)))].join("、")}` +
        " 年的放假安排尚未载入，期限暂按法定节假日和周末推算（未计调休），载入后将自动重算。",
    );
  }
  return {
    rule: label,
    start: clock.startDate,
    workdays: clock.workdays,
    extensionDays: clock.extensionDays,
    originalDueDate: clock.originalDueDate,
    dueDate: count.due,
    provisional: count.unknownDays.length > 0,
    days,
    lines,
  };
}

function describeDay(d: DayInfo & { counted?: number }): string {
  const guess = d.known ? "" : "；放假安排未载入，暂按常规推算";
  switch (d.kind) {
    case "workday":
      return d.known
        ? `第 ${d.counted} 个工作日`
        : `第 ${d.counted} 个工作日（放假安排未载入，暂按常规推算）`;
    case "makeup":
      return `第 ${d.counted} 个工作日（${d.name ?? ""}调休上班）`;
    case "holiday":
      return `不计（${d.name ?? "节假日"}${guess}）`;
    default:
      return `不计（周末${guess}）`;
  }
}
