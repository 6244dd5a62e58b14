/**
 * Check-in and check-out under attack, on both engines: concurrent
 * messages with different event keys, check-in and check-out at once,
 * the edges of the check-in window, two campaigns on one day, officers
 * taken off the list after their notice, cancelled campaigns. Exactly one
 * effect, a clear answer, nothing wrong recorded.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError } from "../../src/errors.js";
import type { ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import {
  ALL_DAYS,
  createNationalDay,
  nationalDayInput,
  nominate,
} from "./support.js";

describe.each(engines())("check-in under attack on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let id: number;
  let seq = 0;

  beforeEach(async () => {
    clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
    id = await createNationalDay(bot);
  });
  afterEach(() => engine.release());

  const key = () => `atk-${++seq}`;

  const checkIn = async (name: string, k = key()) =>
    bot.attendance.checkIn(await demo(bot, name), k);
  const checkOut = async (name: string, k = key()) =>
    bot.attendance.checkOut(await demo(bot, name), k);

  const shifts = () =>
    bot.ctx.store.db.select().from(bot.ctx.store.t.dutyShifts);

  async function dutyAudit() {
    const { auditLog } = bot.ctx.store.t;
    const rows = await bot.ctx.store.db.select().from(auditLog);
    return rows.filter((r) => r.action.startsWith("duty."));
  }

  /** What a failed promise carries: its stable code and message. */
  function codeOf(result: PromiseSettledResult<unknown>) {
    if (result.status === "fulfilled") {
      return "ok";
    }
    expect(result.reason).toBeInstanceOf(AppError);
    return (result.reason as AppError).code;
  }

  it("checks in once for three concurrent 签到 with different event keys", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));

    const results = await Promise.allSettled([
      checkIn("钱进"),
      checkIn("钱进"),
      checkIn("钱进"),
    ]);

    expect(results.map(codeOf).sort()).toEqual([
      "already_checked_in",
      "already_checked_in",
      "ok",
    ]);
    const [row] = await shifts();
    expect(row.checkedInAt).toBe(at("2026-10-01T08:50"));
    expect((await dutyAudit()).map((a) => a.action)).toEqual(["duty.check_in"]);
  });

  it("repeats the stored answer for a redelivered event, changing nothing", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));

    const results = await Promise.all([
      checkIn("钱进", "same-event"),
      checkIn("钱进", "same-event"),
    ]);

    expect(results.filter((r) => r.duplicate === true)).toHaveLength(1);
    expect(results[0].message).toBe(results[1].message);
    expect(await dutyAudit()).toHaveLength(1);
  });

  it("never records a check-out without a check-in when both arrive at once", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T09:00"));

    const [inResult, outResult] = await Promise.allSettled([
      checkIn("钱进"),
      checkOut("钱进"),
    ]);

    expect(codeOf(inResult)).toBe("ok");
    expect(["ok", "not_checked_in"]).toContain(codeOf(outResult));
    const [row] = await shifts();
    expect(row.checkedInAt).toBe(at("2026-10-01T09:00"));
    if (row.checkedOutAt !== null) {
      expect(codeOf(outResult)).toBe("ok");
    }
  });

  it("checks out once for concurrent 签退", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));
    await checkIn("钱进");
    clock.set(at("2026-10-01T17:01"));

    const results = await Promise.allSettled([
      checkOut("钱进"),
      checkOut("钱进"),
    ]);

    expect(results.map(codeOf).sort()).toEqual(["already_checked_out", "ok"]);
    const [row] = await shifts();
    expect(row.checkedOutAt).toBe(at("2026-10-01T17:01"));
  });

  it("opens check-in exactly 120 minutes before duty and closes it at the duty end", async () => {
    await nominate(bot, "赵磊", id, [
      { name: "钱进", dates: ["2026-10-01", "2026-10-02"] },
    ]);

    clock.set(at("2026-10-01T06:59") + 59_999);
    const early = await checkIn("钱进").catch((e: AppError) => e);
    expect(early).toMatchObject({
      code: "not_on_duty",
      userMessage: expect.stringContaining("07:00 起可以签到"),
    });
    clock.set(at("2026-10-01T07:00"));
    expect((await checkIn("钱进")).message).toMatch(/^签到成功：10月1日 07:00/);

    clock.set(at("2026-10-02T17:00"));
    const late = await checkIn("钱进").catch((e: AppError) => e);
    expect(late).toMatchObject({
      code: "not_on_duty",
      userMessage: expect.stringContaining("今天的值班已于 17:00 结束"),
    });
    clock.set(at("2026-10-02T16:59"));
    expect((await checkIn("钱进")).message).toContain("晚 479 分钟，记为迟到");

    const rows = (await shifts()).map((s) => [s.date, s.checkedInAt]);
    expect(rows).toEqual([
      ["2026-10-01", at("2026-10-01T07:00")],
      ["2026-10-02", at("2026-10-02T16:59")],
    ]);
  });

  it("does not carry a check-in across midnight into the next day", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-02"] }]);
    clock.set(at("2026-10-01T23:59"));

    const before = await checkIn("钱进").catch((e: AppError) => e);

    expect(before).toMatchObject({
      code: "not_on_duty",
      userMessage: expect.stringContaining(
        "您今天没有接访值班安排。您的下一次值班：10月2日",
      ),
    });
    clock.set(at("2026-10-02T00:00"));
    const midnight = await checkIn("钱进").catch((e: AppError) => e);
    expect(midnight).toMatchObject({
      userMessage: expect.stringContaining("还没到签到时间"),
    });
    expect((await shifts()).every((s) => s.checkedInAt === null)).toBe(true);
    expect(await dutyAudit()).toEqual([]);
  });

  it("never gives one officer two duties on a day without a way to check in to each", async () => {
    const wang = await demo(bot, "王建国");
    const second = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, {
          name: "2026年国庆节下午专场接访",
          dutyStart: "13:00",
          dutyEnd: "17:00",
        }),
      )
      .catch((e: unknown) => e);
    if (second instanceof AppError) {
      // One campaign per period: the double duty cannot arise.
      expect(second).toMatchObject({
        code: "invalid_input",
        field: "startDate",
      });
      return;
    }
    const other = (second as { campaignId: number }).campaignId;
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    await nominate(bot, "赵磊", other, [
      { name: "钱进", dates: ["2026-10-01"] },
    ]);

    clock.set(at("2026-10-01T08:55"));
    await checkIn("钱进");
    clock.set(at("2026-10-01T12:50"));
    await checkIn("钱进");

    const rows = await shifts();
    const morning = rows.find((s) => s.campaignId === id)!;
    const afternoon = rows.find((s) => s.campaignId === other)!;
    expect(morning.checkedInAt).toBe(at("2026-10-01T08:55"));
    expect(afternoon.checkedInAt).toBe(at("2026-10-01T12:50"));
  });

  it("answers an officer taken off the list after the duty notice, recording nothing", async () => {
    await nominate(bot, "赵磊", id, [
      { name: "钱进", dates: ["2026-10-01", "2026-10-02"] },
    ]);
    clock.set(at("2026-10-01T08:00"));
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-02"] }]);
    clock.set(at("2026-10-01T08:50"));

    const out = await checkIn("钱进").catch((e: AppError) => e);

    expect(out).toMatchObject({
      code: "not_on_duty",
      userMessage: expect.stringContaining(
        "您今天没有接访值班安排。您的下一次值班：10月2日",
      ),
    });
    expect((await shifts()).map((s) => s.date)).toEqual(["2026-10-02"]);
    expect(await dutyAudit()).toEqual([]);
  });

  it("names an officer by the current name after a rename", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    await nominate(bot, "张伟", id, [{ name: "冯敏", dates: ["2026-10-01"] }]);
    const { people } = bot.ctx.store.t;
    const feng = (await demo(bot, "冯敏")).person;
    await bot.ctx.store.db
      .update(people)
      .set({ name: "冯敏敏" })
      .where(eq(people.id, feng.id));
    clock.set(at("2026-10-01T08:50"));

    const answer = await checkIn("钱进");
    clock.set(at("2026-10-01T09:10"));
    const roll = await bot.attendance.roll((await demo(bot, "王建国")).person);

    expect(answer.message).toContain("今天本接访点只有您一人值班");
    expect(roll).toContain(
      "尚未签到：市人力资源社会保障局接访点 市住房城乡建设局 冯敏敏",
    );
  });

  it("refuses a check-in by someone of the unit who was not named", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    clock.set(at("2026-10-01T09:00"));

    const out = await checkIn("赵磊").catch((e: AppError) => e);

    expect(out).toMatchObject({ code: "not_on_duty" });
    expect(await dutyAudit()).toEqual([]);
  });

  it("refuses check-in once the campaign is cancelled in the morning", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ALL_DAYS }]);
    clock.set(at("2026-10-01T08:30"));
    await checkIn("钱进");
    await bot.campaigns.cancel(await demo(bot, "王建国"), id);

    const out = await checkOut("钱进").catch((e: AppError) => e);
    clock.set(at("2026-10-02T08:30"));
    const next = await checkIn("钱进").catch((e: AppError) => e);

    expect(out).toMatchObject({ code: "not_on_duty" });
    expect(next).toMatchObject({ code: "not_on_duty" });
    const rows = await shifts();
    expect(rows.filter((s) => s.checkedInAt !== null)).toHaveLength(1);
    expect(rows.every((s) => s.checkedOutAt === null)).toBe(true);
  });

  it("keeps a shared location once, and takes an odd one without breaking", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));
    const qian = await demo(bot, "钱进");

    const first = await bot.attendance.shareLocation(qian, key(), {
      latitude: -90,
      longitude: 180,
      label: "<b>船山</b>\u202e",
    });
    const second = await bot.attendance.shareLocation(qian, key(), {
      latitude: 30.5,
      longitude: 105.5,
    });

    expect(first.message).toMatch(/^签到成功/);
    expect(second.message).toContain("位置已收到");
    const [row] = await shifts();
    expect(JSON.parse(row.checkInLocation!)).toMatchObject({ latitude: -90 });
  });

  it("takes a second record by the site only as an audited correction", async () => {
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T12:00"));
    const [shift] = await shifts();
    const ma = await demo(bot, "马晓林");
    await bot.campaigns.recordAttendance(ma, shift.id, {
      checkedIn: "08:55",
      remarks: "手机没电",
    });

    const again = await bot.campaigns
      .recordAttendance(ma, shift.id, {
        checkedIn: "09:30",
        remarks: "再次补登",
      })
      .catch((e: AppError) => e);

    const [row] = await shifts();
    if (again instanceof AppError) {
      expect(again).toMatchObject({ code: "already_checked_in" });
      expect(row.checkedInAt).toBe(at("2026-10-01T08:55"));
      return;
    }
    expect(row.checkedInAt).toBe(at("2026-10-01T09:30"));
    const [last] = (await dutyAudit()).slice(-1);
    expect(last.action).toBe("duty.correct");
    expect(JSON.parse(last.detail).before).toMatchObject({
      checkedInAt: at("2026-10-01T08:55"),
    });
  });

  it("refuses a record with a check-out before the check-in or in the future", async () => {
    await nominate(bot, "赵磊", id, [
      { name: "钱进", dates: ["2026-10-01", "2026-10-02"] },
    ]);
    clock.set(at("2026-10-01T12:00"));
    const rows = await shifts();
    const today = rows.find((s) => s.date === "2026-10-01")!;
    const tomorrow = rows.find((s) => s.date === "2026-10-02")!;
    const ma = await demo(bot, "马晓林");
    const tries: [number, Record<string, string>, string][] = [
      [
        today.id,
        { checkedIn: "09:00", checkedOut: "08:00", remarks: "x" },
        "checkedOut",
      ],
      [
        today.id,
        { checkedIn: "09:00", checkedOut: "12:01", remarks: "x" },
        "checkedOut",
      ],
      [
        today.id,
        { checkedIn: "09:00", checkedOut: "09:00", remarks: "x" },
        "checkedOut",
      ],
      [today.id, { checkedIn: "24:00", remarks: "x" }, "checkedIn"],
      [today.id, { checkedIn: "09:00", remarks: "\u200b " }, "remarks"],
      [tomorrow.id, { checkedIn: "09:00", remarks: "x" }, "checkedIn"],
    ];

    for (const [shiftId, input, field] of tries) {
      const out = await bot.campaigns
        .recordAttendance(ma, shiftId, input)
        .catch((e: AppError) => e);
      expect(out).toMatchObject({ code: "invalid_input", field });
    }
    expect((await shifts()).every((s) => s.checkedInAt === null)).toBe(true);
  });
});
