import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bot } from "../../src/boot.js";
import { AppError, ValidationError } from "../../src/errors.js";
import type { Acting } from "../../src/referrals/service.js";
import type { ManualClock } from "../../src/time.js";
import {
  count,
  demo,
  inbox,
  openBot,
  sourceCase,
  unitId,
} from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { clockAt } from "../helpers/time.js";

const referral = sourceCase;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(engines())("referral lifecycle on $name", (engine) => {
  let bot: Bot;
  let clock: ManualClock;
  let wang: Acting;
  let zhang: Acting;
  let chen: Acting;
  let housing: number;

  beforeEach(async () => {
    clock = clockAt("2026-09-29T10:00");
    bot = await openBot(engine, clock);
    wang = await demo(bot, "王建国");
    zhang = await demo(bot, "张伟");
    chen = await demo(bot, "陈静");
    housing = await unitId(bot, "city.housing");
  });

  afterEach(async () => {
    await engine.release();
  });

  const referralRow = async (id: number) => {
    const { referrals } = bot.ctx.store.t;
    const [row] = await bot.ctx.store.db
      .select()
      .from(referrals)
      .where(eq(referrals.id, id));
    return row;
  };

  const feedbackClock = async (id: number) => {
    const clocks = await bot.ctx.clocks.forSubject(
      bot.ctx.store.db,
      "referral",
      id,
    );
    return clocks.find((c) => c.rule === "referral.feedback")!;
  };

  it("numbers referrals per unit and year and counts the 30-day deadline", async () => {
    const a = await bot.referrals.create(wang, referral(housing));
    const b = await bot.referrals.create(wang, referral(housing));
    const petitions = await demo(bot, "吴敏");
    const c = await bot.referrals.create(petitions, referral(housing));

    expect((await referralRow(a.referralId)).number).toBe(
      "遂人社移〔2026〕1号",
    );
    expect((await referralRow(b.referralId)).number).toBe(
      "遂人社移〔2026〕2号",
    );
    expect((await referralRow(c.referralId)).number).toBe(
      "遂信访移〔2026〕1号",
    );
    expect((await feedbackClock(a.referralId)).dueDate).toBe("2026-11-16");
  });

  it("records a referral made later than 5 working days after the case was found", async () => {
    // After 09-18: 09-20 (make-up), 21, 22, 23, 24 → due 09-24; the
    // Mid-autumn holiday 25–27, then 28 and 29: two working days late.
    const late = await bot.referrals.create(
      wang,
      referral(housing, { foundDate: "2026-09-18" }),
    );
    expect((await referralRow(late.referralId)).referralLateDays).toBe(2);
    expect(late.message).toContain("逾期 2 个工作日");

    const onTime = await bot.referrals.create(
      wang,
      referral(housing, { foundDate: "2026-09-22" }),
    );
    expect((await referralRow(onTime.referralId)).referralLateDays).toBe(0);
  });

  it("answers bad referrals clearly and stores nothing", async () => {
    const police = await unitId(bot, "city.police");
    const cases: [Record<string, unknown>, string, string][] = [
      [{ receivingUnitId: 999_999 }, "receivingUnitId", "不存在"],
      [{ kind: "crime" }, "receivingUnitId", "公安机关"],
      [{ receivingUnitId: police }, "receivingUnitId", "不能接收"],
      [{ amount: "一万元" }, "amount", "金额"],
      [{ amount: "12.345" }, "amount", "两位小数"],
      [{ headCount: "-3" }, "headCount", "不能小于 1"],
      [{ headCount: "3.5" }, "headCount", "整数"],
      [{ receivingUnitId: "" }, "receivingUnitId", "请选择接收单位"],
      [{ contactPhone: "12345" }, "contactPhone", "电话"],
      [{ foundDate: "2026-02-30" }, "foundDate", "有效日期"],
      [{ foundDate: "2026-10-20" }, "foundDate", "晚于今天"],
      [
        { foundDate: "2003-05-06", referralDate: "2003-05-08" },
        "foundDate",
        "节假日安排尚未载入",
      ],
    ];
    for (const [change, field, words] of cases) {
      const error = await rejection(
        bot.referrals.create(wang, referral(housing, change)),
      );
      expect(error.field, JSON.stringify(change)).toBe(field);
      expect(error.userMessage).toContain(words);
    }
    const missing = await rejection(
      bot.referrals.create(
        wang,
        referral(housing, {
          foundDate: "2003-05-06",
          referralDate: "2003-05-08",
        }),
      ),
    );
    expect(missing.code).toBe("calendar_year_missing");

    const notCaseworker = await rejection(
      bot.referrals.create(zhang, referral(housing)),
    );
    expect(notCaseworker.code).toBe("forbidden");

    expect(await count(bot.ctx.store, "referrals")).toBe(0);
    expect(await count(bot.ctx.store, "clocks")).toBe(0);
    expect(await count(bot.ctx.store, "outbox")).toBe(0);
    expect(await count(bot.ctx.store, "auditLog")).toBe(0);
  });

  it("refers in the year after the last schedule, provisionally", async () => {
    clock.set("2027-01-05T10:00");
    const { referralId, message } = await bot.referrals.create(
      wang,
      referral(housing, {
        foundDate: "2027-01-04",
        referralDate: "2027-01-05",
      }),
    );
    expect(message).toContain("反馈期限");
    expect(await feedbackClock(referralId)).toMatchObject({
      provisional: true,
    });
  });

  it("keeps one referral when the same form is submitted twice", async () => {
    const input = referral(housing, { submissionId: "form-0001-abc" });
    const first = await bot.referrals.create(wang, input);
    const second = await bot.referrals.create(wang, input);
    expect(second.referralId).toBe(first.referralId);
    expect(second.duplicate).toBe(true);
    expect(await count(bot.ctx.store, "referrals")).toBe(1);
  });

  it("ties a submission to its case and its content", async () => {
    const a = await bot.referrals.create(wang, referral(housing));
    const b = await bot.referrals.create(wang, referral(housing));
    const key = { submissionId: "same-key-001" };

    await bot.referrals.returnToSender(zhang, a.referralId, {
      ...key,
      reason: "甲",
    });
    // The same key on another case is a new action, not a repeat.
    const other = await bot.referrals.returnToSender(zhang, b.referralId, {
      ...key,
      reason: "甲",
    });
    expect(other.duplicate).toBeUndefined();
    expect((await referralRow(b.referralId)).status).toBe("returned");

    const input = referral(housing, { ...key, caseName: "乙案" });
    const first = await bot.referrals.create(wang, input);
    expect((await bot.referrals.create(wang, input)).duplicate).toBe(true);
    const changed = await rejection(
      bot.referrals.create(wang, { ...input, caseName: "丙案" }),
    );
    expect(changed.code).toBe("submission_reused");
    expect((await referralRow(first.referralId)).caseName).toBe("乙案");
    expect(await count(bot.ctx.store, "referrals")).toBe(3);
  });

  it("lets one liaison sign, shows it on every liaison's card, refuses other units", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    await bot.deliverNow();

    const police = await demo(bot, "周强");
    const refused = await rejection(bot.referrals.sign(police, referralId));
    expect(refused.code).toBe("forbidden");
    expect(refused.userMessage).toContain("市住房城乡建设局");

    clock.set("2026-10-09T09:30");
    await bot.referrals.sign(zhang, referralId, undefined, "click-1");
    const again = await bot.referrals.sign(
      zhang,
      referralId,
      undefined,
      "click-1",
    );
    expect(again.duplicate).toBe(true);
    const other = await rejection(
      bot.referrals.sign(chen, referralId, undefined, "click-2"),
    );
    expect(other.code).toBe("already_signed");
    expect(other.userMessage).toContain("张伟");
    await bot.deliverNow();

    for (const liaison of [zhang, chen]) {
      const cards = (await inbox(bot, liaison.person.id)).filter(
        (m) => m.type === "card",
      );
      expect(cards).toHaveLength(1);
      expect(cards[0].card.status.text).toBe("办理中");
      expect(cards[0].card.note).toContain("张伟 已于 2026-10-09 09:30 签收");
    }
    const { receipts } = bot.ctx.store.t;
    const [receipt] = await bot.ctx.store.db.select().from(receipts);
    expect(receipt).toMatchObject({
      signerName: "张伟",
      handedOverBy: "王建国",
      volumes: 1,
      pages: 35,
      handoverDate: "2026-09-29",
      signedDate: "2026-10-09",
    });
  });

  it("keeps exactly one receipt when two liaisons sign at the same moment", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    const results = await Promise.allSettled([
      bot.referrals.sign(zhang, referralId, undefined, "a-click"),
      bot.referrals.sign(chen, referralId, undefined, "b-click"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected");
    expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(AppError);
    expect(await count(bot.ctx.store, "receipts")).toBe(1);
  });

  it("returns to the sender, who redirects or overrules; returns are counted", async () => {
    const transport = await unitId(bot, "city.transport");
    const { referralId } = await bot.referrals.create(wang, referral(housing));

    const noReason = await rejection(
      bot.referrals.returnToSender(zhang, referralId, { reason: " " }),
    );
    expect(noReason).toBeInstanceOf(ValidationError);
    expect(noReason.userMessage).toContain("理由");

    await bot.referrals.returnToSender(zhang, referralId, {
      reason: "属交通工程",
    });
    expect((await referralRow(referralId)).status).toBe("returned");
    await bot.referrals.resolveReturn(wang, referralId, {
      decision: "redirect",
      unitId: transport,
    });
    await bot.deliverNow();
    const oldCard = (await inbox(bot, zhang.person.id)).find(
      (m) => m.type === "card",
    );
    expect(oldCard.card.status.text).toBe("已改由市交通运输局办理");
    expect(oldCard.card.buttons.map((b: { label: string }) => b.label)).toEqual(
      ["详情"],
    );
    const moved = await referralRow(referralId);
    expect(moved).toMatchObject({
      status: "pending_receipt",
      handlingUnitId: transport,
    });
    expect((await feedbackClock(referralId)).unitId).toBe(transport);

    const zheng = await demo(bot, "郑涛");
    await bot.referrals.returnToSender(zheng, referralId, {
      reason: "不属本单位",
    });
    await bot.referrals.resolveReturn(wang, referralId, {
      decision: "overrule",
      note: "经核实属交通工程",
    });
    expect((await referralRow(referralId)).status).toBe("pending_receipt");

    const { referralReturns } = bot.ctx.store.t;
    const returns = await bot.ctx.store.db.select().from(referralReturns);
    expect(returns.map((r) => [r.unitId, r.resolution])).toEqual([
      [housing, "redirected"],
      [transport, "overruled"],
    ]);
  });

  it("passes a case down; the clock runs on from the referral", async () => {
    const county = await unitId(bot, "chuanshan.housing");
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    const due = (await feedbackClock(referralId)).dueDate;

    const tooEarly = await rejection(
      bot.referrals.passDown(zhang, referralId, { unitId: county }),
    );
    expect(tooEarly.code).toBe("cannot_pass_down");
    clock.set("2026-10-09T10:00");
    await bot.referrals.sign(zhang, referralId);
    const wrongKind = await rejection(
      bot.referrals.passDown(zhang, referralId, {
        unitId: await unitId(bot, "chuanshan.police"),
      }),
    );
    expect(wrongKind.field).toBe("unitId");

    await bot.referrals.passDown(zhang, referralId, {
      unitId: county,
      note: "属船山区监管项目",
    });
    expect(await referralRow(referralId)).toMatchObject({
      status: "pending_receipt",
      handlingUnitId: county,
      supervisingUnitId: housing,
    });
    const zhao = await demo(bot, "赵磊");
    clock.set("2026-10-12T10:00");
    await bot.referrals.sign(zhao, referralId);
    const clockRow = await feedbackClock(referralId);
    expect(clockRow).toMatchObject({
      dueDate: due,
      unitId: county,
      status: "open",
    });

    await bot.deliverNow();
    const cityCard = (await inbox(bot, zhang.person.id)).find(
      (m) => m.type === "card",
    );
    expect(cityCard.card.status.text).toContain(
      "已转交船山区住建局办理，督办中",
    );
    // The supervisor urges from its own card.
    expect(
      cityCard.card.buttons.map((b: { label: string }) => b.label),
    ).toEqual(["催办", "详情"]);
    await bot.actions.handle({
      channel: "sim",
      eventKey: "urge-from-city-card",
      externalUserId: "demo-zhangw",
      cardKey: cityCard.card.key,
      action: "referral.urge",
      values: {},
    });
    await bot.deliverNow();
    const urged = (await inbox(bot, zhao.person.id)).filter(
      (m) => m.type === "text" && m.text.startsWith("【催办】市住房城乡建设局"),
    );
    expect(urged).toHaveLength(1);
    const countyCard = (await inbox(bot, zhao.person.id)).find(
      (m) => m.type === "card",
    );
    expect(countyCard.card.note).toContain("赵磊 已于 2026-10-12 10:00 签收");
    const { receipts } = bot.ctx.store.t;
    const countyReceipt = (await bot.ctx.store.db.select().from(receipts)).find(
      (r) => r.unitId === county,
    );
    expect(countyReceipt).toMatchObject({
      handedOverBy: "张伟",
      handoverDate: "2026-10-09",
    });
  });

  it("extends a deadline on approval and keeps the original on record", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    await bot.referrals.sign(zhang, referralId);
    await bot.referrals.requestExtension(zhang, referralId, {
      workdays: "5",
      reason: "需调取银行流水",
    });
    const twice = await rejection(
      bot.referrals.requestExtension(chen, referralId, {
        workdays: "3",
        reason: "再延",
      }),
    );
    expect(twice.code).toBe("extension_pending");
    const notTheirs = await rejection(
      bot.referrals.decideExtension(zhang, referralId, true),
    );
    expect(notTheirs.code).toBe("forbidden");

    await bot.referrals.decideExtension(wang, referralId, true);
    const extended = await feedbackClock(referralId);
    expect(extended).toMatchObject({
      originalDueDate: "2026-11-16",
      dueDate: "2026-11-23",
      extensionDays: 5,
    });

    await bot.referrals.requestExtension(zhang, referralId, {
      workdays: "3",
      reason: "再延",
    });
    await bot.referrals.decideExtension(wang, referralId, false);
    expect((await feedbackClock(referralId)).dueDate).toBe("2026-11-23");
  });

  it("withdraws a pending extension when feedback comes first", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    await bot.referrals.sign(zhang, referralId);
    await bot.referrals.requestExtension(zhang, referralId, {
      workdays: "10",
      reason: "需调取银行流水",
    });
    await bot.referrals.submitFeedback(zhang, referralId, {
      handlerContact: "张伟",
      handlerPhone: "13800000003",
      summary: "已办结",
      recoveredWorkers: "1",
      recoveredAmount: "100",
    });

    const late = await rejection(
      bot.referrals.decideExtension(wang, referralId, true),
    );
    expect(late.code).toBe("no_extension");
    expect((await feedbackClock(referralId)).extensionDays).toBe(0);
  });

  it("checks who may feed back before reading the form", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    const stranger = await demo(bot, "郑涛");
    const refused = await rejection(
      bot.referrals.submitFeedback(stranger, referralId, {}),
    );
    expect(refused.code).toBe("forbidden");
  });

  it("urges once a day", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    await bot.referrals.urge(wang, referralId);
    const again = await rejection(bot.referrals.urge(wang, referralId));
    expect(again.code).toBe("already_urged");
    clock.set("2026-09-30T10:00");
    await bot.referrals.urge(wang, referralId);
    await bot.deliverNow();
    const texts = (await inbox(bot, zhang.person.id)).filter(
      (m) => m.type === "text",
    );
    expect(texts.filter((m) => m.text.startsWith("【催办】"))).toHaveLength(2);
  });

  it("takes feedback, sends it back for more, then accepts and closes", async () => {
    const { referralId } = await bot.referrals.create(wang, referral(housing));
    const early = await rejection(
      bot.referrals.submitFeedback(zhang, referralId, {}),
    );
    expect(early).toBeInstanceOf(ValidationError);

    await bot.referrals.sign(zhang, referralId);
    const feedback = {
      handlerContact: "张伟",
      handlerPhone: "0825-2345678",
      penalty: "责令限期支付",
      summary: "已督促总包单位代发工资",
      recoveredWorkers: "12",
      recoveredAmount: "123456.70",
    };
    const bad = await rejection(
      bot.referrals.submitFeedback(zhang, referralId, {
        ...feedback,
        recoveredAmount: "abc",
      }),
    );
    expect(bad.field).toBe("recoveredAmount");
    expect(await count(bot.ctx.store, "feedbacks")).toBe(0);

    clock.set("2026-11-18T10:00");
    const late = await bot.referrals.submitFeedback(
      zhang,
      referralId,
      feedback,
    );
    expect(late.message).toContain("逾期 2 个工作日");
    const waiting = await rejection(bot.referrals.urge(wang, referralId));
    expect(waiting.code).toBe("cannot_urge");
    await bot.referrals.reviewFeedback(wang, referralId, {
      accept: false,
      raw: { reason: "请附工资发放凭证" },
    });
    expect((await referralRow(referralId)).status).toBe("in_progress");
    expect((await feedbackClock(referralId)).status).toBe("open");

    await bot.referrals.submitFeedback(zhang, referralId, feedback);
    await bot.referrals.reviewFeedback(wang, referralId, { accept: true });
    const closed = await referralRow(referralId);
    expect(closed.status).toBe("closed");
    expect(closed.closedAt).toBe(clock.now());

    const { auditLog } = bot.ctx.store.t;
    const actions = (await bot.ctx.store.db.select().from(auditLog)).map(
      (a) => a.action,
    );
    expect(actions).toEqual([
      "referral.create",
      "referral.sign",
      "referral.feedback",
      "referral.send_back",
      "referral.feedback",
      "referral.close",
    ]);
  });
});
