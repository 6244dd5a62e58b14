import { describe, expect, it } from "vitest";
import {
  builderKey,
  MIN_SCORE,
  nameKey,
  Ranking,
  score,
  similarity,
} from "../../src/projects/matching.js";

describe("telling projects apart by name", () => {
  it("reduces names to what tells them apart", () => {
    expect(nameKey("遂宁·天悦府二期")).toBe("天悦府2期");
    expect(nameKey("天悦府（二期）项目")).toBe("天悦府2期");
    expect(nameKey("四川省遂宁市滨江花园十二号楼建设工程")).toBe(
      "滨江花园12号楼",
    );
    expect(nameKey("二十三标段")).toBe("23标段");
    expect(nameKey("项目")).toBe("项目");
  });

  it("reduces builders to their own name", () => {
    expect(builderKey("遂宁某置业有限责任公司")).toBe("某置业");
    expect(builderKey("四川某建设集团股份有限公司")).toBe("某建设");
  });

  it("scores alike names high and others low", () => {
    expect(similarity("天悦府2期", "天悦府2期")).toBe(1);
    expect(similarity("天悦府", "天悦府2期")).toBeGreaterThan(0.8);
    expect(similarity("天悦府2期", "天悦府3期")).toBeLessThan(
      similarity("天悦府2期", "天悦府2期A区"),
    );
    expect(similarity("天悦府2期", "滨江花园")).toBe(0);
    expect(similarity("", "滨江花园")).toBe(0);
  });

  it("weighs the builder in when both sides have one", () => {
    const clue = { name: "天悦府二期", builder: "遂宁某置业有限公司" };
    const same = score(clue, { name: "天悦府（二期）", builder: "某置业" });
    const other = score(clue, { name: "天悦府二期", builder: "另一家开发商" });
    const none = score(
      { ...clue, builder: "" },
      { name: "天悦府二期", builder: "x" },
    );

    expect(same).toEqual({ score: 1, nameScore: 1, builderScore: 1 });
    expect(other.score).toBeLessThan(1);
    expect(other.score).toBeGreaterThan(MIN_SCORE);
    expect(none).toEqual({ score: 1, nameScore: 1, builderScore: null });
  });

  it("keeps the best five, best first", () => {
    const ranking = new Ranking({ name: "天悦府二期", builder: "" });
    const names = ["滨江花园", "天悦府三期", "天悦府", "天悦府（二期）"];
    ranking.add(names.map((name, i) => ({ id: i + 1, name, builder: "" })));
    ranking.add(
      [1, 2, 3, 4, 5].map((n) => ({
        id: 10 + n,
        name: `天悦府二期${n}号楼`,
        builder: "",
      })),
    );

    expect(ranking.best).toHaveLength(5);
    expect(ranking.best[0].project.name).toBe("天悦府（二期）");
    expect(ranking.best.map((b) => b.project.name)).not.toContain("滨江花园");
  });
});
