import { decrypt } from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import { parsePush, type WecomInbound } from "../../../bots/wecom/events.js";
import { WecomCallbackError } from "../../../bots/wecom/crypto.js";
import { taskIdFor } from "../../../bots/wecom/task-id.js";
import { OFFICIAL, PUSH } from "./vectors.js";

const app = { corpId: "ww_corpid", agentId: "1000002" };

/** A template_card_event shaped like the doc's example. */
function click(
  over: {
    from?: string;
    time?: number;
    key?: string;
    taskId?: string;
    items?: string;
  } = {},
) {
  const items =
    over.items ??
    `<SelectedItems>
    <SelectedItem>
      <QuestionKey><![CDATA[result]]></QuestionKey>
      <OptionIds><OptionId><![CDATA[done]]></OptionId></OptionIds>
    </SelectedItem>
    <SelectedItem>
      <QuestionKey><![CDATA[need_help]]></QuestionKey>
      <OptionIds><OptionId><![CDATA[no]]></OptionId></OptionIds>
    </SelectedItem>
  </SelectedItems>`;
  return `<xml>
  <ToUserName><![CDATA[ww_corpid]]></ToUserName>
  <FromUserName><![CDATA[${over.from ?? "zhangsan"}]]></FromUserName>
  <CreateTime>${over.time ?? 1733300123}</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[template_card_event]]></Event>
  <EventKey><![CDATA[${over.key ?? "submit_fb"}]]></EventKey>
  <TaskId><![CDATA[${over.taskId ?? "fb_2024000123_01"}]]></TaskId>
  <CardType><![CDATA[multiple_interaction]]></CardType>
  <ResponseCode><![CDATA[RESPONSE_CODE]]></ResponseCode>
  <AgentID>1000002</AgentID>
  ${items}
</xml>`;
}

const text = (content: string, msgId = "4561255354251345929") => `<xml>
  <ToUserName><![CDATA[ww_corpid]]></ToUserName>
  <FromUserName><![CDATA[zhangsan]]></FromUserName>
  <CreateTime>1409659813</CreateTime>
  <MsgType><![CDATA[text]]></MsgType>
  <Content><![CDATA[${content}]]></Content>
  <MsgId>${msgId}</MsgId>
  <AgentID>1000002</AgentID>
</xml>`;

function action(inbound: WecomInbound) {
  if (inbound.kind !== "action") {
    throw new Error(`expected an action, got ${inbound.kind}`);
  }
  return inbound;
}

function refusal(run: () => unknown): WecomCallbackError {
  try {
    run();
  } catch (error) {
    if (error instanceof WecomCallbackError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the push to be refused");
}

describe("card clicks", () => {
  it("become a neutral action with the choices as values", () => {
    const got = action(parsePush(click(), app));

    expect(got.action).toMatchObject({
      channel: "wecom",
      externalUserId: "zhangsan",
      action: "submit_fb",
      values: { result: "done", need_help: "no" },
    });
    expect(got.taskId).toBe("fb_2024000123_01");
    expect(got.cardType).toBe("multiple_interaction");
    expect(got.responseCode).toBe("RESPONSE_CODE");
  });

  it("name their card through our task_id", () => {
    const taskId = taskIdFor("referral:12:unit:3", "17");
    const got = action(parsePush(click({ taskId, key: "referral.sign" }), app));

    expect(got.action.cardKey).toBe("referral:12:unit:3");
    expect(got.action.action).toBe("referral.sign");
  });

  it("leave the card unnamed when the task_id is not ours", () => {
    expect(action(parsePush(click(), app)).action.cardKey).toBeUndefined();
  });

  it("repeat their key when WeCom redelivers", () => {
    const a = action(parsePush(click(), app)).action.eventKey;
    const b = action(parsePush(click(), app)).action.eventKey;

    expect(a).toBe(b);
    expect(a).toMatch(/^wecom:card:[\w-]{32}$/);
  });

  it("get distinct keys for distinct clicks in the same second", () => {
    const variants = [
      click(),
      click({ from: "lisi" }),
      click({ key: "other" }),
      click({ taskId: "fb_2024000124_01" }),
      click({ items: "" }),
      click({ time: 1733300124 }),
      click({
        items:
          "<SelectedItems><SelectedItem><QuestionKey>result</QuestionKey>" +
          "<OptionIds><OptionId>doing</OptionId></OptionIds>" +
          "</SelectedItem></SelectedItems>",
      }),
    ];
    const keys = variants.map((x) => action(parsePush(x, app)).action.eventKey);

    expect(new Set(keys).size).toBe(variants.length);
  });

  it("join several options of one question", () => {
    const got = action(
      parsePush(
        click({
          items:
            "<SelectedItems><SelectedItem><QuestionKey>q</QuestionKey>" +
            "<OptionIds><OptionId>a</OptionId><OptionId>b</OptionId>" +
            "</OptionIds></SelectedItem></SelectedItems>",
        }),
        app,
      ),
    );

    expect(got.action.values).toEqual({ q: "a,b" });
  });

  it("accept an AgentID wrapped in CDATA", () => {
    const xml = click().replace(
      "<AgentID>1000002</AgentID>",
      "<AgentID><![CDATA[1000002]]></AgentID>",
    );

    expect(parsePush(xml, app).kind).toBe("action");
  });

  it("refuse a question answered twice", () => {
    const item =
      "<SelectedItem><QuestionKey>q</QuestionKey>" +
      "<OptionIds><OptionId>a</OptionId></OptionIds></SelectedItem>";
    const xml = click({
      items: `<SelectedItems>${item}${item}</SelectedItems>`,
    });

    expect(refusal(() => parsePush(xml, app)).code).toBe("wecom_bad_event");
  });
});

describe("text messages", () => {
  it("become a command keyed by the MsgId as a string", () => {
    const got = parsePush(text("签收 遂人社移〔2026〕12号"), app);

    expect(got).toEqual({
      kind: "command",
      command: {
        channel: "wecom",
        externalUserId: "zhangsan",
        eventKey: "wecom:msg:4561255354251345929",
        text: "签收 遂人社移〔2026〕12号",
      },
    });
  });

  it("read the official vector's plaintext", () => {
    const xml = decrypt(OFFICIAL.encodingAesKey, PUSH.encrypt).message;
    const got = parsePush(xml, { corpId: OFFICIAL.corpId, agentId: "218" });

    expect(got).toMatchObject({
      kind: "command",
      command: { externalUserId: "mycreate", text: "hello" },
    });
  });

  it("keep a message with CDATA-breaking text intact", () => {
    const xml = text("a]]]]><![CDATA[>b");

    expect(parsePush(xml, app)).toMatchObject({
      command: { text: "a]]>b" },
    });
  });
});

describe("other pushes", () => {
  it("read a location message", () => {
    const xml = `<xml>
      <ToUserName><![CDATA[ww_corpid]]></ToUserName>
      <FromUserName><![CDATA[zhangsan]]></FromUserName>
      <CreateTime>1348831860</CreateTime>
      <MsgType><![CDATA[location]]></MsgType>
      <Location_X>30.513</Location_X>
      <Location_Y>105.571</Location_Y>
      <Scale>15</Scale>
      <Label><![CDATA[遂宁市船山区]]></Label>
      <MsgId>1234567890123456</MsgId>
      <AgentID>1000002</AgentID>
    </xml>`;

    expect(parsePush(xml, app)).toEqual({
      kind: "location",
      externalUserId: "zhangsan",
      eventKey: "wecom:msg:1234567890123456",
      latitude: 30.513,
      longitude: 105.571,
      label: "遂宁市船山区",
    });
  });

  it("pass entering the app through as nothing to do", () => {
    const xml = `<xml><ToUserName>ww_corpid</ToUserName>
      <FromUserName>zhangsan</FromUserName><CreateTime>1</CreateTime>
      <MsgType>event</MsgType><Event>enter_agent</Event><EventKey/>
      <AgentID>1000002</AgentID></xml>`;

    expect(parsePush(xml, app)).toMatchObject({
      kind: "other",
      type: "enter_agent",
      eventKey: expect.stringMatching(/^wecom:event:/),
    });
  });
});

describe("refused pushes", () => {
  it.each([
    ["another corp", text("x").replace("ww_corpid", "ww_other"), "CORP_ID"],
    ["another app", click().replace(">1000002<", ">1000003<"), "AGENT_ID"],
    ["no sender", text("x").replace("zhangsan", ""), "FromUserName"],
    ["a bad CreateTime", text("x").replace("1409659813", "soon"), "CreateTime"],
    ["no MsgId", text("x").replace(/<MsgId>.*<\/MsgId>/, ""), "MsgId"],
    ["a numeric-looking MsgId", text("x", "4.5e18"), "MsgId"],
    ["no TaskId", click().replace(/<TaskId>.*<\/TaskId>/, ""), "TaskId"],
    ["no EventKey", click({ key: "" }), "EventKey"],
    [
      "a field twice",
      text("x").replace("</xml>", "<MsgType>text</MsgType></xml>"),
      "2 times",
    ],
    ["broken XML", "<xml><A></xml>", "malformed"],
    ["another root", "<root></root>", "<xml>"],
  ])("refuse a push with %s", (_, xml, hint) => {
    const error = refusal(() => parsePush(xml, app));

    expect(error.code).toBe("wecom_bad_event");
    expect(error.hint).toContain(hint);
  });

  it("refuse an impossible location", () => {
    const xml = `<xml><ToUserName>ww_corpid</ToUserName>
      <FromUserName>z</FromUserName><CreateTime>1</CreateTime>
      <MsgType>location</MsgType><Location_X>91</Location_X>
      <Location_Y>0</Location_Y><MsgId>1</MsgId><AgentID>1000002</AgentID>
      </xml>`;

    expect(refusal(() => parsePush(xml, app)).code).toBe("wecom_bad_event");
  });
});
