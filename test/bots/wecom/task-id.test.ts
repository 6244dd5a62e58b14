import { describe, expect, it } from "vitest";
import {
  cardKeyOf,
  isTaskId,
  taskIdFor,
  TaskIdError,
} from "../../../bots/wecom/task-id.js";

describe("task ids", () => {
  it("carry the card key in WeCom's character set", () => {
    const id = taskIdFor("referral:12:unit:3", "k9");

    expect(id).toBe("referral_3a12_3aunit_3a3@k9");
    expect(isTaskId(id)).toBe(true);
    expect(cardKeyOf(id)).toBe("referral:12:unit:3");
  });

  it("read back keys with underscores, @ and Chinese", () => {
    for (const key of ["a_b", "x@y", "案件:1", "a-b.c/d"]) {
      const id = taskIdFor(key, "1");
      expect(isTaskId(id)).toBe(true);
      expect(cardKeyOf(id)).toBe(key);
    }
  });

  it("differ for every serial of one card", () => {
    expect(taskIdFor("referral:1:referrer", "1")).not.toBe(
      taskIdFor("referral:1:referrer", "2"),
    );
  });

  it("refuse a serial WeCom would refuse or that hides the key", () => {
    for (const serial of ["", "a@b", "a:b", "x".repeat(41)]) {
      expect(() => taskIdFor("k", serial)).toThrow(TaskIdError);
    }
  });

  it("refuse a card key longer than 128 bytes once encoded", () => {
    expect(() => taskIdFor("案".repeat(20), "1")).toThrow(TaskIdError);
  });

  it.each(["fb_2024000123_01", "@1", "a_zz@1", "a_3A@1", "a:b@1", ""])(
    "say %s is not one of ours",
    (id) => {
      expect(cardKeyOf(id)).toBeUndefined();
    },
  );
});
