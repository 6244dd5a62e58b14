import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { parsePeriod } from "../../src/exports/period.js";
import { parseExportRequest } from "../../src/exports/request.js";
import { parseTableName } from "../../src/exports/tables.js";

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError");
}

describe("export requests typed in chat", () => {
  it.each([
    ["导出 反馈表 2026-10", { table: "feedback", period: "2026-10" }],
    [
      "导出 公安反馈表 2026年第四季度",
      { table: "feedback-crime", period: "2026-Q4" },
    ],
    ["导出源头反馈表 2026q4", { table: "feedback-source", period: "2026-Q4" }],
    ["导出 附件 4 2026", { table: "feedback-source", period: "2026" }],
    ["导出 附件3 2026年10月", { table: "feedback-crime", period: "2026-10" }],
    ["导出 反馈表 ２０２６－１０", { table: "feedback", period: "2026-10" }],
    ["导出  反馈表   2026-3", { table: "feedback", period: "2026-03" }],
    [
      "导出 回执 遂人社移（2026）12号",
      { table: "receipt", referralNumber: "遂人社移〔2026〕12号" },
    ],
    [
      "导出 签收回执 船山人社移〔2026〕3",
      { table: "receipt", referralNumber: "船山人社移〔2026〕3号" },
    ],
  ])("reads %s", (text, request) => {
    expect(parseExportRequest(text)).toEqual(request);
  });

  it.each([
    ["导出 工资表 2026-10", "unknown_table", "没有名为“工资表”的表格"],
    ["导出", "unknown_table", "请写明要导出的表格"],
    ["导出 反馈表", "period_required", "请写明要导出哪个期间"],
    ["导出 反馈表 2026-13", "invalid_period", "“2026-13”不是有效的期间"],
    ["导出 反馈表 十月", "invalid_period", "应写成 2026-10（月）"],
    ["导出 回执", "referral_required", "导出 回执 遂人社移〔2026〕12号"],
    ["导出 回执 第十二号", "bad_number", "格式不对"],
  ])("answers %s in Chinese", (text, code, words) => {
    const error = failure(() => parseExportRequest(text));
    expect(error.code).toBe(code);
    expect(error.userMessage).toContain(words);
  });

  it("lists the tables that can be exported when one is unknown", () => {
    const error = failure(() => parseTableName("工资表"));
    for (const name of ["回执", "公安反馈表", "源头反馈表", "反馈表"]) {
      expect(error.userMessage).toContain(name);
    }
  });
});

describe("periods", () => {
  it("covers whole months, quarters and years", () => {
    expect(parsePeriod("2026-02")).toEqual({
      kind: "month",
      text: "2026-02",
      label: "2026年2月",
      from: "2026-02-01",
      to: "2026-02-28",
    });
    expect(parsePeriod("2028-02").to).toBe("2028-02-29");
    expect(parsePeriod("2026-12").to).toBe("2026-12-31");
    expect(parsePeriod("2026-Q1")).toMatchObject({
      label: "2026年第一季度",
      from: "2026-01-01",
      to: "2026-03-31",
    });
    expect(parsePeriod("2026年第4季度")).toMatchObject({
      text: "2026-Q4",
      from: "2026-10-01",
      to: "2026-12-31",
    });
    expect(parsePeriod("2026年")).toMatchObject({
      kind: "year",
      from: "2026-01-01",
      to: "2026-12-31",
    });
  });

  it.each(["2026-00", "2026-Q0", "1999", "2026-1-1", "2026年13月", ""])(
    "refuses %j",
    (typed) => {
      expect(failure(() => parsePeriod(typed))).toMatchObject({
        code: "invalid_period",
        field: "period",
      });
    },
  );
});
