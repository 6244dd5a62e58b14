/**
 * The clock engine on both engines: deadlines on the working-day calendar,
 * stopping, extending, finding what is due or overdue, escalating once,
 * and recomputing when a year's schedule arrives.
 */
import { readFileSync } from "node:fs";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../db/index.js";
import { systemActor } from "../../src/audit.js";
import type { Calendar } from "../../src/calendar/calendar.js";
import {
  loadCalendar,
  parseScheduleFile,
  saveSchedule,
} from "../../src/calendar/store.js";
import {
  ClockEngine,
  explainClock,
  type ClockRow,
  type ClockStart,
} from "../../src/clocks/engine.js";
import type { RuleName } from "../../src/clocks/rules.js";
import { silentLogger } from "../../src/logger.js";
import { endOfDate } from "../../src/time.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";

const YEAR_2027 = new URL("../fixtures/calendar-2027.json", import.meta.url);

describe.each(engines())("ClockEngine on $name", (engine) => {
  let store: Store;
  let cal: Calendar;
  let clocks: ClockEngine;
  let subject = 0;
  const now = clockAt("2026-09-30T10:00");

  beforeEach(async () => {
    store = await engine.open();
    cal = await loadCalendar(store);
    clocks = new ClockEngine(store, silentLogger);
    now.set("2026-09-30T10:00");
  });

  afterEach(() => engine.release());

  /** Starts a clock for a new subject of unit 1. */
  function start(rule: RuleName, startDate: string, unitId = 1) {
    const spec: ClockStart = {
      subjectType: "referral",
      subjectId: ++subject,
      rule,
      unitId,
      startDate,
    };
    return clocks.start(store.db, cal, spec, now.now());
  }

  /** The clock as the database holds it now. */
  async function reload(clock: ClockRow): Promise<ClockRow> {
    const rows = await clocks.forSubject(
      store.db,
      clock.subjectType,
      clock.subjectId,
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  const ids = (rows: ClockRow[]) => rows.map((r) => r.id);

  describe("start", () => {
    it("computes the spec's deadline: 09-30 + 5 → end of 10-13", async () => {
      const clock = await start("referral.refer", "2026-09-30");

      expect(clock).toMatchObject({
        status: "open",
        workdays: 5,
        extensionDays: 0,
        originalDueDate: "2026-10-13",
        dueDate: "2026-10-13",
        dueAt: at("2026-10-14T00:00"),
        provisional: false,
        escalationLevel: 0,
        stoppedAt: null,
        lateDays: null,
        createdAt: at("2026-09-30T10:00"),
      });
      // The database gives back exactly what start() returned.
      expect(await reload(clock)).toEqual(clock);
    });

    it("counts 30 working days for feedback", async () => {
      const clock = await start("referral.feedback", "2026-09-30");

      // 18 working days in October after the holiday, 12 in November.
      expect(clock.dueDate).toBe("2026-11-17");
      expect(clock.provisional).toBe(false);
    });

    it("marks a deadline counted across 2027 provisional", async () => {
      const clock = await start("referral.feedback", "2026-12-01");

      // 22 working days in December, 元旦 off by law, then 8 guessed ones.
      expect(clock.dueDate).toBe("2027-01-13");
      expect(clock.provisional).toBe(true);
      expect((await reload(clock)).provisional).toBe(true);
    });

    it("says loudly when a deadline crosses a year without data", async () => {
      const lines: string[] = [];
      const log = pino({ level: "info" }, { write: (l) => lines.push(l) });
      const loud = new ClockEngine(store, log);
      const spec: ClockStart = {
        subjectType: "referral",
        subjectId: 99,
        rule: "referral.feedback",
        unitId: 1,
        startDate: "2026-12-01",
      };

      await loud.start(store.db, cal, spec, now.now());

      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 40,
        code: "calendar_data_missing",
        years: ["2027"],
      });
    });
  });

  describe("stop", () => {
    it("is on time until 24:00 of the deadline day", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      now.set("2026-10-13T23:59");

      const stopped = await clocks.stop(store.db, cal, clock, now.now());

      expect(stopped).toMatchObject({
        status: "stopped",
        stoppedAt: at("2026-10-13T23:59"),
        lateDays: null,
      });
      expect(await reload(clock)).toEqual(stopped);
    });

    it("records working days late: one at 00:00 the day after", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      now.set("2026-10-14T00:00");

      const stopped = await clocks.stop(store.db, cal, clock, now.now());

      expect(stopped.lateDays).toBe(1);
    });

    it("records 5 working days late on 10-20", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      now.set("2026-10-20T16:00");

      await clocks.stop(store.db, cal, clock, now.now());

      expect((await reload(clock)).lateDays).toBe(5);
    });

    it("leaves a stopped clock as it was", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      now.set("2026-10-12T09:00");
      const stopped = await clocks.stop(store.db, cal, clock, now.now());
      now.set("2026-10-30T09:00");

      const again = await clocks.stop(store.db, cal, stopped, now.now());

      expect(again).toEqual(stopped);
      expect(await reload(clock)).toMatchObject({
        stoppedAt: at("2026-10-12T09:00"),
        lateDays: null,
      });
    });
  });

  describe("extend", () => {
    it("moves the deadline and keeps the original", async () => {
      const clock = await start("referral.refer", "2026-09-30");

      const extended = await clocks.extend(store.db, cal, clock, 3);

      // 5 + 3 working days: 10-14, 10-15, 10-16 follow 10-13.
      expect(extended).toMatchObject({
        extensionDays: 3,
        originalDueDate: "2026-10-13",
        dueDate: "2026-10-16",
        dueAt: at("2026-10-17T00:00"),
      });
      expect(await reload(clock)).toEqual(extended);
    });

    it("adds up successive extensions", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      const once = await clocks.extend(store.db, cal, clock, 3);

      const twice = await clocks.extend(store.db, cal, once, 2);

      expect(twice).toMatchObject({
        extensionDays: 5,
        originalDueDate: "2026-10-13",
        dueDate: "2026-10-20",
      });
    });
  });

  describe("findDue and findOverdue", () => {
    /**
     * a: due 10-13, b: due 10-14, e: due 10-15 (leader already told),
     * c: feedback due 11-17, d: due 09-08 but stopped.
     */
    async function seed() {
      const a = await start("referral.refer", "2026-09-30");
      const b = await start("referral.refer", "2026-10-08");
      const c = await start("referral.feedback", "2026-09-30");
      const d = await start("referral.refer", "2026-09-01");
      const e = await start("referral.refer", "2026-10-09");
      await clocks.stop(store.db, cal, d, at("2026-09-07T10:00"));
      await clocks.escalate(store.db, e.id, 1);
      expect([a, b, c, d, e].map((x) => x.dueDate)).toEqual([
        "2026-10-13",
        "2026-10-14",
        "2026-11-17",
        "2026-09-08",
        "2026-10-15",
      ]);
      return { a, b, c, d, e };
    }

    it("finds open clocks due by the horizon, in deadline order", async () => {
      const { a, b, c, e } = await seed();

      const far = await clocks.findDue({ horizon: at("2027-01-01T00:00") });

      expect(ids(far)).toEqual([a.id, b.id, e.id, c.id]);
      expect(
        ids(await clocks.findDue({ horizon: endOfDate("2026-10-14") })),
      ).toEqual([a.id, b.id]);
    });

    it("includes a deadline ending exactly at the horizon", async () => {
      const { a } = await seed();
      const horizon = endOfDate("2026-10-13");

      expect(ids(await clocks.findDue({ horizon }))).toEqual([a.id]);
      expect(await clocks.findDue({ horizon: horizon - 1 })).toEqual([]);
    });

    it("filters by rule, escalation level, limit, and pages after a row", async () => {
      const { a, b, c } = await seed();
      const horizon = at("2027-01-01T00:00");

      const feedback = await clocks.findDue({
        horizon,
        rules: ["referral.feedback"],
      });
      const notTold = await clocks.findDue({ horizon, belowLevel: 1 });
      const first = await clocks.findDue({ horizon, limit: 1 });
      const rest = await clocks.findDue({ horizon, after: a });

      expect(ids(feedback)).toEqual([c.id]);
      expect(ids(notTold)).toEqual([a.id, b.id, c.id]);
      expect(ids(first)).toEqual([a.id]);
      expect(ids(rest)).not.toContain(a.id);
      expect(rest).toHaveLength(3);
    });

    it("finds clocks 5 working days overdue: due 10-13, on 10-20", async () => {
      const { a, b, e } = await seed();

      const on19 = await clocks.findOverdue(cal, "2026-10-19", 5);
      const on20 = await clocks.findOverdue(cal, "2026-10-20", 5);
      const on21 = await clocks.findOverdue(cal, "2026-10-21", 5);
      const on22 = await clocks.findOverdue(cal, "2026-10-22", 5, {
        belowLevel: 1,
      });

      expect(on19).toEqual([]);
      expect(ids(on20)).toEqual([a.id]);
      expect(ids(on21)).toEqual([a.id, b.id]);
      // e (due 10-15) is overdue too, but its leader step has fired.
      expect(ids(on22)).toEqual([a.id, b.id]);
      expect(e.dueDate).toBe("2026-10-15");
    });

    it("stops finding a clock once it is stopped", async () => {
      const { a, b } = await seed();
      await clocks.stop(store.db, cal, a, at("2026-10-20T09:00"));

      const on21 = await clocks.findOverdue(cal, "2026-10-21", 5);

      expect(ids(on21)).toEqual([b.id]);
    });
  });

  describe("escalate", () => {
    it("fires each level once", async () => {
      const clock = await start("referral.refer", "2026-09-30");

      expect(await clocks.escalate(store.db, clock.id, 1)).toBe(true);
      expect(await clocks.escalate(store.db, clock.id, 1)).toBe(false);
      expect(await clocks.escalate(store.db, clock.id, 2)).toBe(true);
      expect(await clocks.escalate(store.db, clock.id, 2)).toBe(false);
      // A lower step after a higher one does not fire either.
      expect(await clocks.escalate(store.db, clock.id, 1)).toBe(false);
      expect((await reload(clock)).escalationLevel).toBe(2);
    });

    it("lets exactly one of two concurrent runs fire", async () => {
      const clock = await start("referral.refer", "2026-09-30");

      const results = await Promise.all([
        store.tx((q) => clocks.escalate(q, clock.id, 2)),
        store.tx((q) => clocks.escalate(q, clock.id, 2)),
        clocks.escalate(store.db, clock.id, 2),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await reload(clock)).escalationLevel).toBe(2);
    });
  });

  describe("recomputeOpen", () => {
    it("moves provisional clocks once 2027 is loaded", async () => {
      const late = await start("referral.feedback", "2026-12-01");
      const early = await start("referral.refer", "2026-09-30");
      const stopped = await start("referral.feedback", "2026-12-02");
      await clocks.stop(store.db, cal, stopped, at("2026-12-20T10:00"));
      expect(late).toMatchObject({ dueDate: "2027-01-13", provisional: true });

      const file = parseScheduleFile(readFileSync(YEAR_2027, "utf8"));
      const from = await saveSchedule(
        store,
        file,
        systemActor("cli"),
        at("2026-12-10T10:00"),
      );
      cal = await loadCalendar(store);
      const moved = await clocks.recomputeOpen(cal, from);

      // The schedule confirms what the law fixed: the deadline stands and
      // is no longer provisional.
      expect(moved).toBe(1);
      expect(await reload(late)).toMatchObject({
        originalDueDate: "2027-01-13",
        dueDate: "2027-01-13",
        dueAt: endOfDate("2027-01-13"),
        provisional: false,
      });
      expect(await reload(early)).toEqual(early);
      expect((await reload(stopped)).provisional).toBe(true);
      // Nothing left to move.
      expect(await clocks.recomputeOpen(cal, from)).toBe(0);
    });

    it("keeps an extension when it recomputes", async () => {
      const clock = await start("referral.feedback", "2026-12-01");
      await clocks.extend(store.db, cal, clock, 2);

      const file = parseScheduleFile(readFileSync(YEAR_2027, "utf8"));
      await saveSchedule(store, file, systemActor("cli"), now.now());
      cal = await loadCalendar(store);
      await clocks.recomputeOpen(cal, "2027-01-01");

      expect(await reload(clock)).toMatchObject({
        extensionDays: 2,
        originalDueDate: "2027-01-13",
        dueDate: "2027-01-15",
        provisional: false,
      });
    });
  });

  describe("explainClock", () => {
    it("shows the spec example's holiday and make-up day", async () => {
      const clock = await start("referral.refer", "2026-09-30");

      const explained = explainClock(cal, clock);

      expect(explained.dueDate).toBe("2026-10-13");
      expect(explained.lines[0]).toBe(
        "移送期限：自 2026年9月30日 起算（当日不计入），计 5 个工作日，" +
          "截止 2026年10月13日 24:00。",
      );
      expect(explained.lines).toContain("2026-10-01 不计（国庆节）");
      expect(explained.lines).toContain("2026-10-07 不计（国庆节）");
      expect(explained.lines).toContain("2026-10-08 第 1 个工作日");
      expect(explained.lines).toContain(
        "2026-10-10 第 3 个工作日（国庆节调休上班）",
      );
      expect(explained.lines).toContain("2026-10-11 不计（周末）");
      expect(explained.lines.at(-1)).toBe("2026-10-13 第 5 个工作日");
    });

    it("names a date-set deadline as set, counting nothing", async () => {
      // A correction deadline the inspector set: a Sunday stays a Sunday.
      const clock = await start("project.correction", "2026-11-08");

      const explained = explainClock(cal, clock);

      expect(explained.dueDate).toBe("2026-11-08");
      expect(explained.lines).toEqual([
        "整改期限：由办理人员定为 2026年11月8日，截止当日 24:00（指定日期，不按工作日推算）。",
      ]);
    });

    it("shows an extension and the original deadline", async () => {
      const clock = await start("referral.refer", "2026-09-30");
      const extended = await clocks.extend(store.db, cal, clock, 3);

      const { lines } = explainClock(cal, extended);

      expect(lines[0]).toContain("另经批准延期 3 个工作日");
      expect(lines[0]).toContain("截止 2026年10月16日 24:00");
      expect(lines).toContain("原定期限：2026年10月13日。");
    });

    it("warns that a provisional deadline was guessed", async () => {
      const clock = await start("referral.feedback", "2026-12-01");

      const explained = explainClock(cal, clock);

      expect(explained.provisional).toBe(true);
      expect(explained.lines).toContain(
        "2027-01-01 不计（元旦；放假安排未载入，暂按常规推算）",
      );
      expect(explained.lines.at(-1)).toMatch(
        /^注意：2027 年的放假安排尚未载入/,
      );
    });
  });
});
