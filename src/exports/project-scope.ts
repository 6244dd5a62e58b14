/**
 * Whose new projects an export may hold. Attachment 1 goes out per
 * reporting unit: the city's HRSS and administrators export any unit's
 * (or all, a sheet each); a county's or park's HRSS those reported to it;
 * an industry authority only its own. The table of how units report is
 * HRSS's: its people and administrators only. Checked before any project
 * is read, since the sheets carry managers' names and phones in full.
 */
import type { AppContext } from "../context.js";
import { AppError, forbidden } from "../errors.js";
import type { Person, Unit } from "../units/directory.js";
import { INDUSTRY_KINDS } from "../units/kinds.js";
import { isHrss, personOf, type Requester } from "./access.js";
import { normalizeTyped } from "./tables.js";

export interface ProjectScope {
  /** One reporting unit's table; undefined for every unit in reach. */
  unit?: Unit;
  /** Only projects reported to this HRSS (a county's or park's). */
  hrssUnitId?: number;
}

/** The unit asked for, by id (the page, the CLI) or as typed (chat). */
export interface UnitAsked {
  unitId?: number;
  unit?: string;
}

/** Attachment 1: what `who` may export, given the unit asked for. */
export async function projectScope(
  ctx: AppContext,
  who: Requester,
  asked: UnitAsked,
): Promise<ProjectScope> {
  const person = personOf(who);
  if (person) {
    assertHasRole(person);
  }
  const unit = await unitAsked(ctx, asked);
  if (unit && !INDUSTRY_KINDS.includes(unit.kind)) {
    throw new AppError(
      "unit_not_reporting",
      `单位：${unit.shortName}不是行业主管部门，不报送新开工项目。`,
      422,
      "unit",
    );
  }
  if (!person || isHrss(person)) {
    return { unit };
  }
  const own = person.unit;
  if (own.kind === "hrss") {
    if (unit && unit.region !== own.region) {
      throw forbidden(
        `${unit.shortName}的项目不报送${own.shortName}，` +
          "请向市人力资源社会保障局索取。",
      );
    }
    return { unit, hrssUnitId: own.id };
  }
  if (!INDUSTRY_KINDS.includes(own.kind)) {
    throw forbidden(
      `${own.shortName}不报送新开工项目，没有可导出的新开工项目情况表。` +
        "如需全市汇总，请向市人力资源社会保障局索取。",
    );
  }
  if (unit && unit.id !== own.id) {
    throw forbidden(
      `您只能导出${own.shortName}报送的新开工项目，` +
        `不能导出${unit.shortName}的。`,
    );
  }
  return { unit: own };
}

/**
 * The table of timeliness and omissions compares every unit: for HRSS
 * (the city's, a county's or a park's) and administrators.
 */
export function assertMayExportStats(who: Requester): void {
  const person = personOf(who);
  if (!person || person.roles.has("admin")) {
    return;
  }
  if (person.unit.kind !== "hrss") {
    throw forbidden(
      "新开工项目报送情况统计表由人力资源社会保障部门汇总，" +
        `${person.unit.shortName}不能导出。本单位报送的项目请导出“项目表”。`,
    );
  }
  assertHasRole(person);
}

function assertHasRole(person: Person): void {
  if (person.roles.size === 0) {
    throw forbidden(
      `您在${person.unit.shortName}没有登记联络员、负责人或经办人角色，不能导出表格。`,
    );
  }
}

async function unitAsked(
  ctx: AppContext,
  asked: UnitAsked,
): Promise<Unit | undefined> {
  if (asked.unitId !== undefined) {
    const unit = await ctx.directory.unit(asked.unitId);
    if (!unit) {
      throw unknownUnit("所选单位");
    }
    return unit;
  }
  const typed = asked.unit?.trim();
  return typed ? unitByText(await ctx.directory.units(), typed) : undefined;
}

/**
 * A unit as people write it: its code, full or short name, "住建局" for
 * 住房城乡建设局; exactly, or the one unit whose name holds the words.
 */
export function unitByText(units: Unit[], typed: string): Unit {
  const text = key(typed);
  const names = (u: Unit) =>
    [u.code, u.name, u.shortName, short(u.shortName), short(u.name)].map(key);
  const exact = units.filter((u) => names(u).includes(text));
  const found =
    exact.length > 0
      ? exact
      : units.filter((u) => names(u).some((n) => n.includes(text)));
  if (found.length === 1) {
    return found[0];
  }
  const shown = `“${[...typed].slice(0, 30).join("")}”`;
  if (found.length === 0) {
    throw unknownUnit(shown);
  }
  const some = found
    .slice(0, 5)
    .map((u) => u.shortName)
    .join("、");
  throw new AppError(
    "unit_ambiguous",
    `单位：${shown}对应多个单位（${some}${found.length > 5 ? "等" : ""}），` +
      "请写出单位全称或简称。",
    422,
    "unit",
  );
}

/** Names compared without spaces, case or full-width forms. */
const key = (text: string) => normalizeTyped(text).toLowerCase();

/** The abbreviations units go by: 住建局, 人社局. */
const short = (name: string) =>
  name
    .replace("住房和城乡建设局", "住建局")
    .replace("住房城乡建设局", "住建局")
    .replace("人力资源和社会保障局", "人社局")
    .replace("人力资源社会保障局", "人社局");

function unknownUnit(what: string): AppError {
  return new AppError(
    "unknown_unit",
    `单位：没有找到${what}，请写单位简称（如 市住建局）或单位代码（如 city.housing）。`,
    422,
    "unit",
  );
}
