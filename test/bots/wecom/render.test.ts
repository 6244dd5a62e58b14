import { describe, expect, it } from "vitest";
import {
  byteLength,
  clean,
  clip,
  splitByBytes,
  templateCard,
} from "../../../bots/wecom/render.js";

describe("text WeCom accepts", () => {
  it("replaces half a surrogate pair and drops control characters", () => {
    expect(clean("好\uD83D")).toBe("好\uFFFD");
    expect(clean("\uDE00尾")).toBe("\uFFFD尾");
    expect(clean("😀\u0007a\tb\nc")).toBe("😀a\tb\nc");
  });

  it("clips by characters, never inside an emoji", () => {
    expect(clip("一二三😀五六", 4)).toBe("一二三…");
    expect(clip("一二三😀", 4)).toBe("一二三😀");
  });
});

describe("splitting by bytes", () => {
  it("keeps a short text whole", () => {
    expect(splitByBytes("待办：3 件", 2048)).toEqual(["待办：3 件"]);
  });

  it("cuts at line ends when it can", () => {
    const text = ["第一行甲乙", "第二行甲乙", "第三行甲乙"].join("\n");
    // 15 bytes a line: two lines and their break fit in 31.
    expect(splitByBytes(text, 31)).toEqual([
      "第一行甲乙\n第二行甲乙",
      "第三行甲乙",
    ]);
  });

  it("cuts a long line between characters, never inside one", () => {
    const parts = splitByBytes("欠薪😀".repeat(6), 20);
    for (const part of parts) {
      expect(byteLength(part)).toBeLessThanOrEqual(20);
      expect(clean(part)).toBe(part);
    }
    expect(parts.join("")).toBe("欠薪😀".repeat(6));
  });

  it("stops at four parts with a pointer to the rest", () => {
    const parts = splitByBytes(
      Array(40).fill("甲乙丙丁戊己庚辛").join("\n"),
      60,
    );
    expect(parts).toHaveLength(4);
    expect(parts[3]).toMatch(/其余请在系统中查看/);
    expect(parts.every((p) => byteLength(p) <= 60)).toBe(true);
  });
});

describe("the template card", () => {
  const card = {
    key: "referral:1:unit:2",
    title:
      "【移送通知】滨江花园项目欠薪案，一个很长很长很长很长很长很长很长的案件名称",
    fields: Array.from({ length: 8 }, (_, i) => ({
      label: `字段${i}`,
      value: `值${i}`,
    })),
    status: { text: "待签收", tone: "warning" as const },
    note: "请及时签收",
    buttons: [
      { label: "签收", style: "primary" as const, action: "referral.sign" },
      { label: "详情", url: "http://x.test/referrals/1" },
    ],
    url: "http://x.test/referrals/1",
  };

  it("fits WeCom's limits and links through sign-in", () => {
    const body = templateCard(card, "task@1", (u) => `signin:${u}`);
    expect(body.card_type).toBe("button_interaction");
    expect(
      (body.main_title as { title: string }).title.length,
    ).toBeLessThanOrEqual(36);
    expect(body.horizontal_content_list).toHaveLength(6);
    expect(body.sub_title_text).toBe("请及时签收\n字段6：值6\n字段7：值7");
    expect(body.button_list).toEqual([
      { text: "签收", style: 1, type: 0, key: "referral.sign" },
      {
        text: "详情",
        style: 2,
        type: 1,
        url: "signin:http://x.test/referrals/1",
      },
    ]);
    expect(body.card_action).toEqual({
      type: 1,
      url: "signin:http://x.test/referrals/1",
    });
  });
});
