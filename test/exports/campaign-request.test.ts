import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { parseExportRequest } from "../../src/exports/request.js";
import { parseTableName, tableList } from "../../src/exports/tables.js";

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("campaign export requests typed in chat", () => {
  it.each([
    [
      "导出 考勤表 2026年国庆节集中接访",
      { table: "attendance", campaign: "2026年国庆节集中接访" },
    ],
    [
      "导出 考勤表 2026年国庆节集中接访  船山区",
      { table: "attendance", campaign: "2026年国庆节集中接访 船山区" },
    ],
    ["导出 附件6 #3 船山区", { table: "attendance", campaign: "#3 船山区" }],
    [
      "导出 附件 6 2026年国庆节集中接访 船山区",
      { table: "attendance", campaign: "2026年国庆节集中接访船山区" },
    ],
    [
      "导出 集中接访考勤表 2026-10",
      { table: "attendance", campaign: "2026-10" },
    ],
    [
      "导出 接访报告 2026年国庆节集中接访",
      { table: "campaign-report", campaign: "2026年国庆节集中接访" },
    ],
    [
      "导出集中接访情况报告表 编号3",
      { table: "campaign-report", campaign: "编号3" },
    ],
  ])("reads %s", (text, request) => {
    expect(parseExportRequest(text)).toEqual(request);
  });

  it("asks which campaign when none is written", () => {
    for (const text of ["导出 考勤表", "导出 接访报告 "]) {
      const error = failure(() => parseExportRequest(text));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: "campaign_required",
        field: "campaign",
      });
      expect((error as AppError).userMessage).toBe(
        "集中接访活动：请写明要导出哪一期活动，如 2026年国庆节集中接访，" +
          "也可以写活动编号或月份（如 2026-10）。",
      );
    }
  });

  it("names attachment 6 and the report among the tables", () => {
    expect(parseTableName("附件6")).toBe("attendance");
    expect(parseTableName("保障农民工工资支付集中接访考勤表")).toBe(
      "attendance",
    );
    expect(parseTableName("接访情况报告")).toBe("campaign-report");
    expect(tableList()).toContain("考勤表（附件6）、接访报告（附件6）");
  });
});
