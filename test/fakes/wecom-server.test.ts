import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeWecom } from "./wecom-server.js";

let now = Date.parse("2026-10-09T02:00:00Z");
let fake: FakeWecom;
let base: string;

beforeEach(async () => {
  now = Date.parse("2026-10-09T02:00:00Z");
  fake = new FakeWecom({ now: () => now });
  base = await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

async function get(path: string) {
  const res = await fetch(base + path);
  return (await res.json()) as Record<string, any>;
}

async function post(path: string, body: unknown) {
  const res = await fetch(base + path, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, any>;
}

async function token() {
  const res = await get(
    "/cgi-bin/gettoken?corpid=ww_fakecorp&corpsecret=fake-secret",
  );
  return res.access_token as string;
}

const card = (taskId = "referral_3a1@1") => ({
  card_type: "button_interaction",
  main_title: { title: "移送案件待签收" },
  button_list: [{ text: "签收", style: 1, key: "referral.sign" }],
  task_id: taskId,
});

async function sendCard(access: string, over: Record<string, unknown> = {}) {
  return post(`/cgi-bin/message/send?access_token=${access}`, {
    touser: "zhangsan",
    msgtype: "template_card",
    agentid: 1000002,
    template_card: card(),
    ...over,
  });
}

describe("tokens", () => {
  it("issues a long token that expires in 7200 s", async () => {
    const res = await get(
      "/cgi-bin/gettoken?corpid=ww_fakecorp&corpsecret=fake-secret",
    );

    expect(res).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect(res.access_token.length).toBeGreaterThanOrEqual(64);
  });

  it.each([
    ["corpid=ww_other&corpsecret=fake-secret", 40013],
    ["corpid=ww_fakecorp&corpsecret=wrong", 40001],
    ["corpsecret=fake-secret", 41002],
    ["corpid=ww_fakecorp", 41004],
  ])("refuses gettoken?%s with %i", async (query, errcode) => {
    const res = await get(`/cgi-bin/gettoken?${query}`);

    expect(res.errcode).toBe(errcode);
    expect(res.errmsg).toContain("from ip: 127.0.0.1");
  });

  it("refuses a missing, unknown, expired or forgotten token", async () => {
    const access = await token();

    expect((await sendCard("")).errcode).toBe(41001);
    expect((await sendCard("nope")).errcode).toBe(40014);
    fake.expireTokens();
    expect((await sendCard(access)).errcode).toBe(42001);
    const fresh = await token();
    now += 7200_000;
    expect((await sendCard(fresh)).errcode).toBe(42001);
    const third = await token();
    fake.forgetTokens();
    expect((await sendCard(third)).errcode).toBe(40014);
  });
});

describe("message/send", () => {
  it("delivers a card and answers a msgid and response code", async () => {
    const res = await sendCard(await token());

    expect(res).toMatchObject({ errcode: 0, errmsg: "ok" });
    expect(res.msgid).toEqual(expect.any(String));
    expect(res.response_code).toEqual(expect.any(String));
    expect(fake.inbox("zhangsan")).toHaveLength(1);
  });

  it("refuses a task_id used before or outside its charset", async () => {
    const access = await token();
    await sendCard(access);

    expect((await sendCard(access)).errcode).toBe(40058);
    for (const taskId of ["a:b", "a.b", "", "x".repeat(129)]) {
      const res = await sendCard(access, {
        template_card: card(taskId),
      });
      expect(res.errcode).toBe(40058);
    }
  });

  it("refuses bad envelopes the way WeCom does", async () => {
    const access = await token();

    expect((await sendCard(access, { agentid: undefined })).errcode).toBe(
      41011,
    );
    expect((await sendCard(access, { agentid: "1000002" })).errcode).toBe(
      40056,
    );
    expect((await sendCard(access, { msgtype: "fax" })).errcode).toBe(40008);
    expect((await sendCard(access, { touser: "" })).errcode).toBe(82001);
    const path = `/cgi-bin/message/send?access_token=${access}`;
    expect((await post(path, "not json")).errcode).toBe(47001);
  });

  it("lists invalid users and refuses when none is valid", async () => {
    const access = await token();
    const some = await sendCard(access, { touser: "zhangsan|Ghost" });
    const none = await sendCard(access, {
      touser: "Ghost",
      template_card: card("t2"),
    });

    expect(some).toMatchObject({ errcode: 0, invaliduser: "ghost" });
    expect(none).toMatchObject({ errcode: 81013, invaliduser: "ghost" });
  });

  it("refuses cards missing what their type needs", async () => {
    const access = await token();
    const bad = [
      { ...card("a1"), button_list: [] },
      { ...card("a2"), button_list: [{ text: "x" }] },
      {
        ...card("a3"),
        button_list: [
          { text: "a", key: "k" },
          { text: "b", key: "k" },
        ],
      },
      { ...card("a4"), main_title: undefined },
      { card_type: "text_notice", main_title: { title: "t" } },
      { ...card("a5"), card_type: "carousel" },
    ];
    const codes = [];
    for (const template_card of bad) {
      codes.push((await sendCard(access, { template_card })).errcode);
    }

    expect(codes).toEqual([40058, 40058, 40058, 40058, 42045, 40058]);
  });

  it("counts markdown in bytes, not characters", async () => {
    const access = await token();
    const send = (content: string) =>
      post(`/cgi-bin/message/send?access_token=${access}`, {
        touser: "zhangsan",
        msgtype: "markdown",
        agentid: 1000002,
        markdown: { content },
      });

    expect((await send("案".repeat(682))).errcode).toBe(0);
    expect((await send("案".repeat(683))).errcode).toBe(45002);
    expect((await send("  ")).errcode).toBe(44004);
  });

  it("drops the 31st message a minute to one person without an error", async () => {
    const access = await token();
    for (let i = 0; i < 31; i++) {
      const res = await sendCard(access, { template_card: card(`c${i}`) });
      expect(res.errcode).toBe(0);
    }

    expect(fake.inbox("zhangsan")).toHaveLength(30);
    expect(fake.dropped).toHaveLength(1);
    now += 60_001;
    await sendCard(access, { template_card: card("later") });
    expect(fake.inbox("zhangsan")).toHaveLength(31);
  });

  it("drops everything when told to, still answering ok", async () => {
    fake.dropSilently = true;

    expect((await sendCard(await token())).errcode).toBe(0);
    expect(fake.inbox("zhangsan")).toHaveLength(0);
  });
});

describe("update_template_card", () => {
  async function update(access: string, code: string) {
    return post(
      `/cgi-bin/message/update_template_card?access_token=${access}`,
      {
        userids: ["zhangsan"],
        agentid: 1000002,
        response_code: code,
        button: { replace_name: "已签收" },
      },
    );
  }

  it("takes each response code once", async () => {
    const access = await token();
    const { response_code } = await sendCard(access);

    expect((await update(access, response_code)).errcode).toBe(0);
    expect((await update(access, response_code)).errcode).toBe(42022);
    expect(fake.cardUpdates).toHaveLength(1);
  });

  it("refuses a code past its 72 hours, or unknown", async () => {
    const access = await token();
    const code = fake.clickCode("referral_3a1@1");
    now += 72 * 3_600_000 + 1;
    const fresh = await token();

    expect((await update(fresh, code)).errcode).toBe(42022);
    expect((await update(fresh, "made-up")).errcode).toBe(40058);
    expect(access).not.toBe(fresh);
  });
});

describe("group robot", () => {
  const robot = (key: string, body: unknown) =>
    post(`/cgi-bin/webhook/send?key=${key}`, body);
  const text = { msgtype: "text", text: { content: "本周汇总" } };

  it("refuses an unknown key", async () => {
    expect((await robot("nope", text)).errcode).toBe(93000);
  });

  it("takes 20 messages a minute, then answers 45009", async () => {
    for (let i = 0; i < 20; i++) {
      expect((await robot("robot-key-1", text)).errcode).toBe(0);
    }

    expect((await robot("robot-key-1", text)).errcode).toBe(45009);
    now += 60_001;
    expect((await robot("robot-key-1", text)).errcode).toBe(0);
    expect(fake.robotMessages).toHaveLength(21);
  });

  it("allows 4096 bytes of markdown but no interactive cards", async () => {
    const md = (content: string) => ({
      msgtype: "markdown",
      markdown: { content },
    });
    const notice = {
      msgtype: "template_card",
      template_card: { ...card("r1"), card_type: "button_interaction" },
    };

    expect((await robot("robot-key-1", md("案".repeat(1365)))).errcode).toBe(0);
    expect((await robot("robot-key-1", md("案".repeat(1366)))).errcode).toBe(
      45002,
    );
    expect((await robot("robot-key-1", notice)).errcode).toBe(40058);
  });
});

describe("OAuth", () => {
  it("turns a code into the userid once, within five minutes", async () => {
    const access = await token();
    const code = fake.oauthCode("lisi");
    const late = fake.oauthCode("lisi");
    const path = (c: string) =>
      `/cgi-bin/auth/getuserinfo?access_token=${access}&code=${c}`;

    expect(await get(path(code))).toMatchObject({ errcode: 0, userid: "lisi" });
    expect((await get(path(code))).errcode).toBe(40029);
    now += 5 * 60_000 + 1;
    expect((await get(path(late))).errcode).toBe(40029);
  });

  it("redirects the authorize page with a code and the state", async () => {
    const redirect = encodeURIComponent("http://127.0.0.1:9/form");
    const res = await fetch(
      `${base}/connect/oauth2/authorize?appid=ww_fakecorp` +
        `&redirect_uri=${redirect}&response_type=code&scope=snsapi_base` +
        "&state=s1&fake_user=lisi",
      { redirect: "manual" },
    );
    const location = new URL(res.headers.get("location") ?? "");

    expect(res.status).toBe(302);
    expect(location.searchParams.get("state")).toBe("s1");
    const access = await token();
    const info = await get(
      `/cgi-bin/user/getuserinfo?access_token=${access}` +
        `&code=${location.searchParams.get("code")}`,
    );
    expect(info.UserId).toBe("lisi");
  });
});

describe("being told to fail", () => {
  it("answers a chosen errcode, status or reset, then recovers", async () => {
    const access = await token();
    fake.failNext("*", { errcode: 60020 });
    fake.failNext("/cgi-bin/message/send", { status: 502 });
    fake.failNext("/cgi-bin/message/send", "reset");

    expect((await sendCard(access)).errcode).toBe(60020);
    const res = await fetch(`${base}/cgi-bin/message/send`, { method: "POST" });
    expect(res.status).toBe(502);
    await expect(sendCard(access)).rejects.toThrow();
    expect((await sendCard(access)).errcode).toBe(0);
  });

  it("records every request with its query and body", async () => {
    await sendCard(await token());

    expect(fake.requests.map((r) => r.path)).toEqual([
      "/cgi-bin/gettoken",
      "/cgi-bin/message/send",
    ]);
    expect(fake.requests[1].body).toMatchObject({ msgtype: "template_card" });
  });
});
