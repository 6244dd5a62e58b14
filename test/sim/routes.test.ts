import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseInstant } from "../../src/time.js";
import { referralBody, startWeb, type Running } from "../web/server.js";

let web: Running;

beforeEach(async () => {
  web = await startWeb();
});

afterEach(async () => {
  await web.close();
});

async function refer() {
  const { cookie } = await web.signIn("王建国");
  const res = await web.call("POST", "/api/referrals", {
    cookie,
    json: await referralBody(web.bot),
  });
  return res.body.referralId as number;
}

async function state(name: string) {
  const { cookie } = await web.signIn(name);
  return (await web.call("GET", "/sim/api/state", { cookie })).body;
}

describe("choosing who you are", () => {
  it("lists the demo people with unit and roles in Chinese", async () => {
    const res = await web.call("GET", "/sim");

    expect(res.status).toBe(200);
    expect(res.body).toContain("模拟器：选择身份");
    expect(res.body).toContain("王建国");
    expect(res.body).toContain("经办人员、联络员");
    expect(res.body).toContain("<h2>市住房城乡建设局</h2>");
  });

  it("signs in with a session cookie the script cannot read", async () => {
    const wang = await web.signIn("王建国");
    const res = await web.call("POST", "/sim/login", {
      body: `personId=${wang.id}`,
      type: "application/x-www-form-urlencoded",
    });

    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sim");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^qx_session=\d+\.\d+\.[\w-]{43};/);
    expect(cookie.toLowerCase()).toContain("httponly");
    expect(cookie.toLowerCase()).toContain("samesite=lax");
    expect(cookie).toContain("path=/");
  });

  it("refuses someone who is not a demo person", async () => {
    const res = await web.call("POST", "/sim/login", {
      body: "personId=99999",
      type: "application/x-www-form-urlencoded",
    });

    expect(res.status).toBe(403);
    expect(res.body).toContain("只能以演示人员的身份进入模拟器");
  });

  it("shows the chat with the new-referral entry to caseworkers only", async () => {
    const wang = await web.signIn("王建国");
    const zhang = await web.signIn("张伟");

    const hers = await web.call("GET", "/sim", { cookie: wang.cookie });
    const his = await web.call("GET", "/sim", { cookie: zhang.cookie });

    expect(hers.body).toContain('id="new-referral"');
    expect(hers.body).toContain("运行：晨间提醒");
    expect(hers.body).toContain('id="clock-form"');
    expect(his.body).not.toContain('id="new-referral"');
  });
});

describe("the chat state", () => {
  it("shows delivered cards, and the group of the mechanism", async () => {
    await refer();

    const zhang = await state("张伟");

    expect(zhang.me).toMatchObject({ name: "张伟", roles: "联络员" });
    expect(zhang.clock).toMatchObject({
      value: "2026-10-09T10:00",
      manual: true,
    });
    expect(zhang.clock.now).toContain("星期五，工作日");
    expect(zhang.person.messages[0].message.card.title).toBe(
      "【移送通知】遂宁某小区项目欠薪案",
    );
    expect(zhang.group.name).toContain("联动机制群");
  });

  it("shows a message held for office hours with its delivery time", async () => {
    web.clock.set(parseInstant("2026-10-09T20:00"));
    await refer();

    const zhang = await state("张伟");

    expect(zhang.person.messages).toEqual([]);
    expect(zhang.person.pending).toHaveLength(1);
    // 10-10 is a Saturday worked in exchange for the National Day holiday.
    expect(zhang.person.pending[0].when).toBe("将于 2026-10-10 08:30 送达");
  });
});

describe("clicking a card button", () => {
  it("signs and updates the clicker's card at once", async () => {
    const id = await refer();
    const zhang = await web.signIn("张伟");
    const housing = await web.bot.ctx.directory.unitByCode("city.housing");

    const res = await web.call("POST", "/sim/api/click", {
      cookie: zhang.cookie,
      json: {
        cardKey: `referral:${id}:unit:${housing!.id}`,
        action: "referral.sign",
      },
    });

    expect(res.status).toBe(200);
    expect(res.body.message).toContain("已签收");
    const card = (await state("张伟")).person.messages[0].message.card;
    expect(card.status.text).toBe("办理中");
    expect(card.note).toContain("张伟 已于 2026-10-09 10:00 签收");
  });

  it("answers a click by a person who may not act in Chinese", async () => {
    const id = await refer();
    const zheng = await web.signIn("郑涛");
    const housing = await web.bot.ctx.directory.unitByCode("city.housing");

    const res = await web.call("POST", "/sim/api/click", {
      cookie: zheng.cookie,
      json: {
        cardKey: `referral:${id}:unit:${housing!.id}`,
        action: "referral.sign",
      },
    });

    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("无权签收");
    expect(await web.count("receipts")).toBe(0);
  });
});

describe("typing to the bot", () => {
  it("shows what was typed and the bot's answer in the chat", async () => {
    await refer();
    const zhang = await web.signIn("张伟");

    const res = await web.call("POST", "/sim/api/say", {
      cookie: zhang.cookie,
      json: { text: "待办" },
    });

    expect(res.status).toBe(200);
    expect(res.body.message).toContain("待签收");
    const texts = (await state("张伟")).person.messages
      .map((m: { message: { text?: string; from?: string } }) => m.message)
      .filter((m: { text?: string }) => m.text);
    expect(texts.at(-2)).toEqual({ type: "text", text: "待办", from: "me" });
    expect(texts.at(-1).text).toContain("遂人社移〔2026〕1号");
  });

  it("refuses an empty message with a Chinese reason", async () => {
    const zhang = await web.signIn("张伟");
    const res = await web.call("POST", "/sim/api/say", {
      cookie: zhang.cookie,
      json: { text: "   " },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("请输入内容");
  });
});

describe("the simulated time, guarded", () => {
  it("will not go back before the last recorded action", async () => {
    await refer();
    const { cookie } = await web.signIn("王建国");
    const res = await web.call("POST", "/sim/api/clock", {
      cookie,
      json: { instant: "2026-10-08T10:00" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("clock_before_records");
    expect(res.body.error.message).toContain("2026-10-09 10:00");
  });

  it("refuses impossible and far-off times with a reason", async () => {
    const { cookie } = await web.signIn("王建国");
    const cases: [string, string][] = [
      ["2026-13-01T10:00", "没有这一天"],
      ["2026-02-30T10:00", "没有这一天"],
      ["2026-12-04T23:60", "如 2026-10-09T10:00"],
      ["9999-12-31T10:00", "2004 年至 2027 年"],
      ["1999-01-04T10:00", "2004 年至 2027 年"],
    ];
    for (const [instant, words] of cases) {
      const res = await web.call("POST", "/sim/api/clock", {
        cookie,
        json: { instant },
      });
      expect(res.status, instant).toBe(422);
      expect(res.body.error.message).toContain(words);
    }
    expect((await web.call("GET", "/healthz")).status).toBe(200);
  });

  it("explains office hours when messages are held", async () => {
    const { cookie } = await web.signIn("王建国");
    expect((await state("王建国")).clock.officeNote).toBeNull();
    await web.call("POST", "/sim/api/clock", {
      cookie,
      json: { instant: "2026-10-10T19:00" },
    });
    expect((await state("王建国")).clock.officeNote).toContain(
      "将于 2026-10-12 08:30 送达",
    );
  });
});

describe("the simulated time", () => {
  it("moves the bot's clock", async () => {
    const { cookie } = await web.signIn("王建国");

    const res = await web.call("POST", "/sim/api/clock", {
      cookie,
      json: { instant: "2026-10-12T09:05" },
    });

    expect(res.status).toBe(200);
    expect(res.body.message).toBe("模拟时间已设为 2026-10-12 09:05。");
    expect(web.clock.now()).toBe(parseInstant("2026-10-12T09:05"));
  });

  it("says what is wrong with a bad time", async () => {
    const { cookie } = await web.signIn("王建国");

    const res = await web.call("POST", "/sim/api/clock", {
      cookie,
      json: { instant: "tomorrow" },
    });

    expect(res.status).toBe(422);
    expect(res.body.error.issues[0].message).toBe(
      "模拟时间：请填写日期和时间，如 2026-10-09T10:00",
    );
  });

  it("delivers held messages when the delivery job runs", async () => {
    web.clock.set(parseInstant("2026-10-09T20:00"));
    await refer();
    web.clock.set(parseInstant("2026-10-10T08:30"));
    const { cookie } = await web.signIn("王建国");

    const res = await web.call("POST", "/sim/api/jobs/deliver", { cookie });

    expect(res.status).toBe(200);
    expect(res.body.message).toContain("已运行：投递");
    expect((await state("张伟")).person.messages).toHaveLength(1);
  });

  it("answers an unknown job with 404", async () => {
    const { cookie } = await web.signIn("王建国");

    const res = await web.call("POST", "/sim/api/jobs/reboot", { cookie });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("unknown_job");
  });
});
