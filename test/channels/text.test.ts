import { describe, expect, it } from "vitest";
import { plainInMarkdown } from "../../src/channels/text.js";

describe("typed text inside a markdown message", () => {
  it("cannot become a link, emphasis, a heading or a new paragraph", () => {
    expect(plainInMarkdown("[点我](http://127.0.0.1/x) *急* _斜_ #标题")).toBe(
      "［点我］（http://127.0.0.1/x） ＊急＊ ＿斜＿ ＃标题",
    );
    expect(plainInMarkdown("第一行\n\n第二行")).toBe("第一行 第二行");
  });

  it("leaves ordinary Chinese text and punctuation alone", () => {
    const text = "2026年国庆节集中接访：来访 3 批，追回工资 56,000.00 元。";
    expect(plainInMarkdown(text)).toBe(text);
  });
});
