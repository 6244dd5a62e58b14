import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

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
});
