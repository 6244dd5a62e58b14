import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import table from "../../src/calendar/lunar-holidays.json" with { type: "json" };

describe("the shipped table of lunar holidays", () => {
  it("is what chinese-days computes in Shanghai time", () => {
    // The package is a day off west of UTC, so compare in Shanghai time.
    const years = [2027, 2031, 2050, 2100];
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--eval",
        `import("./src/calendar/lunar-table.ts").then((m) => console.log(` +
          `JSON.stringify(${JSON.stringify(years)}.map(m.computeLunarHolidays))))`,
      ],
      { encoding: "utf8", env: { ...process.env, TZ: "Asia/Shanghai" } },
    );
    expect(child.stderr).toBe("");
    const computed = JSON.parse(child.stdout);
    const shipped = table as Record<string, unknown>;
    expect(computed).toEqual(years.map((y) => shipped[y]));
  });

  it("puts 春节 2027 on 6 February", () => {
    expect(
      (table as Record<string, { springFestival: string }>)["2027"],
    ).toMatchObject({ springFestival: "2027-02-06" });
  });
});
