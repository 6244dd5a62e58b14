import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { startWeb, type Running } from "./server.js";

let web: Running;

beforeEach(async () => {
  web = await startWeb();
});

afterEach(async () => {
  await web.close();
});

/** GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(path: string, host: string): Promise<number> {
  const { port } = new URL(web.base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("who the service answers", () => {
  it("refuses a request addressed to another site's name", async () => {
    expect(await getWithHost("/sim", "evil.example:3822")).toBe(421);
    expect(await getWithHost("/sim", "localhost:3000")).toBe(200);
  });

  it("runs the password-free simulator in production only when asked", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    const asked = loadConfig({ NODE_ENV: "production", SIMULATOR: "on" });
    expect(asked.simulator).toBe(true);
  });
});

describe("a request with the wrong method", () => {
  it("is answered in Chinese, with a stable code", async () => {
    const res = await web.call("PUT", "/api/referrals", { json: {} });
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe("method_not_allowed");
    expect(res.body.error.message).toContain("不支持这种请求方式");
  });

  it("treats host names without regard to case", async () => {
    expect(await getWithHost("/healthz", "LOCALHOST:3000")).toBe(200);
  });
});
