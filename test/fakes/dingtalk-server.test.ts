import { performance } from "node:perf_hooks";
import { DWClient } from "dingtalk-stream";
import pino from "pino";
import {
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from "vitest";
import { WebSocket } from "ws";
import {
  DingTalkStream,
  type StreamFrame,
  type StreamOptions,
} from "../../bots/dingtalk/stream.js";
import {
  FakeDingTalk,
  TOPIC_CARD,
  TOPIC_ROBOT,
  type FakeDingTalkOptions,
} from "./dingtalk-server.js";

const APP = { clientId: "dingfakeappkey", clientSecret: "fake-app-secret" };
const TEMPLATE = "dac1dbec-55af-40c3-be91-6d6882ef3b66.schema";
const GROUP = "cid6KeBBLoveMJOGXoYKF5x7EeiodoA==";
const START = Date.parse("2026-10-09T02:00:00Z");

let now = START;
let fake: FakeDingTalk;
let base: string;

async function startFake(options: FakeDingTalkOptions = {}) {
  fake = new FakeDingTalk({
    templates: [TEMPLATE],
    groups: {
      [GROUP]: { title: "欠薪联动工作群", members: ["manager1234"] },
      cidNoRobot: { title: "无机器人群", members: [], robot: false },
    },
    ...options,
  });
  base = await fake.start();
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, any>,
  };
}

async function token(): Promise<string> {
  const res = await call("POST", "/v1.0/oauth2/accessToken", {
    appKey: APP.clientId,
    appSecret: APP.clientSecret,
  });
  return res.body.accessToken;
}

async function api(path: string, body: unknown, method = "POST") {
  const auth = { "x-acs-dingtalk-access-token": await token() };
  return call(method, path, body, auth);
}

const batch = (over: Record<string, unknown> = {}) => ({
  robotCode: APP.clientId,
  userIds: ["manager1234"],
  msgKey: "sampleMarkdown",
  msgParam: JSON.stringify({ title: "案件转办通知", text: "### 2024-001" }),
  ...over,
});

const card = (over: Record<string, unknown> = {}) => ({
  cardTemplateId: TEMPLATE,
  outTrackId: "ref-2024-001-notice-1",
  callbackType: "STREAM",
  cardData: { cardParamMap: { status: "待签收", signedCount: "0" } },
  privateData: { manager1234: { cardParamMap: { myStatus: "pending" } } },
  openSpaceId: `dtv1.card//IM_GROUP.${GROUP};IM_ROBOT.ghost`,
  imGroupOpenSpaceModel: { supportForward: false },
  imGroupOpenDeliverModel: { robotCode: APP.clientId },
  imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: APP.clientId },
  ...over,
});

describe("the fake DingTalk over HTTP", () => {
  beforeEach(async () => {
    now = START;
    await startFake({ now: () => now });
  });

  afterEach(async () => {
    await fake.stop();
  });

  describe("tokens", () => {
    it("gives the same token while it is valid", async () => {
      const first = await call("POST", "/v1.0/oauth2/accessToken", {
        appKey: APP.clientId,
        appSecret: APP.clientSecret,
      });
      now += 3_600_000;
      const second = await token();

      expect(first.body).toEqual({
        accessToken: expect.any(String),
        expireIn: 7200,
      });
      expect(second).toBe(first.body.accessToken);
    });

    it("refuses bad credentials on both APIs in their shapes", async () => {
      const neu = await call("POST", "/v1.0/oauth2/accessToken", {
        appKey: APP.clientId,
        appSecret: "wrong",
      });
      const old = await call("GET", "/gettoken?appkey=x&appsecret=y");
      const missing = await call("GET", "/gettoken?appkey=x");
      const good = await call(
        "GET",
        `/gettoken?appkey=${APP.clientId}&appsecret=${APP.clientSecret}`,
      );

      expect(neu.status).toBe(400);
      expect(neu.body).toEqual({
        code: "invalidClientIdOrSecret",
        message: expect.any(String),
        requestid: expect.any(String),
      });
      expect(old).toMatchObject({ status: 200, body: { errcode: 40096 } });
      expect(missing.body.errcode).toBe(40035);
      expect(good.body).toMatchObject({ errcode: 0, expires_in: 7200 });
    });

    it("refuses a missing, unknown or expired token header", async () => {
      const path = "/v1.0/robot/oToMessages/batchSend";
      const missing = await call("POST", path, batch());
      const unknown = await call("POST", path, batch(), {
        "x-acs-dingtalk-access-token": "nope",
      });
      const access = await token();
      fake.expireTokens();
      const expired = await call("POST", path, batch(), {
        "x-acs-dingtalk-access-token": access,
      });
      const fresh = await token();
      now += 7_200_000;
      const late = await call("POST", path, batch(), {
        "x-acs-dingtalk-access-token": fresh,
      });

      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe("AuthenticationFailed.MissingParameter");
      expect(unknown.body.code).toBe("InvalidAuthentication");
      expect(expired.body.code).toBe("InvalidAuthentication");
      expect(fresh).not.toBe(access);
      expect(late.body.code).toBe("InvalidAuthentication");
    });
  });

  describe("limits and failures", () => {
    it("throttles past the QPS for one API and recovers a second later", async () => {
      fake.qps = 2;
      const path = "/v1.0/robot/oToMessages/batchSend";
      const answers = [];
      for (let i = 0; i < 3; i++) {
        answers.push(await api(path, batch()));
      }
      const other = await api("/v1.0/robot/groupMessages/send", {
        robotCode: APP.clientId,
        openConversationId: GROUP,
        msgKey: "sampleText",
        msgParam: JSON.stringify({ content: "提醒" }),
      });
      // Per-second limits run on real time, not on the test's clock.
      await new Promise((resolve) => setTimeout(resolve, 1010));
      const after = await api(path, batch());

      expect(answers.map((a) => a.status)).toEqual([200, 200, 403]);
      expect(answers[2].body.code).toBe(
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
      );
      expect(other.status).toBe(200);
      expect(after.status).toBe(200);
    });

    it("stops metered calls at the monthly quota until the 1st in Beijing", async () => {
      fake.monthlyQuota = 2;
      now = Date.parse("2026-10-31T15:00:00Z");
      const path = "/v1.0/robot/oToMessages/batchSend";
      await api(path, batch());
      await api(path, batch());
      const over = await api(path, batch());
      now = Date.parse("2026-10-31T16:00:00Z");
      const november = await api(path, batch());

      expect(over.status).toBe(403);
      expect(over.body.code).toBe("Forbidden.AccessDenied.ApiCountLimitForOrg");
      expect(november.status).toBe(200);
      expect(fake.callsThisMonth()).toBe(1);
    });

    it("fails the next call to a path as told", async () => {
      const path = "/v1.0/robot/oToMessages/batchSend";
      fake.failNext(path, { status: 500, code: "system.busy" });
      fake.failNext("/topapi/v2/user/getuserinfo", { errcode: 90018 });
      fake.failNext(path, "reset");

      const busy = await api(path, batch());
      const old = await call("POST", "/topapi/v2/user/getuserinfo", {});
      const reset = api(path, batch());

      expect(busy).toMatchObject({
        status: 500,
        body: { code: "system.busy" },
      });
      expect(old).toMatchObject({ status: 200, body: { errcode: 90018 } });
      await expect(reset).rejects.toThrow();
    });
  });

  describe("robot messages", () => {
    it("sends 1:1 and lists invalid and flow-controlled users", async () => {
      fake.robot.flowControlled.add("user5678");
      const res = await api(
        "/v1.0/robot/oToMessages/batchSend",
        batch({ userIds: ["manager1234", "user5678", "ghost"] }),
      );

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        processQueryKey: expect.any(String),
        invalidStaffIdList: ["ghost"],
        flowControlledStaffIdList: ["user5678"],
      });
      expect(fake.inbox("manager1234")).toEqual([
        expect.objectContaining({
          kind: "oto",
          msgKey: "sampleMarkdown",
          msgParam: { title: "案件转办通知", text: "### 2024-001" },
        }),
      ]);
      expect(fake.inbox("user5678")).toEqual([]);
    });

    it.each([
      [{ robotCode: "" }, "invalidParameter.robotCode.empty"],
      [{ robotCode: "dingother" }, "invalidParameter.robotCode.auth"],
      [{ userIds: [] }, "invalidParameter.userIds.empty"],
      [
        { userIds: Array.from({ length: 21 }, (_, i) => `u${i}`) },
        "invalidParameter.userIds.overMax",
      ],
      [{ msgKey: "" }, "invalidParameter.msgKey.empty"],
      [{ msgKey: "sampleFax" }, "invalidParameter.msgKey.invalid"],
      [
        { msgParam: { title: "t", text: "x" } },
        "invalidParameter.msgParam.invalid",
      ],
      [{ msgParam: "{not json" }, "invalidParameter.msgParam.invalid"],
      [{ msgParam: '["a"]' }, "invalidParameter.msgParam.invalid"],
      [
        { msgParam: JSON.stringify({ title: "只有标题" }) },
        "invalidParameter.msgParam.invalid",
      ],
      [
        {
          msgKey: "sampleActionCard",
          msgParam: JSON.stringify({
            title: "t",
            text: "x",
            singleTitle: "看",
          }),
        },
        "invalidParameter.msgParam.invalid",
      ],
    ])("refuses batchSend %j with %s", async (over, code) => {
      const res = await api("/v1.0/robot/oToMessages/batchSend", batch(over));

      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code,
        message: expect.any(String),
        requestid: expect.any(String),
      });
    });

    it("sends to a group the robot is in, up to 15 000 bytes", async () => {
      const send = (over: Record<string, unknown>) =>
        api("/v1.0/robot/groupMessages/send", {
          robotCode: APP.clientId,
          openConversationId: GROUP,
          msgKey: "sampleText",
          msgParam: JSON.stringify({ content: "【逾期提醒】" }),
          ...over,
        });
      const long = JSON.stringify({ content: "欠".repeat(5000) });

      const sent = await send({});
      const unknown = await send({ openConversationId: "cidGhost==" });
      const noRobot = await send({ openConversationId: "cidNoRobot" });
      const tooLong = await send({ msgParam: long });

      expect(sent.body).toEqual({ processQueryKey: expect.any(String) });
      expect(fake.inbox(GROUP)).toHaveLength(1);
      expect(unknown.body.code).toBe("invalid.openConversationId");
      expect(noRobot.body.code).toBe("invalidParameter.robotCode.notExsit");
      expect(tooLong.status).toBe(400);
    });

    it("writes group messages as DingTalk does, from members only", async () => {
      void fake.robotMessage({
        text: "签收 2024-001",
        senderStaffId: "manager1234",
        conversationType: "2",
        conversationId: GROUP,
      });
      const outsider = () =>
        fake.robotMessage({
          text: "x",
          senderStaffId: "user5678",
          conversationType: "2",
          conversationId: GROUP,
        });

      expect(fake.injected[0]).toMatchObject({
        conversationType: "2",
        conversationId: GROUP,
        conversationTitle: "欠薪联动工作群",
        isInAtList: true,
        text: { content: " 签收 2024-001" },
      });
      expect(fake.injected[0].sessionWebhookExpiredTime).toBe(
        START + 90 * 60_000,
      );
      expect(outsider).toThrow(/not in group/);
    });

    it("answers on the sessionWebhook until the session expires", async () => {
      void fake.robotMessage({
        text: "签收 2024-001",
        senderStaffId: "manager1234",
      });
      const webhook = String(fake.injected[0].sessionWebhook);
      const path = webhook.slice(base.length);
      const text = { msgtype: "text", text: { content: "已收到" } };

      const replied = await call("POST", path, text);
      const bad = await call("POST", path, { msgtype: "text", text: {} });
      now += 91 * 60_000;
      const expired = await call("POST", path, text);

      expect(webhook.startsWith(`${base}/robot/sendBySession?session=`)).toBe(
        true,
      );
      expect(replied.body).toEqual({ errcode: 0, errmsg: "ok" });
      expect(fake.robot.sessionReplies).toEqual([
        expect.objectContaining({ senderStaffId: "manager1234", body: text }),
      ]);
      expect(bad.body.errcode).toBe(40035);
      expect(expired.body).toEqual({
        errcode: 300001,
        errmsg: "session 不存在",
      });
    });
  });

  describe("free login", () => {
    const userinfo = async (code: string, access?: string) =>
      call(
        "POST",
        `/topapi/v2/user/getuserinfo?access_token=${access ?? (await token())}`,
        { code },
      );

    it("turns a code into the user once", async () => {
      const code = fake.authCode("manager1234");
      const first = await userinfo(code);
      const again = await userinfo(code);

      expect(first.body).toMatchObject({
        errcode: 0,
        result: { userid: "manager1234", name: "张三" },
      });
      expect(again.body.errcode).toBe(40078);
    });

    it("refuses an expired code and a bad token", async () => {
      const code = fake.authCode("manager1234");
      now += 5 * 60_000 + 1;
      const expired = await userinfo(code);
      const badToken = await userinfo(fake.authCode("manager1234"), "nope");

      expect(expired.body.errcode).toBe(40078);
      expect(badToken.body).toMatchObject({ errcode: 88, sub_code: "40014" });
    });
  });

  describe("cards", () => {
    const create = (over: Record<string, unknown> = {}) =>
      api("/v1.0/card/instances/createAndDeliver", card(over));
    const update = (body: Record<string, unknown>) =>
      api("/v1.0/card/instances", body, "PUT");

    it("creates a card and reports delivery per space", async () => {
      const res = await create();

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        result: {
          outTrackId: "ref-2024-001-notice-1",
          deliverResults: [
            expect.objectContaining({
              spaceType: "IM_GROUP",
              spaceId: GROUP,
              success: true,
              carrierId: expect.any(String),
            }),
            expect.objectContaining({
              spaceType: "IM_ROBOT",
              spaceId: "ghost",
              success: false,
              errorMsg: expect.any(String),
            }),
          ],
        },
      });
      expect(fake.publicData("ref-2024-001-notice-1")).toEqual({
        status: "待签收",
        signedCount: "0",
      });
      expect(fake.privateData("ref-2024-001-notice-1", "manager1234")).toEqual({
        myStatus: "pending",
      });
    });

    it.each([
      [{ cardTemplateId: "" }, "param.cardTemplateIdEmpty"],
      [{ outTrackId: "" }, "param.outTrackIdEmpty"],
      [{ openSpaceId: "" }, "param.openSpaceIdEmpty"],
      [{ cardData: undefined }, "param.cardPublicDataEmpty"],
      [{ cardTemplateId: "nope.schema" }, "param.templateNotExist"],
      [{ openSpaceId: `IM_GROUP.${GROUP}` }, "param.openSpaceIdInvalid"],
      [{ openSpaceId: "dtv1.card//IM_CHAT.x" }, "param.openSpaceIdInvalid"],
      [{ imGroupOpenDeliverModel: undefined }, "param.openDeliverModelEmpty"],
      [
        { imGroupOpenDeliverModel: { robotCode: "other" } },
        "param.openDeliverModelError",
      ],
      [
        { imGroupOpenSpaceModel: { lastMessageI18n: {} } },
        "param.openSpaceModelInvalid",
      ],
      [{ cardData: { cardParamMap: { signedCount: 0 } } }, "param.invalid"],
      [
        { cardData: { cardParamMap: { note: "x".repeat(1025) } } },
        "param.invalid",
      ],
      [{ callbackType: "stream" }, "param.invalid"],
    ])("refuses createAndDeliver %j with %s", async (over, code) => {
      const res = await create(over);

      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
    });

    it("refuses an outTrackId used before", async () => {
      await create();
      const again = await create();

      expect(again.body.code).toBe("param.cardAlreadyExist");
    });

    it("merges by key only when told, else overwrites", async () => {
      const id = "ref-2024-001-notice-1";
      await create();
      await update({
        outTrackId: id,
        cardData: { cardParamMap: { signedCount: "1" } },
        privateData: { manager1234: { cardParamMap: { myStatus: "signed" } } },
        cardUpdateOptions: {
          updateCardDataByKey: true,
          updatePrivateDataByKey: true,
        },
      });
      const merged = fake.publicData(id);
      await update({
        outTrackId: id,
        cardData: { cardParamMap: { status: "已办结" } },
      });

      expect(merged).toEqual({ status: "待签收", signedCount: "1" });
      expect(fake.privateData(id, "manager1234")).toEqual({
        myStatus: "signed",
      });
      expect(fake.publicData(id)).toEqual({ status: "已办结" });
    });

    it("refuses updates to unknown cards or with nothing in them", async () => {
      const unknown = await update({
        outTrackId: "nope",
        cardData: { cardParamMap: {} },
      });
      const empty = await update({ outTrackId: "nope" });
      const noId = await update({ cardData: { cardParamMap: {} } });

      expect(unknown.body.code).toBe("param.cardNotExist");
      expect(empty.body.code).toBe("param.cardDataAndPrivateDataBothEmpty");
      expect(noId.body.code).toBe("param.outTrackIdEmpty");
    });
  });
});

describe("the fake Stream gateway", () => {
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    now = START;
    await startFake({ now: () => now, redeliverMs: 100, maxRedeliveries: 2 });
  });

  afterEach(async () => {
    sockets.splice(0).forEach((ws) => ws.terminate());
    await fake.stop();
  });

  async function open(over: Record<string, unknown> = {}) {
    return call("POST", "/v1.0/gateway/connections/open", {
      ...APP,
      ua: "test",
      subscriptions: [{ type: "CALLBACK", topic: TOPIC_ROBOT }],
      ...over,
    });
  }

  /** Resolves with the socket, or with the refusing HTTP status. */
  function connect(url: string): Promise<WebSocket | number> {
    const ws = new WebSocket(url);
    sockets.push(ws);
    return new Promise((resolve) => {
      ws.once("open", () => resolve(ws));
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("error", () => resolve(-1));
    });
  }

  function frames(ws: WebSocket): Record<string, any>[] {
    const seen: Record<string, any>[] = [];
    ws.on("message", (raw) => seen.push(JSON.parse(String(raw))));
    return seen;
  }

  it("refuses bad credentials with 401 authFailed", async () => {
    const res = await open({ clientSecret: "wrong" });

    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      requestid: expect.any(String),
      code: "authFailed",
      message: "鉴权失败",
    });
    expect(fake.opens).toEqual([expect.objectContaining({ ok: false })]);
  });

  it("lets a ticket open one socket, within 90 s", async () => {
    const { body } = await open();
    const url = `${body.endpoint}?ticket=${body.ticket}`;
    const first = await connect(url);
    const reused = await connect(url);
    const late = await open();
    now += 90_001;
    const expired = await connect(
      `${late.body.endpoint}?ticket=${late.body.ticket}`,
    );

    expect(body.endpoint).toBe(`${base.replace("http", "ws")}/connect`);
    expect(first).toBeInstanceOf(WebSocket);
    expect(reused).toBe(401);
    expect(expired).toBe(401);
  });

  it("sends CALLBACK frames with string data and time, and redelivers until acked", async () => {
    const { body } = await open();
    const ws = (await connect(
      `${body.endpoint}?ticket=${body.ticket}`,
    )) as WebSocket;
    const seen = frames(ws);
    void fake.robotMessage({ text: "你好", senderStaffId: "manager1234" });
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 300));

    const [frame] = seen;
    expect(frame).toMatchObject({
      specVersion: "1.0",
      type: "CALLBACK",
      headers: {
        topic: TOPIC_ROBOT,
        contentType: "application/json",
        time: String(now),
        messageId: expect.any(String),
      },
      data: expect.any(String),
    });
    expect(JSON.parse(frame.data)).toMatchObject({
      conversationType: "1",
      senderStaffId: "manager1234",
      text: { content: "你好" },
      msgtype: "text",
    });
    // The first delivery and two more, all with the same messageId.
    expect(new Set(seen.map((f) => f.headers.messageId)).size).toBe(1);
    expect(seen).toHaveLength(3);
    expect(fake.gateway.undelivered()).toEqual([
      expect.objectContaining({ topic: TOPIC_ROBOT, gaveUp: true }),
    ]);
  });

  it("records acks and stops redelivering", async () => {
    const { body } = await open();
    const ws = (await connect(
      `${body.endpoint}?ticket=${body.ticket}`,
    )) as WebSocket;
    ws.on("message", (raw) => {
      const { headers } = JSON.parse(String(raw));
      ws.send(
        JSON.stringify({
          code: 200,
          headers: {
            contentType: "application/json",
            messageId: headers.messageId,
          },
          message: "OK",
          data: JSON.stringify({ response: null }),
        }),
      );
    });
    const ack = await fake.robotMessage({
      text: "a",
      senderStaffId: "manager1234",
    });
    await new Promise((r) => setTimeout(r, 250));

    expect(ack).toMatchObject({ topic: TOPIC_ROBOT, code: 200, deliveries: 1 });
    expect(fake.acks).toHaveLength(1);
  });

  it("delivers only subscribed topics and keeps frames for a later socket", async () => {
    const { body } = await open();
    const ws = (await connect(
      `${body.endpoint}?ticket=${body.ticket}`,
    )) as WebSocket;
    const seen = frames(ws);
    const res = await api("/v1.0/card/instances/createAndDeliver", card());
    expect(res.status).toBe(200);
    void fake.clickCard({
      outTrackId: "ref-2024-001-notice-1",
      userId: "manager1234",
    });
    await new Promise((r) => setTimeout(r, 150));

    expect(seen).toEqual([]);
    expect(fake.gateway.undelivered()).toEqual([
      expect.objectContaining({ topic: TOPIC_CARD, gaveUp: false }),
    ]);
    const both = await open({
      subscriptions: [{ type: "CALLBACK", topic: TOPIC_CARD }],
    });
    const second = (await connect(
      `${both.body.endpoint}?ticket=${both.body.ticket}`,
    )) as WebSocket;
    const later = frames(second);
    await vi.waitFor(() => expect(later.length).toBeGreaterThan(0));
    expect(later[0].headers.topic).toBe(TOPIC_CARD);
    expect(JSON.parse(JSON.parse(later[0].data).content)).toEqual({
      cardPrivateData: { actionIds: ["button_node_1"], params: {} },
    });
  });

  it("pings, sends a disconnect frame, closes and refuses upgrades on demand", async () => {
    const { body } = await open();
    const ws = (await connect(
      `${body.endpoint}?ticket=${body.ticket}`,
    )) as WebSocket;
    const seen = frames(ws);
    ws.on("message", (raw) => {
      const frame = JSON.parse(String(raw));
      if (frame.headers.topic === "ping") {
        ws.send(JSON.stringify({ ...frame, code: 200, message: "OK" }));
      }
    });

    const echo = await fake.gateway.ping();
    fake.gateway.sendDisconnect();
    await vi.waitFor(() =>
      expect(seen.at(-1)?.headers.topic).toBe("disconnect"),
    );
    fake.rejectUpgrades(503);
    const refused = await open();

    expect(echo.ok).toBe(true);
    expect(
      await connect(`${refused.body.endpoint}?ticket=${refused.body.ticket}`),
    ).toBe(503);
  });
});

describe("DingTalkStream against the fake gateway", () => {
  const streams: DingTalkStream[] = [];
  let lines: Record<string, any>[];
  let fetched: string[];
  let sdkCalls: MockInstance[];

  beforeEach(async () => {
    await startFake({ redeliverMs: 200 });
    lines = [];
    fetched = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      fetched.push(url);
      if (!url.startsWith("http://127.0.0.1:")) {
        throw new Error(`test: fetch off the loopback: ${url}`);
      }
      return realFetch(input, init);
    });
    // The SDK's own network calls (axios to api/oapi.dingtalk.com).
    sdkCalls = [
      vi
        .spyOn(DWClient.prototype, "getEndpoint")
        .mockRejectedValue(new Error("test: SDK gateway call")),
      vi
        .spyOn(DWClient.prototype, "getAccessToken")
        .mockRejectedValue(new Error("test: SDK token call")),
    ];
    // The SDK prints "connect success" and socket errors itself.
    vi.spyOn(console, "info").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.stop()));
    for (const spy of sdkCalls) {
      expect(spy).not.toHaveBeenCalled();
    }
    expect(fetched.every((u) => u.startsWith(base))).toBe(true);
    vi.restoreAllMocks();
    await fake.stop();
  });

  function stream(over: Partial<StreamOptions> = {}) {
    const logger = pino(
      { level: "debug" },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    const s = new DingTalkStream({
      ...APP,
      openUrl: fake.openUrl,
      logger,
      watchdogMs: 5_000,
      backoffMinMs: 50,
      backoffMaxMs: 1_000,
      ...over,
    });
    streams.push(s);
    return s;
  }

  const codes = () => lines.map((l) => l.code).filter(Boolean);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function connected(s: DingTalkStream) {
    await vi.waitFor(() => expect(s.health().state).toBe("connected"), {
      timeout: 5_000,
    });
  }

  it("connects with its own subscriptions and answers pings", async () => {
    const both = stream()
      .onRobotMessage(async () => {})
      .onCardCallback(async () => ({}));
    const robotOnly = stream().onRobotMessage(async () => {});
    both.start();
    await connected(both);
    robotOnly.start();
    await connected(robotOnly);
    const echo = await fake.gateway.ping();

    expect(fake.opens.map((o) => o.subscriptions)).toEqual([
      [
        { type: "CALLBACK", topic: TOPIC_ROBOT },
        { type: "CALLBACK", topic: TOPIC_CARD },
      ],
      [{ type: "CALLBACK", topic: TOPIC_ROBOT }],
    ]);
    expect(echo.ok).toBe(true);
    expect(both.health()).toMatchObject({ state: "connected", attempts: 0 });
  });

  it("hands a robot message over and acks it once", async () => {
    const got: StreamFrame[] = [];
    const s = stream().onRobotMessage(async (frame) => {
      got.push(frame);
    });
    s.start();
    await connected(s);
    const ack = await fake.robotMessage({
      text: "签收 2024-001",
      senderStaffId: "manager1234",
      msgId: "msgA==",
    });
    await sleep(500);

    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      topic: TOPIC_ROBOT,
      messageId: ack.messageId,
      time: expect.any(Number),
      data: { msgId: "msgA==", text: { content: "签收 2024-001" } },
    });
    expect(ack).toMatchObject({ deliveries: 1, response: null, code: 200 });
    expect(fake.acks).toHaveLength(1);
  });

  it("leaves a message whose handler throws unacked, so it comes again", async () => {
    let calls = 0;
    const s = stream().onRobotMessage((() => {
      calls += 1;
      if (calls === 1) {
        throw new Error("database is down");
      }
      return Promise.resolve();
    }) as () => Promise<void>);
    s.start();
    await connected(s);
    const ack = await fake.robotMessage({
      text: "a",
      senderStaffId: "manager1234",
    });

    expect(calls).toBe(2);
    expect(ack.deliveries).toBe(2);
    expect(codes()).toContain("dingtalk_handler_failed");
    expect(s.health().state).toBe("connected");
  });

  it("redelivers a message whose handler is still working", async () => {
    let calls = 0;
    const s = stream().onRobotMessage(async () => {
      calls += 1;
      await sleep(calls === 1 ? 350 : 0);
    });
    s.start();
    await connected(s);
    const ack = await fake.robotMessage({
      text: "a",
      senderStaffId: "manager1234",
    });
    await sleep(400);

    expect(ack.deliveries).toBe(2);
    expect(calls).toBe(2);
    expect(fake.acks.filter((a) => a.messageId === ack.messageId)).toHaveLength(
      2,
    );
  });

  it("survives frames that are not Stream frames", async () => {
    const got: StreamFrame[] = [];
    const s = stream().onRobotMessage(async (f) => void got.push(f));
    s.start();
    await connected(s);
    fake.gateway.sendRaw("not json");
    fake.gateway.sendRaw("[1,2]");
    fake.gateway.sendRaw(JSON.stringify({ type: "CALLBACK", headers: {} }));
    fake.gateway.sendRaw(
      JSON.stringify({
        type: "CALLBACK",
        headers: { topic: TOPIC_ROBOT, messageId: "junk-1" },
        data: "{oops",
      }),
    );
    await fake.robotMessage({
      text: "still here",
      senderStaffId: "manager1234",
    });

    expect(got.map((f) => f.data.text)).toEqual([{ content: "still here" }]);
    expect(
      codes().filter((c) => c === "dingtalk_frame_malformed"),
    ).toHaveLength(4);
    // The junk CALLBACK was acked so it would not come back.
    expect(fake.gateway.strays.some((s) => s.includes("junk-1"))).toBe(true);
    expect(s.health().state).toBe("connected");
  });

  it("reconnects with back-off after a drop and loses nothing sent meanwhile", async () => {
    const got: string[] = [];
    // No jitter: the delays are exactly 25, 50, 100, 200… ms.
    const s = stream({ random: () => 0 }).onRobotMessage(
      async (f) => void got.push(String(f.data.msgId)),
    );
    s.start();
    await connected(s);
    fake.rejectUpgrades(503);
    fake.dropSockets();
    await vi.waitFor(() => expect(s.health().state).toBe("backing_off"));
    const acked = fake.robotMessage({
      text: "while down",
      senderStaffId: "manager1234",
      msgId: "msgDown==",
    });
    await vi.waitFor(() => expect(fake.opens.length).toBeGreaterThanOrEqual(4));

    expect(got).toEqual([]);
    expect(fake.gateway.undelivered()).toHaveLength(1);
    fake.rejectUpgrades(0);
    const ack = await acked;
    await connected(s);

    expect(got).toEqual(["msgDown=="]);
    expect(ack.deliveries).toBe(1);
    expect(codes()).toContain("dingtalk_stream_closed");
    expect(codes()).toContain("dingtalk_connect_failed");
    const retries = fake.opens.slice(1);
    const gaps = retries.slice(1).map((o, i) => o.at - retries[i].at);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0] + 75);
  });

  it("backs off on wrong credentials instead of storming", async () => {
    const s = stream({
      clientSecret: "wrong",
      backoffMinMs: 100,
      backoffMaxMs: 10_000,
    }).onRobotMessage(async () => {});
    s.start();
    await sleep(3_000);
    await vi.waitFor(() => expect(s.health().state).toBe("auth_failed"));
    // Read together: between attempts nothing is in flight.
    const health = s.health();
    const opens = fake.opens.length;
    const logged = lines.filter((l) => l.code === "dingtalk_auth_failed");

    // The SDK alone would have opened 1,3,7,15… or one a second.
    expect(opens).toBeGreaterThanOrEqual(4);
    expect(opens).toBeLessThanOrEqual(7);
    expect(fake.opens.every((o) => !o.ok)).toBe(true);
    const gaps = fake.opens.slice(1).map((o, i) => o.at - fake.opens[i].at);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps[0] * 2);
    expect(health.lastError).toContain("DINGTALK_CLIENT_SECRET");
    expect(health.attempts).toBe(opens);
    expect(logged).toHaveLength(opens);
    expect(logged[0].msg).toContain("DINGTALK_CLIENT_ID");
  });

  it("replaces a socket that stays silent", async () => {
    const s = stream({ watchdogMs: 300 }).onRobotMessage(async () => {});
    s.start();
    await connected(s);
    fake.stopPonging();
    await vi.waitFor(
      () => expect(fake.opens.length).toBeGreaterThanOrEqual(2),
      {
        timeout: 3_000,
      },
    );
    fake.startPonging();
    await connected(s);
    const settled = fake.opens.length;
    await sleep(1_000);

    expect(codes()).toContain("dingtalk_stream_silent");
    expect(fake.opens.length).toBe(settled);
    expect(s.health().state).toBe("connected");
  });

  it("reconnects at once when the gateway sends a disconnect frame", async () => {
    const s = stream().onRobotMessage(async () => {});
    s.start();
    await connected(s);
    fake.gateway.sendDisconnect();
    await vi.waitFor(() => expect(fake.opens).toHaveLength(2), {
      timeout: 1_000,
    });
    await connected(s);

    expect(codes()).toContain("dingtalk_stream_rebalanced");
    await vi.waitFor(() => expect(fake.gateway.connected).toBe(1));
  });

  it("stops cleanly: no socket, no timer, no further attempt", async () => {
    const timers = handles().Timeout ?? 0;
    const s = stream().onRobotMessage(async () => {});
    s.start();
    await connected(s);
    const failing = stream({ clientSecret: "wrong" }).onRobotMessage(
      async () => {},
    );
    failing.start();
    await vi.waitFor(() => expect(failing.health().state).toBe("auth_failed"));

    await Promise.all([s.stop(), failing.stop()]);
    const opens = fake.opens.length;
    await sleep(300);

    expect(s.health().state).toBe("stopped");
    expect(failing.health().state).toBe("stopped");
    expect(fake.opens.length).toBe(opens);
    expect(fake.gateway.connected).toBe(0);
    expect(handles().Timeout ?? 0).toBeLessThanOrEqual(timers);
    expect(() => s.onRobotMessage(async () => {})).toThrow(/before start/);
    // What is left is fetch's idle keep-alive socket, closed by the server.
    await fake.stop();
    await sleep(50);
    expect(handles().TCPSocketWrap ?? 0).toBe(0);
  });

  describe("card callbacks", () => {
    beforeEach(async () => {
      await fake.stop();
      await startFake({ redeliverMs: 10_000 });
      const res = await api("/v1.0/card/instances/createAndDeliver", card());
      expect(res.status).toBe(200);
    });

    const click = () =>
      fake.clickCard({
        outTrackId: "ref-2024-001-notice-1",
        userId: "manager1234",
        actionIds: ["sign_button"],
        params: { action: "sign" },
      });

    const signed = {
      cardUpdateOptions: {
        updateCardDataByKey: true,
        updatePrivateDataByKey: true,
      },
      cardData: { cardParamMap: { signedCount: "1" } },
      userPrivateData: { cardParamMap: { myStatus: "signed" } },
    };

    it("applies an answer given within the window", async () => {
      const got: StreamFrame[] = [];
      const s = stream().onCardCallback(async (frame) => {
        got.push(frame);
        return signed;
      });
      s.start();
      await connected(s);
      const ack = await click();

      expect(got[0].data).toMatchObject({
        type: "actionCallback",
        outTrackId: "ref-2024-001-notice-1",
        userId: "manager1234",
      });
      expect(JSON.parse(String(got[0].data.content))).toEqual({
        cardPrivateData: {
          actionIds: ["sign_button"],
          params: { action: "sign" },
        },
      });
      expect(ack).toMatchObject({
        late: false,
        applied: true,
        response: signed,
      });
      expect(fake.publicData("ref-2024-001-notice-1")).toEqual({
        status: "待签收",
        signedCount: "1",
      });
      expect(fake.privateData("ref-2024-001-notice-1", "manager1234")).toEqual({
        myStatus: "signed",
      });
    });

    it("records an answer after the window as too late", async () => {
      const s = stream({ cardReplyMs: 5_000 }).onCardCallback(async () => {
        await sleep(2_200);
        return signed;
      });
      s.start();
      await connected(s);
      const ack = await click();

      expect(ack.afterMs).toBeGreaterThan(2_000);
      expect(ack).toMatchObject({ late: true, applied: false });
      expect(fake.publicData("ref-2024-001-notice-1")).toMatchObject({
        signedCount: "0",
      });
    });

    it("answers a slow handler with an empty update before DingTalk gives up", async () => {
      const s = stream().onCardCallback(async () => {
        await sleep(1_800);
        return signed;
      });
      s.start();
      await connected(s);
      const started = performance.now();
      const ack = await click();

      expect(performance.now() - started).toBeLessThan(2_000);
      expect(ack).toMatchObject({ late: false, response: {} });
      expect(fake.privateData("ref-2024-001-notice-1", "manager1234")).toEqual({
        myStatus: "pending",
      });
      expect(codes()).toContain("dingtalk_card_reply_late");
    });

    it.each([
      ["rejects", async () => Promise.reject(new Error("boom"))],
      [
        "throws",
        () => {
          throw new Error("boom");
        },
      ],
    ])("answers a handler that %s with an empty update", async (_, fn) => {
      const s = stream().onCardCallback(fn as () => Promise<{}>);
      s.start();
      await connected(s);
      const ack = await click();

      expect(ack).toMatchObject({ late: false, response: {}, deliveries: 1 });
      expect(codes()).toContain("dingtalk_handler_failed");
    });
  });
});

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
