import { eq } from "drizzle-orm";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { referralBody, startWeb, type Running } from "./server.js";

let web: Running;

beforeEach(async () => {
  web = await startWeb();
});

afterEach(async () => {
  await web.close();
});

/** Refers a case as 王建国 and returns its id. */
async function refer(overrides: Record<string, unknown> = {}) {
  const { cookie } = await web.signIn("王建国");
  const res = await web.call("POST", "/api/referrals", {
    cookie,
    json: await referralBody(web.bot, overrides),
  });
  expect(res.status).toBe(201);
  return res.body.referralId as number;
}

async function inboxOf(personId: number) {
  const { simMessages } = web.bot.ctx.store.t;
  const rows = await web.bot.ctx.store.db
    .select()
    .from(simMessages)
    .where(eq(simMessages.inbox, `person:${personId}`));
  return rows.map((r) => JSON.parse(r.payload));
}

describe("health and headers", () => {
  it("answers /healthz with the security headers", async () => {
    const res = await web.call("GET", "/healthz");

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain(
      "script-src 'self'",
    );
  });

  it("answers an unknown API path with a JSON 404", async () => {
    const res = await web.call("GET", "/api/nothing");

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("unexpected errors", () => {
  it("answers 500 in Chinese without details, and logs the error", async () => {
    const lines: string[] = [];
    const log = pino({ level: "error" }, { write: (l: string) => lines.push(l) });
    const broken = await startWeb({}, log);
    const { cookie } = await broken.signIn("王建国");
    await broken.bot.ctx.store.close();

    const res = await broken.call("GET", "/api/units", { cookie });
    const page = await broken.call("GET", "/referrals/1", { cookie });

    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      code: "internal",
      message: expect.stringContaining("系统内部出错"),
    });
    expect(page.status).toBe(500);
    expect(page.body).toContain("系统内部出错");
    expect(page.body).not.toMatch(/at \w+ \(|database|sqlite/i);
    expect(lines.map((l) => JSON.parse(l).msg))
      .toContain("web: unexpected error");
    await broken.close().catch(() => undefined);
  });
});

describe("who is calling", () => {
  it("refuses a caller without a session and stores nothing", async () => {
    const body = await referralBody(web.bot);
    const res = await web.call("POST", "/api/referrals", { json: body });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("not_signed_in");
    expect(res.body.error.message).toContain("请从工作群");
    expect(await web.count("referrals")).toBe(0);
  });

  it("refuses a session for a person who does not exist", async () => {
    const body = await referralBody(web.bot);
    const res = await web.call("POST", "/api/referrals", {
      cookie: web.cookieFor(99_999),
      json: body,
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("unknown_person");
    expect(res.body.error.message).toContain("系统中没有您的人员信息");
    expect(await web.count("referrals")).toBe(0);
  });

  it("ignores a session cookie whose signature was altered", async () => {
    const { cookie } = await web.signIn("王建国");
    const forged = cookie.replace(/=\d+\./, "=3.");
    const res = await web.call("GET", "/api/units", { cookie: forged });

    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("not_signed_in");
  });

  it("refuses a write sent from another site's page", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await fetch(`${web.base}/api/referrals`, {
      method: "POST",
      headers: {
        cookie,
        origin: "http://evil.example",
        "content-type": "application/json",
      },
      body: JSON.stringify(await referralBody(web.bot)),
    });

    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("cross_origin");
    expect(await web.count("referrals")).toBe(0);
  });
  it("refuses a write the browser marks as cross-site", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await fetch(`${web.base}/api/referrals`, {
      method: "POST",
      headers: {
        cookie,
        "sec-fetch-site": "cross-site",
        "content-type": "application/json",
      },
      body: JSON.stringify(await referralBody(web.bot)),
    });

    expect(res.status).toBe(403);
    expect(await web.count("referrals")).toBe(0);
  });

  it("accepts our own form, whose origin is null under no-referrer", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await fetch(`${web.base}/api/referrals`, {
      method: "POST",
      headers: {
        cookie,
        origin: "null",
        "sec-fetch-site": "same-origin",
        "content-type": "application/json",
      },
      body: JSON.stringify(await referralBody(web.bot)),
    });

    expect(res.status).toBe(201);
  });
});

describe("POST /api/referrals", () => {
  it("refers a case and delivers the notice to the liaisons", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");

    const cards = await inboxOf(zhang.id);
    expect(cards).toHaveLength(1);
    expect(cards[0].card.key).toBe(`referral:${id}:unit:${
      (await web.bot.ctx.directory.unitByCode("city.housing"))!.id
    }`);
    expect(cards[0].card.status.text).toBe("待签收");
  });

  it("creates one referral when the same form is submitted twice", async () => {
    const { cookie } = await web.signIn("王建国");
    const json = await referralBody(web.bot, { submissionId: "form-0001-abc" });

    const first = await web.call("POST", "/api/referrals", { cookie, json });
    const second = await web.call("POST", "/api/referrals", { cookie, json });

    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    expect(second.body.referralId).toBe(first.body.referralId);
    expect(await web.count("referrals")).toBe(1);
  });

  it("refuses a receiving unit that does not exist", async () => {
    const { cookie } = await web.signIn("王建国");
    const json = await referralBody(web.bot, { receivingUnitId: "99999" });
    const res = await web.call("POST", "/api/referrals", { cookie, json });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.issues).toEqual([{
      field: "receivingUnitId",
      message: "接收单位：该单位不存在或已停用，请从列表中选择",
    }]);
    expect(await web.count("referrals")).toBe(0);
  });

  it("refuses a source case sent to the police", async () => {
    const { cookie } = await web.signIn("王建国");
    const police = await web.bot.ctx.directory.unitByCode("city.police");
    const json = await referralBody(web.bot, { receivingUnitId: police!.id });
    const res = await web.call("POST", "/api/referrals", { cookie, json });

    expect(res.status).toBe(422);
    expect(res.body.error.issues[0].message).toContain("市公安局不能接收");
    expect(await web.count("referrals")).toBe(0);
  });

  it("says in Chinese that an amount must be a number", async () => {
    const { cookie } = await web.signIn("王建国");
    const json = await referralBody(web.bot, { amount: "abc" });
    const res = await web.call("POST", "/api/referrals", { cookie, json });

    expect(res.status).toBe(422);
    expect(res.body.error.issues).toEqual([{
      field: "amount",
      message: "投诉金额：请填写金额（元），可带两位小数，如 12345.67",
    }]);
    expect(await web.count("referrals")).toBe(0);
  });

  it("refuses a date in a year without calendar data", async () => {
    const { cookie } = await web.signIn("王建国");
    const json = await referralBody(web.bot, { foundDate: "2003-05-06" });
    const res = await web.call("POST", "/api/referrals", { cookie, json });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("calendar_year_missing");
    expect(res.body.error.field).toBe("foundDate");
    expect(res.body.error.message).toContain("2003 年的节假日安排尚未载入");
    expect(await web.count("referrals")).toBe(0);
    expect(await web.count("clocks")).toBe(0);
  });

  it("refuses a referral from someone who is not a caseworker", async () => {
    const { cookie } = await web.signIn("张伟");
    const json = await referralBody(web.bot);
    const res = await web.call("POST", "/api/referrals", { cookie, json });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await web.count("referrals")).toBe(0);
  });
});

describe("request bodies", () => {
  it("answers broken JSON with bad_json", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await web.call("POST", "/api/referrals", {
      cookie,
      body: "{\"kind\": ",
      type: "application/json",
    });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("bad_json");
    expect(res.body.error.message).toContain("不是有效的 JSON");
  });

  it("answers a body over 1 MB with 413", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await web.call("POST", "/api/referrals", {
      cookie,
      body: JSON.stringify({ caseName: "x".repeat(1_100_000) }),
      type: "application/json",
    });

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("body_too_large");
  });

  it("accepts an urlencoded form like JSON", async () => {
    const { cookie } = await web.signIn("王建国");
    const form = new URLSearchParams(
      Object.entries(await referralBody(web.bot)).map(
        ([k, v]) => [k, String(v)],
      ),
    );
    const res = await web.call("POST", "/api/referrals", {
      cookie,
      body: form.toString(),
      type: "application/x-www-form-urlencoded",
    });

    expect(res.status).toBe(201);
  });
});

describe("the lifecycle through the API", () => {
  it("refuses a person of another unit signing", async () => {
    const id = await refer();
    const other = await web.signIn("郑涛");
    const res = await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: other.cookie,
      json: {},
    });

    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(res.body.error.message).toContain("市住房城乡建设局办理");
    expect(await web.count("receipts")).toBe(0);
  });

  it("signs with a corrected receipt, feeds back and closes", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    const wang = await web.signIn("王建国");

    const signed = await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie,
      json: {
        submissionId: "receipt-0001",
        volumes: "2",
        pages: "45",
        exhibits: "工资表复印件",
        handedOverBy: "王建国",
        handoverDate: "2026-10-09",
        signerName: "张伟",
      },
    });
    expect(signed.status).toBe(200);
    expect(signed.body.message).toContain("已签收");

    const feedback = await web.call("POST", `/api/referrals/${id}/feedback`, {
      cookie: zhang.cookie,
      json: {
        handlerContact: "张伟",
        handlerPhone: "13800000003",
        penalty: "责令改正",
        summary: "已督促总包单位支付工程款",
        recoveredWorkers: "12",
        recoveredAmount: "35000.50",
        remarks: "",
      },
    });
    expect(feedback.status).toBe(200);

    const review = await web.call("POST", `/api/referrals/${id}/review`, {
      cookie: wang.cookie,
      json: { decision: "accept" },
    });
    expect(review.status).toBe(200);
    expect(review.body.message).toContain("办结");

    const details = await web.call("GET", `/api/referrals/${id}`, {
      cookie: wang.cookie,
    });
    expect(details.body.referral.status).toBe("closed");
    expect(details.body.receipts[0]).toMatchObject({ volumes: 2, pages: 45 });
    expect(details.body.feedbacks[0].data.recoveredAmount).toBe(3_500_050);
    expect(details.body.audit.map((a: { action: string }) => a.action))
      .toEqual(["referral.create", "referral.sign", "referral.feedback",
        "referral.close"]);
  });

  it("keeps nothing of a feedback with an amount that is not a number", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });

    const res = await web.call("POST", `/api/referrals/${id}/feedback`, {
      cookie: zhang.cookie,
      json: {
        handlerContact: "张伟",
        handlerPhone: "13800000003",
        summary: "已办理",
        recoveredWorkers: "3",
        recoveredAmount: "abc",
      },
    });

    expect(res.status).toBe(422);
    expect(res.body.error.issues).toEqual([{
      field: "recoveredAmount",
      message: "追薪金额：请填写金额（元），可带两位小数，如 12345.67",
    }]);
    expect(await web.count("feedbacks")).toBe(0);
  });

  it("asks for an extension and lets the referrer decide", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    const wang = await web.signIn("王建国");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });

    const tooMany = await web.call("POST", `/api/referrals/${id}/extension`, {
      cookie: zhang.cookie, json: { workdays: "31", reason: "材料多" },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.issues[0].field).toBe("workdays");

    const asked = await web.call("POST", `/api/referrals/${id}/extension`, {
      cookie: zhang.cookie, json: { workdays: "10", reason: "需要调取银行流水" },
    });
    expect(asked.status).toBe(200);

    const bad = await web.call(
      "POST", `/api/referrals/${id}/extension-decision`,
      { cookie: wang.cookie, json: { decision: "maybe" } },
    );
    expect(bad.status).toBe(422);

    const decided = await web.call(
      "POST", `/api/referrals/${id}/extension-decision`,
      { cookie: wang.cookie, json: { decision: "approve" } },
    );
    expect(decided.status).toBe(200);
    expect(decided.body.message).toContain("同意延期 10 个工作日");
  });

  it("passes a case down and lets the county unit sign", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    const zhao = await web.signIn("赵磊");
    const county = await web.bot.ctx.directory.unitByCode("chuanshan.housing");
    await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhang.cookie, json: {},
    });

    const passed = await web.call("POST", `/api/referrals/${id}/pass-down`, {
      cookie: zhang.cookie, json: { unitId: county!.id, note: "属地办理" },
    });
    expect(passed.status).toBe(200);

    const signed = await web.call("POST", `/api/referrals/${id}/sign`, {
      cookie: zhao.cookie, json: {},
    });
    expect(signed.status).toBe(200);
    expect(await web.count("receipts")).toBe(2);
  });

  it("returns a case and lets the referrer redirect it", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    const wang = await web.signIn("王建国");
    const transport = await web.bot.ctx.directory.unitByCode("city.transport");

    const returned = await web.call("POST", `/api/referrals/${id}/return`, {
      cookie: zhang.cookie, json: { reason: "属于交通项目" },
    });
    expect(returned.status).toBe(200);

    const missing = await web.call(
      "POST", `/api/referrals/${id}/resolve-return`,
      { cookie: wang.cookie, json: { decision: "overrule" } },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.error.issues[0].field).toBe("note");

    const redirected = await web.call(
      "POST", `/api/referrals/${id}/resolve-return`,
      { cookie: wang.cookie, json: { decision: "redirect", unitId: transport!.id } },
    );
    expect(redirected.status).toBe(200);
    expect(redirected.body.message).toContain("已改派市交通运输局");
  });

  it("urges once a day", async () => {
    const id = await refer();
    const wang = await web.signIn("王建国");

    const first = await web.call("POST", `/api/referrals/${id}/urge`, {
      cookie: wang.cookie, json: {},
    });
    const second = await web.call("POST", `/api/referrals/${id}/urge`, {
      cookie: wang.cookie, json: {},
    });

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("already_urged");
  });

  it("answers an unknown command and an unknown referral with 404", async () => {
    const wang = await web.signIn("王建国");

    const command = await web.call("POST", "/api/referrals/1/explode", {
      cookie: wang.cookie, json: {},
    });
    const referral = await web.call("GET", "/api/referrals/424242", {
      cookie: wang.cookie,
    });

    expect(command.status).toBe(404);
    expect(referral.status).toBe(404);
    expect(referral.body.error.message).toContain("该移送案件不存在");
  });

  it("shows a referral only to the units involved", async () => {
    const id = await refer();
    const other = await web.signIn("周强");

    const res = await web.call("GET", `/api/referrals/${id}`, {
      cookie: other.cookie,
    });

    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("无权查看");
  });
});

describe("GET /api/units", () => {
  it("lists the active units", async () => {
    const { cookie } = await web.signIn("王建国");
    const res = await web.call("GET", "/api/units", { cookie });

    expect(res.status).toBe(200);
    const names = res.body.units.map((u: { shortName: string }) => u.shortName);
    expect(names).toContain("市住房城乡建设局");
    expect(names).toContain("船山区住建局");
  });
});
