import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/channels/types.js";
import {
  needsNewToken,
  wecomError,
  WecomApiError,
} from "../../../bots/wecom/errors.js";

describe("WeCom error codes", () => {
  it.each([
    [40014, "refresh_token", true],
    [42001, "refresh_token", true],
    [-1, "retry", true],
    [45009, "retry", true],
    [60020, "give_up", false],
    [81013, "give_up", false],
    [40001, "give_up", false],
    [93000, "give_up", false],
  ] as const)("treat %i as %s", (errcode, remedy, retryable) => {
    const error = wecomError(errcode);

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.remedy).toBe(remedy);
    expect(error.retryable).toBe(retryable);
    expect(error.errcode).toBe(errcode);
  });

  it("tell the administrator to add the server to the trusted IPs", () => {
    const error = wecomError(60020);

    expect(error.message).toContain("企业可信IP");
    expect(error.message).toContain("errcode 60020");
  });

  it("name the setting to check for bad credentials", () => {
    expect(wecomError(40001).message).toContain("WECOM_SECRET");
    expect(wecomError(40013).message).toContain("WECOM_CORP_ID");
    expect(wecomError(40056).message).toContain("WECOM_AGENT_ID");
  });

  it("wait a minute after being throttled", () => {
    expect(wecomError(45009).retryAfterMs).toBe(60_000);
    expect(wecomError(-1).retryAfterMs).toBeUndefined();
  });

  it("give up on a code it does not know, keeping the code", () => {
    const error = wecomError(99999);

    expect(error.remedy).toBe("give_up");
    expect(error.message).toContain("errcode 99999");
  });

  it("ask for a new token only on the token codes", () => {
    expect(needsNewToken(wecomError(42001))).toBe(true);
    expect(needsNewToken(wecomError(45009))).toBe(false);
    expect(needsNewToken(new Error("42001"))).toBe(false);
    expect(wecomError(40014)).toBeInstanceOf(WecomApiError);
  });
});
