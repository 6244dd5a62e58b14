import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import {
  simulatorClock,
  simulatorSessionSecret,
  toolClock,
} from "../src/local-state.js";
import { parseInstant } from "../src/time.js";

describe("the simulator's state between restarts", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "qianxin-state-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps where its clock was moved to", () => {
    const first = simulatorClock(dir);
    first.set("2026-10-09T10:00");

    const again = simulatorClock(dir);

    // Both run with real time from the same offset.
    expect(
      Math.abs(again.now() - parseInstant("2026-10-09T10:00")),
    ).toBeLessThan(60_000);
  });

  it("gives command-line tools the simulated time, and real time otherwise", () => {
    simulatorClock(dir).set("2026-10-01T09:00");
    const url = `sqlite:${join(dir, "bot.db")}`;

    const simulated = toolClock(
      loadConfig({ DATABASE_URL: url, SIMULATOR: "on" }),
    );
    const real = toolClock(loadConfig({ DATABASE_URL: url, SIMULATOR: "off" }));

    expect(
      Math.abs(simulated.now() - parseInstant("2026-10-01T09:00")),
    ).toBeLessThan(60_000);
    expect(Math.abs(real.now() - Date.now())).toBeLessThan(60_000);
  });

  it("keeps one session key, readable only by its owner", () => {
    const key = simulatorSessionSecret(dir);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(simulatorSessionSecret(dir)).toBe(key);
    expect(statSync(join(dir, ".session-secret")).mode & 0o077).toBe(0);
  });
});
