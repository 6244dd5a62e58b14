import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import {
  crimeFeedbackInput,
  feedbackLabels,
  referralInput,
  referralLabels,
} from "../../src/referrals/input.js";
import { parse } from "../../src/validation.js";

function issues(
  schema: Parameters<typeof parse>[0],
  input: unknown,
  labels: Record<string, string>,
) {
  try {
    parse(schema, input, labels);
  } catch (error) {
    return (error as ValidationError).issues;
  }
  return [];
}

describe("text people type", () => {
  it("drops invisible characters, and refuses a name made only of them", () => {
    const found = issues(
      referralInput,
      { caseName: "\u200b\u200b" },
      referralLabels,
    );
    expect(found).toContainEqual({
      field: "caseName",
      message: "案件名称：请填写",
    });
  });

  it("drops blank-looking fillers and private-use characters", () => {
    for (const filler of [
      "\u3164",
      "\u115f",
      "\u2800",
      "\u00ad\u034f",
      "\ue000",
    ]) {
      const found = issues(referralInput, { caseName: filler }, referralLabels);
      expect(found, filler).toContainEqual({
        field: "caseName",
        message: "案件名称：请填写",
      });
    }
  });

  it("refuses half a character pair", () => {
    const found = issues(
      referralInput,
      { caseName: "案\ud800" },
      referralLabels,
    );
    expect(found).toContainEqual({
      field: "caseName",
      message: "案件名称：含有无法识别的字符，请重新输入",
    });
  });

  it("says what is wrong when a text field gets something else", () => {
    const found = issues(referralInput, { exhibits: { a: 1 } }, referralLabels);
    expect(found).toContainEqual({
      field: "exhibits",
      message: "移送涉案物品：请填写文字",
    });
  });

  it("answers a body that is not a form", () => {
    const found = issues(referralInput, [1, 2], referralLabels);
    expect(found).toEqual([
      { field: "_", message: "提交的内容格式不对，应为由各字段组成的表单" },
    ]);
  });
});

describe("crime feedback", () => {
  it("does not take an arrest or a prosecution for a case never opened", () => {
    const found = issues(
      crimeFeedbackInput,
      {
        handlerContact: "周强",
        handlerPhone: "13800000008",
        recoveredWorkers: "0",
        recoveredAmount: "0",
        caseOpened: "否",
        arrestApproved: "是",
        prosecuted: "否",
      },
      feedbackLabels("crime"),
    );
    expect(found).toEqual([
      {
        field: "arrestApproved",
        message: "是否批捕：未立案的案件不能选“是”，请核对是否立案",
      },
    ]);
  });
});
