/** Unit lists for the forms' select boxes, grouped the way people look. */
import type { Unit } from "../../units/directory.js";
import type { OptionGroup } from "./form-kit.js";

/** "市本级" first, then each county and park in seed order. */
export function groupByRegion(units: Unit[]): OptionGroup[] {
  const groups = new Map<string, OptionGroup>();
  const ordered = [
    ...units.filter((u) => u.level === "city"),
    ...units.filter((u) => u.level !== "city"),
  ];
  for (const unit of ordered) {
    const label = unit.level === "city" ? "市本级" : unit.regionName;
    const group = groups.get(label) ?? { label, options: [] };
    group.options.push({ value: unit.id, label: unit.shortName });
    groups.set(label, group);
  }
  return [...groups.values()];
}

export function ofKinds(units: Unit[], kinds: string[]): Unit[] {
  return units.filter((u) => kinds.includes(u.kind));
}
