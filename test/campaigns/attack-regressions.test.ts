/**
 * Attacks that broke the campaign feature, kept as regressions on both
 * engines (the races broke on MariaDB only, where transactions run side
 * by side): impossible or past nomination deadlines, a new officer typed
 * with someone else's phone, dedupe keys longer than the column, two
 * reports, nominations, records or cancellations at once, a long place
 * name, 70,000 unit ids, and a campaign ending on 9999-12-31.
 */
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import { AppError, ValidationError } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import { atTime, type ManualClock } from "../../src/time.js";
import { demo, openBot } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { at, clockAt } from "../helpers/time.js";
import { startWeb, type Running } from "../web/server.js";
import { createNationalDay, nationalDayInput, nominate } from "./support.js";

describe.each(engines())("campaign bugs on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = clockAt("2026-09-25T10:00");
    bot = await openBot(engine, clock);
  });
  afterEach(() => engine.release());

  const shifts = () =>
    bot.ctx.store.db.select().from(bot.ctx.store.t.dutyShifts);

  /** Fulfilled, or refused with an AppError: never an internal error. */
  function expectNoInternalError(results: PromiseSettledResult<unknown>[]) {
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(AppError);
      }
    }
  }

  it("refuses a nomination deadline of a month that does not exist", async () => {
    const wang = await demo(bot, "王建国");

    const out = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, { nominateBy: "2026-13-01 18:00" }),
      )
      .catch((e: unknown) => e);

    expect(out).toBeInstanceOf(ValidationError);
    expect((out as ValidationError).issues[0].field).toBe("nominateBy");
  });

  it("refuses a nomination deadline on 30 February", async () => {
    const wang = await demo(bot, "王建国");

    const out = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, { nominateBy: "2026-02-30 18:00" }),
      )
      .catch((e: unknown) => e);

    expect(out).toBeInstanceOf(ValidationError);
    expect((out as ValidationError).issues[0].field).toBe("nominateBy");
  });

  it("tells no leader the liaison was reminded a day ago, minutes after creation", async () => {
    clock.set(at("2026-09-30T10:00"));
    const wang = await demo(bot, "王建国");

    const out = await bot.campaigns
      .create(
        wang,
        await nationalDayInput(bot, { nominateBy: "2026-09-01 18:00" }),
      )
      .catch((e: unknown) => e);

    if (out instanceof ValidationError) {
      expect(out.issues.map((i) => i.field)).toContain("nominateBy");
      return;
    }
    clock.set(at("2026-09-30T10:05"));
    const run = await runJob("campaign-tick", bot);
    expect(run.counts.nominateLeaders ?? 0).toBe(0);
  });

  it("tells the liaison who was named when a new officer's phone is someone else's", async () => {
    const id = await createNationalDay(bot);
    const zhao = await demo(bot, "赵磊");

    // 13800000014 is 钱进's phone; the liaison typed a new person, 孔亮.
    const out = await bot.campaigns
      .nominate(zhao, id, {
        officers: [
          {
            name: "孔亮",
            title: "科员",
            phone: "13800000014",
            dates: ["2026-10-01"],
          },
        ],
      })
      .catch((e: unknown) => e);

    if (out instanceof ValidationError) {
      expect(out.issues[0].field).toMatch(/^officers\.0\./);
      return;
    }
    expect((out as { message: string }).message).toContain("钱进");
  });

  it("notifies every officer named for all days of a 20-day campaign", async () => {
    const wang = await demo(bot, "王建国");
    const { campaignId } = await bot.campaigns.create(
      wang,
      await nationalDayInput(bot, { endDate: "2026-10-20" }),
    );
    const days = Array.from(
      { length: 20 },
      (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`,
    );
    await nominate(bot, "赵磊", campaignId, [{ name: "钱进", dates: days }]);
    await nominate(bot, "张伟", campaignId, [{ name: "冯敏", dates: days }]);

    const { outbox } = bot.ctx.store.t;
    const rows = await bot.ctx.store.db.select().from(outbox);
    const named = rows.filter((r) => r.dedupeKey.includes(":named:"));
    const qian = (await demo(bot, "钱进")).person.id;
    const feng = (await demo(bot, "冯敏")).person.id;
    expect(named.map((r) => r.targetId).sort()).toEqual([qian, feng].sort());
  });

  it("answers two daily reports filed at once with one stored and no internal error", async () => {
    const id = await createNationalDay(bot);
    clock.set(at("2026-10-01T16:00"));
    const { campaignSites } = bot.ctx.store.t;
    const [, site] = await bot.ctx.store.db.select().from(campaignSites);
    const ma = await demo(bot, "马晓林");
    const wang = await demo(bot, "王建国");
    const report = {
      visits: "1",
      visitors: "1",
      cases: "0",
      amount: "0",
      incidents: "0",
    };

    const results = await Promise.allSettled([
      bot.campaigns.submitDispatch(
        ma,
        id,
        site.id,
        "2026-10-01",
        report,
        "dispatch-0001",
      ),
      bot.campaigns.submitDispatch(
        wang,
        id,
        site.id,
        "2026-10-01",
        report,
        "dispatch-0002",
      ),
    ]);

    expectNoInternalError(results);
    const rows = await bot.ctx.store.db
      .select()
      .from(bot.ctx.store.t.dispatchReports);
    expect(rows).toHaveLength(1);
  });

  it("answers two liaisons of a unit saving at once without an internal error", async () => {
    const id = await createNationalDay(bot);
    const feng = String((await demo(bot, "冯敏")).person.id);

    const results = await Promise.allSettled([
      bot.campaigns.nominate(
        await demo(bot, "张伟"),
        id,
        { officers: [{ personId: feng, dates: ["2026-10-01"] }] },
        "nominate-0001",
      ),
      bot.campaigns.nominate(
        await demo(bot, "陈静"),
        id,
        { officers: [{ personId: feng, dates: ["2026-10-01", "2026-10-02"] }] },
        "nominate-0002",
      ),
    ]);

    expectNoInternalError(results);
  });

  /** The duty.* audit entries, oldest first, with their detail parsed. */
  async function dutyAudit() {
    const { auditLog } = bot.ctx.store.t;
    const rows = await bot.ctx.store.db.select().from(auditLog);
    return rows
      .filter((r) => r.action.startsWith("duty."))
      .map((r) => ({ action: r.action, detail: JSON.parse(r.detail) }));
  }

  it("keeps an officer's own check-in when the site records them at the same moment", async () => {
    const id = await createNationalDay(bot);
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T09:30"));
    const [shift] = await shifts();

    const [own, recorded] = await Promise.allSettled([
      bot.attendance.checkIn(await demo(bot, "钱进"), "event-1"),
      bot.campaigns.recordAttendance(
        await demo(bot, "马晓林"),
        shift.id,
        { checkedIn: "08:55", remarks: "现场核实" },
        "record-0001",
      ),
    ]);

    // Either one of the two is refused, or the site's record replaced the
    // officer's own check-in as a correction that keeps the old time.
    const [row] = await shifts();
    const audit = await dutyAudit();
    if (recorded.status === "rejected") {
      expect(row.checkedInAt).toBe(at("2026-10-01T09:30"));
    } else if (own.status === "rejected") {
      expect(row.checkedInAt).toBe(at("2026-10-01T08:55"));
    } else {
      expect(audit.map((a) => a.action)).toEqual([
        "duty.check_in",
        "duty.correct",
      ]);
      expect(audit[1].detail.before).toMatchObject({
        checkedInAt: at("2026-10-01T09:30"),
      });
    }
  });

  it("records an officer once when two of the site's staff record at once", async () => {
    const id = await createNationalDay(bot);
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T09:30"));
    const [shift] = await shifts();

    const results = await Promise.allSettled([
      bot.campaigns.recordAttendance(
        await demo(bot, "王建国"),
        shift.id,
        { checkedIn: "09:05", remarks: "核实 A" },
        "record-0002",
      ),
      bot.campaigns.recordAttendance(
        await demo(bot, "马晓林"),
        shift.id,
        { checkedIn: "08:55", remarks: "核实 B" },
        "record-0003",
      ),
    ]);

    // One record, and the other refused or kept as a correction of it.
    const done = results.filter((r) => r.status === "fulfilled");
    const audit = await dutyAudit();
    if (done.length === 1) {
      expect(audit.map((a) => a.action)).toEqual(["duty.record"]);
      return;
    }
    expect(audit.map((a) => a.action)).toEqual(["duty.record", "duty.correct"]);
    expect(audit[1].detail.before).toMatchObject({
      checkedInAt: atTime("2026-10-01", audit[0].detail.checkedIn),
    });
  });

  it("cancels once when two of the organizer's staff cancel at once", async () => {
    const id = await createNationalDay(bot);

    const results = await Promise.all([
      bot.campaigns.cancel(await demo(bot, "王建国"), id, "cancel-0001"),
      bot.campaigns.cancel(await demo(bot, "李红梅"), id, "cancel-0002"),
    ]);

    expect(results.map((r) => r.message).sort()).toEqual([
      "已取消“2026年国庆节集中接访”。",
      "该活动已经取消。",
    ]);
    const { auditLog } = bot.ctx.store.t;
    const entries = await bot.ctx.store.db.select().from(auditLog);
    expect(entries.filter((e) => e.action === "campaign.cancel")).toHaveLength(
      1,
    );
  });

  it("checks in with a long place name from the platform", async () => {
    const id = await createNationalDay(bot);
    await nominate(bot, "赵磊", id, [{ name: "钱进", dates: ["2026-10-01"] }]);
    clock.set(at("2026-10-01T08:50"));

    const out = await bot.attendance
      .shareLocation(await demo(bot, "钱进"), "loc-long", {
        latitude: 30.5133,
        longitude: 105.5927,
        label: "遂宁市船山区".repeat(100),
      })
      .catch((e: unknown) => e);

    expect(out).not.toBeInstanceOf(Error);
    const [row] = await shifts();
    expect(row.checkedInAt).toBe(at("2026-10-01T08:50"));
  });
});

describe.each(engines())("campaign API bugs on $name", (engine) => {
  let web: Running;

  beforeEach(async () => {
    web = await startWeb({}, silentLogger, await engine.open());
    web.clock.set(at("2026-09-25T10:00"));
  });

  afterEach(async () => {
    await web.close();
    await engine.release();
  });

  it("answers an impossible nomination deadline with 422, not 500", async () => {
    const { cookie } = await web.signIn("王建国");

    const res = await web.call("POST", "/api/campaigns", {
      cookie,
      json: await nationalDayInput(web.bot, { nominateBy: "2026-13-01 18:00" }),
    });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_input");
  });

  it("answers 70,000 unit ids on a site with one short 422", async () => {
    const { cookie } = await web.signIn("王建国");
    const input = await nationalDayInput(web.bot);
    input.sites[0].unitIds = Array.from({ length: 70_000 }, (_, i) => i + 1);

    const res = await web.call("POST", "/api/campaigns", {
      cookie,
      json: input,
    });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.message.length).toBeLessThan(10_000);
    expect(await web.count("campaigns")).toBe(0);
  });
});

describe("a campaign ending on 9999-12-31", () => {
  it("is refused at once instead of hanging the server", () => {
    // Run in a child process with a small heap: the bug loops forever.
    const script = `
      import { boot } from "./src/boot.ts";
      import { loadConfig } from "./src/config.ts";
      import { silentLogger } from "./src/logger.ts";
      import { ManualClock, parseInstant } from "./src/time.ts";
      const config = loadConfig({
        DATABASE_URL: "sqlite::memory:", SIMULATOR: "on", JOBS: "false",
      });
      const clock = new ManualClock(parseInstant("2026-09-25T10:00"));
      const bot = await boot(config, { clock, log: silentLogger });
      const wang = (await bot.ctx.directory.demoPeople())
        .find((p) => p.name === "王建国");
      const hrss = await bot.ctx.directory.unitByCode("city.hrss");
      const housing = await bot.ctx.directory.unitByCode("city.housing");
      const outcome = await bot.campaigns.create({ person: wang, channel: "sim" }, {
        name: "永久接访", startDate: "2026-10-01", endDate: "9999-12-31",
        dutyStart: "09:00", dutyEnd: "17:00", nominateBy: "2026-09-28 18:00",
        sites: [{ hostUnitId: hrss.id, unitIds: [housing.id] }],
      }).then((o) => "created " + o.campaignId, (e) => "refused " + e.code);
      console.log(outcome);
      await bot.close();
    `;

    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--max-old-space-size=256",
        "--input-type=module",
        "-e",
        script,
      ],
      { cwd: process.cwd(), timeout: 30_000, encoding: "utf8" },
    );

    expect(child.signal).toBeNull();
    expect(child.stdout.trim()).toBe("refused invalid_input");
  }, 60_000);
});
