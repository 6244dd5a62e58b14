import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/referrals/service.js";
import { atTime, type ManualClock } from "../../src/time.js";
import { at, clockAt } from "../helpers/time.js";
import { botEngines, person, queued, sourceCase, unitId } from "./harness.js";

const feedback = {
  submissionId: "feedback-0001",
  handlerContact: "张伟",
  handlerPhone: "13800000003",
  recoveredWorkers: "12",
  recoveredAmount: "123456.70",
  penalty: "",
  summary: "已督促施工总包单位足额支付",
  remarks: "",
};

describe.each(botEngines())("overdue digest on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let wang: Acting;
  let zhang: Acting;
  let liu: Acting;
  let li: Acting;
  let housing: number;

  beforeEach(async () => {
    clock = clockAt("2026-09-29T10:00");
    ({ bot } = await engine.open(clock));
    wang = await person(bot, "王建国");
    zhang = await person(bot, "张伟");
    liu = await person(bot, "刘洋");
    li = await person(bot, "李红梅");
    housing = await unitId(bot, "city.housing");
  });

  afterEach(() => engine.release());

  /** A referral to the city housing bureau, signed: due 11-16. */
  async function signedReferral(extra = {}) {
    const { referralId } = await bot.referrals.create(
      wang,
      sourceCase(housing, extra),
    );
    const key = `sign-${referralId}`;
    await bot.referrals.sign(zhang, referralId, undefined, key);
    return referralId;
  }

  async function digestOn(date: string, options = {}) {
    clock.set(atTime(date, "09:30"));
    return runJob("overdue-digest", bot, options);
  }

  const escalations = async () =>
    bot.ctx.store.db.select().from(bot.ctx.store.t.escalations);

  const levelOf = async (referralId: number) => {
    const clocks = await bot.ctx.clocks.forSubject(
      bot.ctx.store.db,
      "referral",
      referralId,
    );
    return clocks.find((c) => c.rule === "referral.feedback")!.escalationLevel;
  };

  it("tells the unit's leader on the first working day overdue", async () => {
    const id = await signedReferral();

    await digestOn("2026-11-16");
    const onDeadline = await queued(bot, "digest:");
    await digestOn("2026-11-17");

    expect(onDeadline).toEqual([]);
    const [digest, ...more] = await queued(bot, "digest:");
    expect(more).toEqual([]);
    expect(digest.dedupeKey).toBe(`digest:${liu.person.id}:2026-11-17`);
    expect(digest.text.split("\n")).toEqual([
      "**逾期未反馈 · 11月17日**",
      "本单位 1 件移送案件已超过反馈期限，请督促办理：",
      `- [遂人社移〔2026〕1号](http://localhost:3000/referrals/${id})` +
        " 滨江花园项目欠薪案｜反馈期限 11月16日（已逾期 1 个工作日）",
    ]);
    expect(digest.notBefore).toBe(at("2026-11-17T09:30"));
    expect(await levelOf(id)).toBe(1);
  });

  it("escalates on the 5th working day overdue, not earlier", async () => {
    const id = await signedReferral();

    for (const day of ["11-17", "11-18", "11-19", "11-20"]) {
      await digestOn(`2026-${day}`);
    }
    const before = await queued(bot, "escalate:");
    await digestOn("2026-11-23");

    expect(before).toEqual([]);
    const [list, ...more] = await queued(bot, "escalate:");
    expect(more).toEqual([]);
    expect(list.dedupeKey).toBe(`escalate:${li.person.id}:2026-11-23`);
    expect(list.text).toContain("按联动机制应报市政府办公室");
    expect(list.text).toContain(
      "滨江花园项目欠薪案｜市住房城乡建设局｜反馈期限 11月16日（已逾期 5 个工作日）",
    );
    expect(await escalations()).toMatchObject([
      {
        unitId: housing,
        subjectType: "referral",
        subjectId: id,
        overdueDays: 5,
        escalatedOn: "2026-11-23",
      },
    ]);
    expect(await levelOf(id)).toBe(2);
  });

  it("fires each step once per referral, however often it runs", async () => {
    await signedReferral();
    await signedReferral();

    await digestOn("2026-11-17");
    await digestOn("2026-11-17", { force: true });
    await digestOn("2026-11-18");
    clock.set(atTime("2026-11-23", "09:30"));
    const together = await Promise.all([
      runJob("overdue-digest", bot, { force: true }),
      runJob("overdue-digest", bot, { force: true }),
    ]);
    await digestOn("2026-11-23");
    await digestOn("2026-11-24");

    const digests = await queued(bot, "digest:");
    const lists = await queued(bot, "escalate:");
    expect(digests.map((m) => m.dedupeKey)).toEqual([
      `digest:${liu.person.id}:2026-11-17`,
    ]);
    expect(digests[0].text).toMatch(/本单位 2 件/);
    expect(lists.map((m) => m.dedupeKey)).toEqual([
      `escalate:${li.person.id}:2026-11-23`,
    ]);
    expect(lists[0].text).toMatch(/以下 2 件/);
    expect(await escalations()).toHaveLength(2);
    const raised = together.map((r) => r.counts.escalated);
    expect(raised.sort()).toEqual([0, 2]);
  });

  it("takes both steps at once for a case found late", async () => {
    const id = await signedReferral();

    // The job did not run for a week: both steps are due on 11-23.
    const result = await digestOn("2026-11-23");

    expect(result.counts).toMatchObject({
      overdue: 1,
      digests: 1,
      escalated: 1,
      escalationLists: 1,
    });
    expect(await levelOf(id)).toBe(2);
  });

  it("does nothing on a day off", async () => {
    await signedReferral();

    const saturday = await digestOn("2026-11-21");

    expect(saturday.ran).toBe(false);
    expect(await queued(bot, "digest:")).toEqual([]);
  });

  it("leaves a case overdue after today's digest for the next", async () => {
    const early = await signedReferral();
    const late = await signedReferral();
    clock.set(at("2026-11-16T15:00"));
    await bot.referrals.submitFeedback(zhang, late, feedback);
    await digestOn("2026-11-17");
    // Sent back after the digest: overdue, and its leader was told today.
    clock.set(at("2026-11-17T11:00"));
    await bot.referrals.reviewFeedback(wang, late, {
      accept: false,
      raw: { submissionId: "review-0001", reason: "请补充处罚文书" },
    });

    const rerun = await digestOn("2026-11-17", { force: true });
    await digestOn("2026-11-18");

    expect(rerun.counts.deferred).toBe(1);
    const digests = await queued(bot, "digest:");
    expect(digests.map((m) => m.dedupeKey)).toEqual([
      `digest:${liu.person.id}:2026-11-17`,
      `digest:${liu.person.id}:2026-11-18`,
    ]);
    expect(digests[0].text).toContain(`referrals/${early})`);
    expect(digests[1].text).toContain(`referrals/${late})`);
    expect(digests[1].text).toContain("已逾期 2 个工作日");
  });

  it("tells the supervising unit's leader of a case passed down", async () => {
    const id = await signedReferral();
    const chuanshan = await unitId(bot, "chuanshan.housing");
    const sun = await person(bot, "孙丽");
    await bot.referrals.passDown(zhang, id, {
      submissionId: "pass-down-1",
      unitId: chuanshan,
    });

    await digestOn("2026-11-17");

    const digests = await queued(bot, "digest:");
    expect(digests.map((m) => m.targetId).sort()).toEqual(
      [liu.person.id, sun.person.id].sort(),
    );
    const city = digests.find((m) => m.targetId === liu.person.id)!;
    expect(city.text).toMatch(/本单位督办的 1 件已超过反馈期限/);
    expect(city.text).toMatch(/｜船山区住建局办理｜/);
  });
});
