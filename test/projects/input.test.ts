import { describe, expect, it } from "vitest";
import type { ValidationError } from "../../src/errors.js";
import {
  projectIdentity,
  projectLabels,
  projectRowSchema,
} from "../../src/projects/input.js";
import { parseLooseDate, scaledInteger } from "../../src/projects/normalize.js";
import { parse } from "../../src/validation.js";

const TODAY = "2026-10-09";

/** ASCII as a full-width keyboard types it: "1-2" → "１－２". */
const wide = (text: string) =>
  text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A row as a liaison types it on the form. */
const typed = {
  jurisdiction: "船山区",
  name: "天悦府二期",
  address: "遂宁市船山区明月路 1 号",
  builder: "遂宁某置业有限公司",
  startDate: "2026-09-30",
  duration: "365天",
  government: "否",
  contractor: "四川某建设工程有限公司",
  manager: "张三",
  phone: "13800000001",
  contractPrice: "1,234.5678",
  paymentMethod: "按月进度付款",
  paymentProgress: "30",
  remarks: "",
};

function check(changes: Record<string, unknown>) {
  return parse(
    projectRowSchema(TODAY),
    { ...typed, ...changes },
    projectLabels,
  );
}

function messages(changes: Record<string, unknown>): string[] {
  try {
    check(changes);
  } catch (error) {
    return (error as ValidationError).issues.map((i) => i.message);
  }
  return [];
}

describe("a row of attachment 1", () => {
  it("keeps the price as fen and the progress as hundredths", () => {
    const row = check({ paymentProgress: "85.5%" });
    expect(row.contractPriceFen).toBe(1_234_567_800);
    expect(row.paymentProgressBp).toBe(8550);
    expect(row.startDate).toBe("2026-09-30");
    expect(row.government).toBe(false);
  });

  it("reads a price to the fen, whatever float noise a cell carries", () => {
    expect(check({ contractPrice: 0.1 + 0.2 }).contractPriceFen).toBe(300_000);
    expect(check({ contractPrice: "0.000001" }).contractPriceFen).toBe(1);
    expect(
      check({ contractPrice: `${wide("1234.5")}万元` }).contractPriceFen,
    ).toBe(1_234_500_000);
    expect(check({ contractPrice: 99_999_999.999999 }).contractPriceFen).toBe(
      99_999_999_999_999,
    );
  });

  it("says a price that is not a number is not one", () => {
    expect(messages({ contractPrice: "约三千万" })).toEqual([
      "合同总造价（万元）：不是数字，请填写以万元为单位的金额，如 1234.56",
    ]);
    expect(messages({ contractPrice: "-5" })).toEqual([
      "合同总造价（万元）：不能是负数",
    ]);
    expect(messages({ contractPrice: "1.0000001" })).toEqual([
      "合同总造价（万元）：最多 6 位小数（精确到分）",
    ]);
    expect(messages({ contractPrice: "" })).toEqual([
      "合同总造价（万元）：请填写",
    ]);
  });

  it("keeps the progress between 0 and 100", () => {
    expect(messages({ paymentProgress: "120" })).toEqual([
      "工程款拨付进度（%）：不能大于 100",
    ]);
    expect(messages({ paymentProgress: 100.001 })).toEqual([
      "工程款拨付进度（%）：最多 2 位小数",
    ]);
    expect(check({ paymentProgress: "100" }).paymentProgressBp).toBe(10_000);
    expect(check({ paymentProgress: 0 }).paymentProgressBp).toBe(0);
  });

  it("refuses a start date after today", () => {
    expect(messages({ startDate: "2026-10-10" })).toEqual([
      "开工时间：晚于今天（2026-10-09），请填写实际开工的日期",
    ]);
    expect(check({ startDate: TODAY }).startDate).toBe(TODAY);
    expect(messages({ startDate: "2026-02-30" })).toEqual([
      "开工时间：不是有效日期，应为 年-月-日，如 2026-09-30",
    ]);
  });

  it("takes 是/否 the ways sheets write them", () => {
    for (const yes of ["是", " Y ", "yes", "√"]) {
      expect(check({ government: yes }).government, yes).toBe(true);
    }
    for (const no of ["否", "n", "×", "Ｎ"]) {
      expect(check({ government: no }).government, no).toBe(false);
    }
    expect(messages({ government: "部分" })).toEqual([
      "是否政府工程：请填写“是”或“否”",
    ]);
  });

  it("folds full-width digits and dashes in a phone number", () => {
    expect(check({ phone: wide("13800000001") }).phone).toBe("13800000001");
    expect(check({ phone: wide("0825-2345678") }).phone).toBe("0825-2345678");
    expect(messages({ phone: "1380000" })).toEqual([
      "联系电话：不是有效的电话号码（手机 11 位，座机如 0825-2345678）",
    ]);
  });

  it("names every missing field by its heading", () => {
    const found = messages({ name: " ", duration: "", manager: undefined });
    expect(found).toEqual([
      "项目名称：请填写",
      "合同约定工期：请填写",
      "项目负责人：请填写文字",
    ]);
  });
});

describe("dates as offices write them", () => {
  it.each([
    ["2026-09-30", "2026-09-30"],
    ["2026.9.30", "2026-09-30"],
    ["2026/9/30", "2026-09-30"],
    ["2026年9月30日", "2026-09-30"],
    ["2026 年 9 月 30 日", "2026-09-30"],
    [wide("2026-09-30"), "2026-09-30"],
    ["2026-09-30 00:00:00", "2026-09-30"],
    ["20260930", "2026-09-30"],
  ])("reads %s", (text, date) => {
    expect(parseLooseDate(text)).toBe(date);
  });

  it("reads no date that does not exist", () => {
    expect(parseLooseDate("2026.2.30")).toBeNull();
    expect(parseLooseDate("9月30日")).toBeNull();
    expect(parseLooseDate("2026-09")).toBeNull();
  });
});

describe("exact decimals", () => {
  it("scales without a float", () => {
    expect(scaledInteger("1,234.56", 2)).toBe(123_456);
    expect(scaledInteger("1234.50", 1)).toBe(12_345);
    expect(scaledInteger(".5", 2)).toBe(50);
    expect(scaledInteger("1e3", 2)).toBe("not_number");
    expect(scaledInteger(".", 2)).toBe("not_number");
    expect(scaledInteger("12345678901234567890", 2)).toBe("large");
  });
});

describe("the identity of a project", () => {
  it("ignores spaces, width and punctuation", () => {
    const a = projectIdentity("天悦府（二期）", "遂宁某置业有限公司");
    expect(projectIdentity(" 天悦府(二期) ", "遂宁某置业 有限公司")).toBe(a);
    expect(projectIdentity("天悦府二期", "遂宁某置业有限公司。")).toBe(a);
  });

  it("tells apart a project of another builder", () => {
    expect(projectIdentity("天悦府二期", "甲公司")).not.toBe(
      projectIdentity("天悦府二期", "乙公司"),
    );
    expect(projectIdentity("天悦府", "二期甲公司")).not.toBe(
      projectIdentity("天悦府二期", "甲公司"),
    );
  });
});
