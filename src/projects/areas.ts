/**
 * Where a project is and who deals with it: the area its 管辖区域 names,
 * whether the reporting unit may report there, and the labour bureau
 * (HRSS) its reports go to. Areas are the regions of the seeded units, so
 * another city's seed file brings its own.
 */
import { readFileSync } from "node:fs";
import type { AppContext } from "../context.js";
import type { Unit } from "../units/directory.js";
import { compactKey } from "./normalize.js";

export interface Area {
  /** "city", or a county's or park's code, as units carry it. */
  region: string;
  /** 市本级, 船山区… */
  name: string;
}

/** How sheets name the city's own level. */
const CITY_WORDS = ["市本级", "市级", "本级", "市直", "全市"];

/** The areas of the active units, and the words that name each. */
export class Areas {
  private readonly names: { key: string; area: Area }[] = [];

  constructor(
    private readonly units: readonly Unit[],
    cityName = "",
  ) {
    const seen = new Set<string>();
    for (const unit of units) {
      if (seen.has(unit.region)) {
        continue;
      }
      seen.add(unit.region);
      const area = { region: unit.region, name: unit.regionName };
      this.names.push({ key: compactKey(unit.regionName), area });
      if (unit.region === "city") {
        for (const word of [...CITY_WORDS, cityName].filter(Boolean)) {
          this.names.push({ key: compactKey(word), area });
        }
      }
    }
    // The longest name first: 遂宁市船山区 is 船山区, not the city.
    this.names.sort((a, b) => b.key.length - a.key.length);
  }

  static async load(ctx: AppContext): Promise<Areas> {
    return new Areas(await ctx.directory.units(), seedCityName(ctx));
  }

  /**
   * The area a 管辖区域 names: exactly, inside a longer name (遂宁市船山区)
   * or shortened (船山 for 船山区).
   */
  find(jurisdiction: string): Area | undefined {
    const key = compactKey(jurisdiction);
    if (!key) {
      return undefined;
    }
    const exact = this.names.find((n) => n.key === key);
    if (exact) {
      return exact.area;
    }
    // 遂宁市船山区 names the city and the district: the district wins.
    const inside = this.names.filter((n) => key.includes(n.key));
    const county = inside.find((n) => n.area.region !== "city");
    if (county ?? inside[0]) {
      return (county ?? inside[0]).area;
    }
    const short = new Set(
      this.names
        .filter((n) => key.length >= 2 && n.key.startsWith(key))
        .map((n) => n.area),
    );
    return short.size === 1 ? [...short][0] : undefined;
  }

  /**
   * The area a unit may report a project in, or why not: a county's or
   * park's authority reports its own area; a city authority any area.
   */
  check(unit: Unit, jurisdiction: string): Area | string {
    const area = this.find(jurisdiction);
    const own = unit.regionName;
    if (!area) {
      return (
        `“${jurisdiction}”不是本市的县（市、区）、园区或市本级，` +
        `请填写如“${own}”`
      );
    }
    if (unit.level !== "city" && area.region !== unit.region) {
      return (
        `${unit.shortName}只能报送${own}的项目；${area.name}的项目` +
        `请由${area.name}的行业主管部门报送`
      );
    }
    return area;
  }

  /**
   * The labour bureau a unit's reports go to: the HRSS of its own area,
   * or the city's when its area has none.
   */
  hrssFor(unit: Unit): Unit | undefined {
    return (
      this.units.find((u) => u.kind === "hrss" && u.region === unit.region) ??
      this.leadUnit()
    );
  }

  /** The city's HRSS: the lead unit, which reports to the office. */
  leadUnit(): Unit | undefined {
    return this.units.find((u) => u.kind === "hrss" && u.level === "city");
  }
}

/** The city's name from the seed file (遂宁市), or "" when it has none. */
function seedCityName(ctx: AppContext): string {
  try {
    const seed = JSON.parse(readFileSync(ctx.config.seedFile, "utf8"));
    return typeof seed?.city?.name === "string" ? seed.city.name : "";
  } catch {
    return "";
  }
}
