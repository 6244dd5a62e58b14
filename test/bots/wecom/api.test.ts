import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WecomApi } from "../../../bots/wecom/api.js";
import { WecomApiError } from "../../../bots/wecom/errors.js";
import { FakeWecom } from "../../fakes/wecom-server.js";

let fake: FakeWecom;
let api: WecomApi;
let lines: string[];

beforeEach(async () => {
  fake = new FakeWecom();
  lines = [];
  const log = pino(
    { level: "debug" },
    { write: (line: string) => void lines.push(line) },
  );
  api = new WecomApi({
    baseUrl: await fake.start(),
    corpId: "ww_fakecorp",
    secret: "fake-secret",
    agentId: 1000002,
    log,
  });
});

afterEach(async () => {
  await fake.stop();
});

const card = (taskId: string) => ({
  card_type: "button_interaction",
  main_title: { title: "移送案件待签收" },
  button_list: [{ text: "签收", key: "referral.sign" }],
  task_id: taskId,
});
const tokenCalls = () =>
  fake.requests.filter((r) => r.path === "/cgi-bin/gettoken").length;

describe("the WeCom API client", () => {
  it("fetches one token for many callers at once", async () => {
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) => api.sendCard("zhangsan", card(`t${i}`))),
    );

    expect(tokenCalls()).toBe(1);
    expect(fake.inbox("zhangsan")).toHaveLength(5);
  });

  it("fetches a new token once when WeCom says it expired", async () => {
    await api.sendMarkdown("zhangsan", "**一**");
    fake.expireTokens();
    await api.sendMarkdown("zhangsan", "**二**");

    expect(tokenCalls()).toBe(2);
    expect(fake.inbox("zhangsan")).toHaveLength(2);
  });

  it("gives up with the administrator's reason", async () => {
    fake.failNext("/cgi-bin/message/send", { errcode: 60020 });
    const error = await api
      .sendMarkdown("zhangsan", "x")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WecomApiError);
    expect((error as WecomApiError).retryable).toBe(false);
    expect((error as WecomApiError).message).toContain("企业可信IP");
  });

  it("updates a card with the code from sending it", async () => {
    const sent = await api.sendCard("zhangsan", card("u1"));
    await api.updateCard({
      userids: ["zhangsan"],
      response_code: sent.response_code,
      button: { replace_name: "已签收" },
    });

    expect(fake.cardUpdates).toHaveLength(1);
  });

  it("posts to the group robot", async () => {
    await api.webhook("robot-key-1", {
      msgtype: "markdown",
      markdown: { content: "本周汇总" },
    });

    expect(fake.robotMessages).toHaveLength(1);
  });

  it("never logs the token, the secret or the robot key", async () => {
    await api.sendMarkdown("zhangsan", "x");
    await api.webhook("robot-key-1", {
      msgtype: "text",
      text: { content: "x" },
    });
    const token = fake.requests[1].query.access_token;
    const log = lines.join("\n");

    expect(lines.length).toBeGreaterThan(0);
    expect(log).not.toContain(token);
    expect(log).not.toContain("fake-secret");
    expect(log).not.toContain("robot-key-1");
  });
});
