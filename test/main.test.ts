import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encrypt, getSignature } from "@wecom/crypto";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDingTalk } from "./fakes/dingtalk-server.js";
import { FakeWecom } from "./fakes/wecom-server.js";

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with the output once `text` appears, rejects if the process exits. */
function waitFor(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) {
        resolve(out);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** The bot's entry point in one process (tsx as a loader), so kill stops it. */
function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env },
  });
}

describe("npm start", () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;

  afterEach(() => {
    child?.kill("SIGTERM");
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts the bot on SQLite with the simulator and says where to go", async () => {
    dir = mkdtempSync(join(tmpdir(), "qianxin-start-"));
    const port = await freePort();
    child = start({
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir, "bot.db")}`,
      LOG_PRETTY: "false",
      JOBS: "false",
    });

    const out = await waitFor(child, "欠薪联动助手已启动");

    expect(out).toContain(`http://localhost:${port}/sim`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const sim = await fetch(`http://127.0.0.1:${port}/sim`);
    expect(await sim.text()).toContain("王建国");
  });

  it("stops with one line naming a bad setting", async () => {
    child = start({ PORT: "not-a-port" });
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise((resolve) => child!.once("exit", resolve));
    expect(code).toBe(1);
    expect(err).toContain("configuration: PORT");
  });

  it("serves WeCom instead of the simulator when WeCom is configured", async () => {
    dir = mkdtempSync(join(tmpdir(), "qianxin-wecom-"));
    const fake = new FakeWecom({ corpId: "ww_fakecorp" });
    const fakeBase = await fake.start();
    try {
      const port = await freePort();
      const token = "QDG6eK";
      const key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
      child = start({
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, "bot.db")}`,
        LOG_PRETTY: "false",
        JOBS: "false",
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SESSION_SECRET: "s".repeat(40),
        WECOM_CORP_ID: "ww_fakecorp",
        WECOM_AGENT_ID: "1000002",
        WECOM_SECRET: "fake-secret",
        WECOM_TOKEN: token,
        WECOM_ENCODING_AES_KEY: key,
        WECOM_API_BASE: fakeBase,
        WECOM_OAUTH_BASE: fakeBase,
      });
      const out = await waitFor(child, "欠薪联动助手已启动");
      expect(out).not.toContain("/sim");

      // WeCom's URL verification, as the admin console does on saving.
      const echostr = encrypt(key, "1616140317555161061", "ww_fakecorp");
      const query = new URLSearchParams({
        msg_signature: getSignature(token, "1409659589", "263014780", echostr),
        timestamp: "1409659589",
        nonce: "263014780",
        echostr,
      });
      const verify = await fetch(
        `http://127.0.0.1:${port}/wecom/callback?${query}`,
      );
      expect(verify.status).toBe(200);
      expect(await verify.text()).toBe("1616140317555161061");

      const sim = await fetch(`http://127.0.0.1:${port}/sim`);
      expect(sim.status).toBe(404);
    } finally {
      child?.kill("SIGTERM");
      await fake.stop();
    }
  });

  it("connects to DingTalk's Stream and reports it healthy, or why not", async () => {
    dir = mkdtempSync(join(tmpdir(), "qianxin-dingtalk-"));
    const fake = new FakeDingTalk({
      clientId: "dingfakeclient",
      clientSecret: "right-secret",
      templates: ["notice.schema"],
    });
    const fakeBase = await fake.start();
    const env = (secret: string, port: number) => ({
      PORT: String(port),
      DATABASE_URL: `sqlite:${join(dir!, `bot-${port}.db`)}`,
      LOG_PRETTY: "false",
      JOBS: "false",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: "s".repeat(40),
      DINGTALK_CLIENT_ID: "dingfakeclient",
      DINGTALK_CLIENT_SECRET: secret,
      DINGTALK_ROBOT_CODE: "dingfakeclient",
      DINGTALK_CARD_TEMPLATE_ID: "notice.schema",
      DINGTALK_CORP_ID: "dingfakecorp",
      DINGTALK_API_BASE: fakeBase,
      DINGTALK_OAPI_BASE: fakeBase,
      DINGTALK_GATEWAY_URL: fake.openUrl,
    });
    async function health(port: number, until: (body: any) => boolean) {
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        const body = await res.json();
        if (until(body)) {
          return { status: res.status, body };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("health never settled");
    }
    try {
      let port = await freePort();
      child = start(env("right-secret", port));
      await waitFor(child, "欠薪联动助手已启动");
      const up = await health(
        port,
        (b) => b.dingtalk?.state === "connected" && b.dingtalk?.template?.ok,
      );
      expect(up.status).toBe(200);
      child.kill("SIGTERM");

      port = await freePort();
      child = start(env("wrong-secret", port));
      await waitFor(child, "欠薪联动助手已启动");
      const down = await health(
        port,
        (b) => b.dingtalk?.state === "auth_failed",
      );
      expect(down.status).toBe(503);
      expect(down.body.ok).toBe(false);
      expect(down.body.dingtalk.lastError).toMatch(/DINGTALK_CLIENT_SECRET/);
    } finally {
      child?.kill("SIGTERM");
      await fake.stop();
    }
  });
});
