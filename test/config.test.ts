/**
 * Configuration from the environment: WeCom runs when its five settings
 * are there, a partial set is an error naming what is missing, secrets
 * never appear in an error, and a real platform turns the simulator off
 * unless it is asked for.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const WECOM = {
  WECOM_CORP_ID: "ww_fakecorp",
  WECOM_AGENT_ID: "1000002",
  WECOM_SECRET: "a-very-secret-app-secret",
  WECOM_TOKEN: "QDG6eK",
  WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  SESSION_SECRET: "s".repeat(32),
  PUBLIC_URL: "https://qianxin.example.gov.cn",
};

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("runs the simulator alone when no platform is set", () => {
    const config = loadConfig({});
    expect(config.simulator).toBe(true);
    expect(config.wecom).toBeUndefined();
  });

  it("runs WeCom, with the simulator off, when all five are set", () => {
    const config = loadConfig(WECOM);
    expect(config.simulator).toBe(false);
    expect(config.wecom).toMatchObject({
      corpId: "ww_fakecorp",
      agentId: 1000002,
      apiBase: "https://qyapi.weixin.qq.com",
      oauthBase: "https://open.weixin.qq.com",
      robotKeys: {},
      cardUpdateWindowMs: 72 * 3_600_000,
    });
  });

  it("keeps the simulator beside WeCom only when asked", () => {
    expect(loadConfig({ ...WECOM, SIMULATOR: "on" }).simulator).toBe(true);
    expect(loadConfig({ ...WECOM, NODE_ENV: "production" }).simulator).toBe(
      false,
    );
  });

  it("names the missing settings of a partial WeCom configuration", () => {
    const { WECOM_TOKEN: _t, WECOM_SECRET: _s, ...partial } = WECOM;
    const message = errorOf(partial);
    expect(message).toContain("WECOM_SECRET");
    expect(message).toContain("WECOM_TOKEN");
    expect(message).not.toContain(WECOM.WECOM_ENCODING_AES_KEY);
  });

  it("requires a session secret beside a real platform", () => {
    const { SESSION_SECRET: _s, ...noSecret } = WECOM;
    expect(errorOf(noSecret)).toContain("SESSION_SECRET");
  });

  it("checks the shape of each WeCom setting without echoing it", () => {
    const badKey = errorOf({ ...WECOM, WECOM_ENCODING_AES_KEY: "short-key" });
    expect(badKey).toContain("WECOM_ENCODING_AES_KEY");
    expect(badKey).not.toContain("short-key");
    expect(errorOf({ ...WECOM, WECOM_AGENT_ID: "10000x2" })).toContain(
      "WECOM_AGENT_ID",
    );
    expect(errorOf({ ...WECOM, WECOM_API_BASE: "not a url" })).toContain(
      "WECOM_API_BASE",
    );
  });

  it("reads robot keys per group and refuses a malformed list", () => {
    const config = loadConfig({
      ...WECOM,
      WECOM_ROBOT_KEYS:
        "mechanism=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa, county=abcdef12-3456",
    });
    expect(config.wecom!.robotKeys).toEqual({
      mechanism: "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
      county: "abcdef12-3456",
    });
    const bad = errorOf({
      ...WECOM,
      WECOM_ROBOT_KEYS: "mechanism:secret-key-123",
    });
    expect(bad).toContain("WECOM_ROBOT_KEYS");
    expect(bad).not.toContain("secret-key-123");
    expect(errorOf({ WECOM_ROBOT_KEYS: "mechanism=abcdef12-3456" })).toContain(
      "WECOM_CORP_ID",
    );
  });

  it("takes an empty value as unset, as an uncommented .env line gives it", () => {
    const config = loadConfig({
      WECOM_CORP_ID: "",
      WECOM_ROBOT_KEYS: "",
      SESSION_SECRET: "",
      DINGTALK_GATEWAY_URL: "",
    });
    expect(config.wecom).toBeUndefined();
    expect(config.simulator).toBe(true);
  });

  it("requires the public address beside a real platform", () => {
    const { PUBLIC_URL: _p, ...noUrl } = WECOM;
    expect(errorOf(noUrl)).toContain("PUBLIC_URL");
  });
});
