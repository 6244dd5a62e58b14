/**
 * The working-day calendar (spec section 2): the counting rule, overdue
 * days, years without data, and schedules an administrator loads.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../db/index.js";
import { systemActor } from "../../src/audit.js";
import { Calendar } from "../../src/calendar/calendar.js";
import {
  loadCalendar,
  parseScheduleFile,
  saveSchedule,
} from "../../src/calendar/store.js";
import { AppError } from "../../src/errors.js";
import { addDays } from "../../src/time.js";
import { engines } from "../helpers/db.js";
import { at } from "../helpers/time.js";

const YEAR_2027 = new URL("../fixtures/calendar-2027.json", import.meta.url);
const admin = systemActor("cli");

/** The dates counted as working days in an addWorkdays result. */
function counted(cal: Calendar, start: string, n: number): string[] {
  return cal
    .addWorkdays(start, n)
    .days.filter((d) => d.workday)
    .map((d) => d.date);
}

describe("the spec's National Day 2026 example", () => {
  const cal = new Calendar();

  it("counts 5 working days from 2026-09-30 to the end of 10-13", () => {
    const count = cal.addWorkdays("2026-09-30", 5);

    expect(count.due).toBe("2026-10-13");
    expect(counted(cal, "2026-09-30", 5)).toEqual([
      "2026-10-08",
      "2026-10-09",
      "2026-10-10",
      "2026-10-12",
      "2026-10-13",
    ]);
    expect(count.unknownDays).toEqual([]);
  });

  it("treats 10-01..10-07 as the National Day holiday", () => {
    for (let d = "2026-10-01"; d <= "2026-10-07"; d = addDays(d, 1)) {
      expect(cal.day(d)).toMatchObject({
        workday: false,
        kind: "holiday",
        name: "国庆节",
        known: true,
      });
    }
    expect(cal.isWorkday("2026-10-08")).toBe(true);
  });

  it("treats Saturday 2026-10-10 as a make-up working day", () => {
    expect(cal.day("2026-10-10")).toEqual({
      date: "2026-10-10",
      workday: true,
      kind: "makeup",
      name: "国庆节",
      known: true,
    });
    // The weekend around it stays off.
    expect(cal.day("2026-10-11").kind).toBe("weekend");
  });

  it("counts a report on 10-13 on time and 10-20 as 5 days overdue", () => {
    expect(cal.workdaysAfter("2026-10-13", "2026-10-13")).toBe(0);
    expect(cal.workdaysAfter("2026-10-13", "2026-10-14")).toBe(1);
    expect(cal.workdaysAfter("2026-10-13", "2026-10-19")).toBe(4);
    expect(cal.workdaysAfter("2026-10-13", "2026-10-20")).toBe(5);
  });
});

describe("the counting rule", () => {
  const cal = new Calendar();

  it("never counts the day of the event", () => {
    // Monday 10-12 is a working day, but the count starts on Tuesday.
    expect(cal.addWorkdays("2026-10-12", 1).due).toBe("2026-10-13");
    // Friday → the next Monday.
    expect(cal.addWorkdays("2026-10-16", 1).due).toBe("2026-10-19");
  });

  it("starts on the next working day after an event on a day off", () => {
    expect(cal.addWorkdays("2026-10-01", 1).due).toBe("2026-10-08");
    expect(cal.addWorkdays("2026-10-11", 1).due).toBe("2026-10-12");
  });

  it("lists every day after the start, counted or not", () => {
    const count = cal.addWorkdays("2026-09-30", 5);

    expect(count.days.map((d) => d.date)[0]).toBe("2026-10-01");
    expect(count.days.at(-1)?.date).toBe("2026-10-13");
    expect(count.days).toHaveLength(13);
  });

  it("gives the start itself for zero working days", () => {
    expect(cal.addWorkdays("2026-10-01", 0)).toMatchObject({
      due: "2026-10-01",
      days: [],
    });
  });
});

describe("dueDateOverdueBy", () => {
  const cal = new Calendar();

  it("finds 10-13 as the latest deadline 5 days overdue on 10-20", () => {
    expect(cal.dueDateOverdueBy("2026-10-20", 5)).toBe("2026-10-13");
    expect(cal.dueDateOverdueBy("2026-10-21", 5)).toBe("2026-10-14");
  });

  it("steps over the holiday", () => {
    // Working days back from 10-09: 10-09, 10-08, then 09-30.
    expect(cal.dueDateOverdueBy("2026-10-09", 3)).toBe("2026-09-29");
  });

  it("refuses k below 1 instead of searching forever", () => {
    expect(() => cal.dueDateOverdueBy("2026-10-20", 0)).toThrow(RangeError);
    expect(() => cal.dueDateOverdueBy("2026-10-20", 1.5)).toThrow(RangeError);
  });

  it("agrees with workdaysAfter on every day of 2026", () => {
    for (let today = "2026-01-15"; today <= "2026-12-31";) {
      for (const k of [1, 2, 5, 10]) {
        const due = cal.dueDateOverdueBy(today, k);
        // Due on that day: exactly k days overdue; a day later: fewer.
        expect(cal.workdaysAfter(due, today)).toBe(k);
        expect(cal.workdaysAfter(addDays(due, 1), today)).toBe(k - 1);
      }
      today = addDays(today, 1);
    }
  });
});

describe("nextWorkday", () => {
  const cal = new Calendar();

  it("keeps a working day and skips days off", () => {
    expect(cal.nextWorkday("2026-10-09")).toBe("2026-10-09");
    expect(cal.nextWorkday("2026-10-10")).toBe("2026-10-10");
    expect(cal.nextWorkday("2026-10-11")).toBe("2026-10-12");
    expect(cal.nextWorkday("2026-10-01")).toBe("2026-10-08");
  });
});

describe("a year the package has no data for", () => {
  const cal = new Calendar();

  it("knows 2026 and not 2027", () => {
    expect(cal.coveredYears()).toContain(2026);
    expect(cal.coveredYears()).not.toContain(2027);
    expect(cal.hasData("2026-12-31")).toBe(true);
    expect(cal.hasData("2027-01-04")).toBe(false);
  });

  it("keeps the statutory holidays, guesses the rest, and says so", () => {
    expect(cal.day("2027-01-01")).toMatchObject({
      workday: false,
      kind: "holiday",
      name: "元旦",
      known: false,
    });
    expect(cal.day("2027-01-04")).toMatchObject({
      workday: true,
      kind: "workday",
      known: false,
    });
    // 春节 2027: New Year's Eve 02-05 to the third day, 02-08.
    expect(["2027-02-05", "2027-02-08"].map((d) => cal.day(d).name)).toEqual([
      "春节",
      "春节",
    ]);
    expect(cal.isWorkday("2027-02-09")).toBe(true);
    expect(cal.day("2027-10-03")).toMatchObject({ name: "国庆节" });
    expect(cal.day("2027-01-02")).toMatchObject({
      workday: false,
      kind: "weekend",
      known: false,
    });
  });

  it("reports every guessed day of a count that crosses into 2027", () => {
    const count = cal.addWorkdays("2026-12-25", 10);

    // 12-28..12-31, then 元旦 off and 01-04..01-11 guessed as working days.
    expect(count.due).toBe("2027-01-11");
    expect(count.unknownDays).toEqual([
      "2027-01-01",
      "2027-01-02",
      "2027-01-03",
      "2027-01-04",
      "2027-01-05",
      "2027-01-06",
      "2027-01-07",
      "2027-01-08",
      "2027-01-09",
      "2027-01-10",
      "2027-01-11",
    ]);
    expect(
      count.days.filter((d) => d.date < "2027").every((d) => d.known),
    ).toBe(true);
  });

  it("has no unknown days when the count stays in 2026", () => {
    expect(cal.addWorkdays("2026-12-01", 10).unknownDays).toEqual([]);
  });
});

describe("overrides", () => {
  it("win over the package", () => {
    const cal = new Calendar([
      { date: "2026-10-10", workday: false, name: "更正" },
      { date: "2026-10-07", workday: true, name: null },
    ]);

    expect(cal.day("2026-10-10")).toMatchObject({
      workday: false,
      kind: "holiday",
      name: "更正",
    });
    expect(cal.day("2026-10-07")).toMatchObject({
      workday: true,
      kind: "workday",
    });
    expect(counted(cal, "2026-09-30", 5)).toEqual([
      "2026-10-07",
      "2026-10-08",
      "2026-10-09",
      "2026-10-12",
      "2026-10-13",
    ]);
  });

  it("make a year known once it is declared complete", () => {
    const cal = new Calendar(
      [{ date: "2027-01-01", workday: false, name: "元旦" }],
      new Set([2027]),
    );

    expect(cal.coveredYears()).toContain(2027);
    expect(cal.day("2027-01-04").known).toBe(true);
    expect(cal.addWorkdays("2026-12-31", 1)).toMatchObject({
      due: "2027-01-04",
      unknownDays: [],
    });
  });
});

describe("schedule files: errors", () => {
  /** The AppError a bad file is answered with. */
  function rejection(text: string): AppError {
    try {
      parseScheduleFile(text);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    }
    throw new Error(`accepted: ${text}`);
  }

  const good = { date: "2027-01-01", workday: false, name: "元旦" };
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{", /不是有效的 JSON/],
    ["a list, not an object", [good], /节假日文件：/],
    ["no source", { year: 2027, days: [good] }, /source/],
    ["no days", { year: 2027, source: "通知", days: [] }, /至少列出一天/],
    [
      "an impossible date",
      { source: "通知", days: [{ ...good, date: "2027-02-30" }] },
      /days 第 1 项的 date：不是有效日期/,
    ],
    [
      "a date outside the year",
      {
        year: 2027,
        source: "通知",
        days: [good, { ...good, date: "2026-12-31" }],
      },
      /days 第 2 项的 date：2026-12-31 不在 2027 年内/,
    ],
    [
      "workday not true/false",
      { source: "通知", days: [{ ...good, workday: "否" }] },
      /workday/,
    ],
    [
      "a date listed twice",
      { source: "通知", days: [good, { ...good, workday: true }] },
      /2027-01-01 重复列出/,
    ],
  ];

  it.each(cases)("answers %s in Chinese", (_, content, message) => {
    const text =
      typeof content === "string" ? content : JSON.stringify(content);
    const error = rejection(text);

    expect(error.code).toBe("calendar_file_invalid");
    expect(error.userMessage).toMatch(/^节假日文件/);
    expect(error.userMessage).toMatch(message);
    // zod's English defaults must not leak to the administrator.
    expect(error.userMessage).not.toMatch(/Invalid|expected|received/);
  });
});

describe.each(engines())("schedule files stored on $name", (engine) => {
  let store: Store;

  beforeEach(async () => {
    store = await engine.open();
  });

  afterEach(() => engine.release());

  async function rowCounts() {
    const { calendarDays, calendarYears, auditLog } = store.t;
    const [days, years, audits] = await Promise.all([
      store.db.select().from(calendarDays),
      store.db.select().from(calendarYears),
      store.db.select().from(auditLog),
    ]);
    return { days: days.length, years: years.length, audits: audits.length };
  }

  it("loads a whole 2027 schedule and makes 2027 known", async () => {
    const file = parseScheduleFile(readFileSync(YEAR_2027, "utf8"));
    const from = await saveSchedule(store, file, admin, at("2026-12-10T10:00"));
    const cal = await loadCalendar(store);

    expect(from).toBe("2027-01-01");
    expect(cal.coveredYears()).toContain(2027);
    expect(cal.day("2027-01-01")).toMatchObject({
      workday: false,
      kind: "holiday",
      name: "元旦",
      known: true,
    });
    expect(cal.day("2027-10-09")).toMatchObject({
      workday: true,
      kind: "makeup",
      name: "国庆节",
    });
    // The count from the "no data" example now skips New Year's Day.
    expect(cal.addWorkdays("2026-12-25", 10)).toMatchObject({
      due: "2027-01-11",
      unknownDays: [],
    });
    expect(await rowCounts()).toEqual({ days: 34, years: 1, audits: 1 });
  });

  it("replaces a year's earlier overrides on reload", async () => {
    const correction = parseScheduleFile(
      JSON.stringify({
        source: "临时更正",
        days: [{ date: "2027-03-01", workday: false, name: "更正" }],
      }),
    );
    await saveSchedule(store, correction, admin, at("2026-12-01T10:00"));
    expect((await loadCalendar(store)).isWorkday("2027-03-01")).toBe(false);

    const file = parseScheduleFile(readFileSync(YEAR_2027, "utf8"));
    await saveSchedule(store, file, admin, at("2026-12-10T10:00"));
    await saveSchedule(store, file, admin, at("2026-12-11T10:00"));

    expect((await loadCalendar(store)).isWorkday("2027-03-01")).toBe(true);
    expect(await rowCounts()).toEqual({ days: 34, years: 1, audits: 3 });
  });

  it("lets a stored correction win over the package", async () => {
    const file = parseScheduleFile(
      JSON.stringify({
        source: "更正通知",
        days: [{ date: "2026-10-10", workday: false, name: "更正" }],
      }),
    );
    const from = await saveSchedule(store, file, admin, at("2026-09-01T10:00"));
    const cal = await loadCalendar(store);

    expect(from).toBe("2026-10-10");
    expect(cal.isWorkday("2026-10-10")).toBe(false);
    expect(cal.addWorkdays("2026-09-30", 5).due).toBe("2026-10-14");
    // A single-day correction does not declare a year complete.
    expect(await rowCounts()).toEqual({ days: 1, years: 0, audits: 1 });
  });

  it("stores nothing from a bad file", async () => {
    const when = at("2026-12-01T10:00");
    const load = async (text: string) =>
      saveSchedule(store, parseScheduleFile(text), admin, when);
    const bad = [
      "not json",
      JSON.stringify({ year: 2027, source: "通知", days: [] }),
      JSON.stringify({
        year: 2027,
        source: "通知",
        days: [{ date: "2026-10-10", workday: true }],
      }),
    ];
    for (const text of bad) {
      await expect(load(text)).rejects.toMatchObject({
        code: "calendar_file_invalid",
      });
    }

    expect(await rowCounts()).toEqual({ days: 0, years: 0, audits: 0 });
    expect((await loadCalendar(store)).hasData("2027-06-01")).toBe(false);
  });
});

describe("a whole year loaded by an administrator", () => {
  it("replaces the package's schedule for that year", () => {
    // A corrected 2026 that moves National Day's make-up day: the package's
    // holidays and make-up days of 2026 no longer apply, only the file's.
    const cal = new Calendar(
      [{ date: "2026-10-01", workday: false, name: "国庆节" }],
      new Set([2026]),
    );
    expect(cal.isWorkday("2026-10-02")).toBe(true);
    expect(cal.isWorkday("2026-10-10")).toBe(false);
    expect(cal.day("2026-10-01")).toMatchObject({
      workday: false,
      known: true,
    });
    // Other years still come from the package.
    expect(cal.isWorkday("2025-10-02")).toBe(false);
  });
});
