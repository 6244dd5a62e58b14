import { describe, expect, it } from "vitest";
import { maskName, maskPhone } from "../src/mask.js";

describe("maskName", () => {
  it("keeps the first character and stars the rest", () => {
    expect(maskName("张三")).toBe("张*");
    expect(maskName("王建国")).toBe("王**");
    expect(maskName("欧阳娜娜")).toBe("欧***");
  });

  it("never shows a one-character name whole", () => {
    expect(maskName("张")).toBe("张*");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(maskName("𠮷野家")).toBe("𠮷**");
  });

  it("leaves a blank name blank", () => {
    expect(maskName("  ")).toBe("");
  });
});

describe("maskPhone", () => {
  it("shows a mobile number's first 3 and last 4 digits", () => {
    expect(maskPhone("13800000031")).toBe("138****0031");
    expect(maskPhone("138 0000 0031")).toBe("138****0031");
  });

  it("keeps a landline's area code and last 4 digits", () => {
    expect(maskPhone("0825-2345678")).toBe("0825-***5678");
    expect(maskPhone("08252345678")).toBe("0825-***5678");
    expect(maskPhone("028-87654321-123")).toBe("028-****4321");
  });

  it("keeps at most the last 4 digits of anything else", () => {
    expect(maskPhone("+86 10 1234 5678")).toBe("********5678");
    expect(maskPhone("110")).toBe("***");
  });
});
