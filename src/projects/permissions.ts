/**
 * Who may do what with new projects. Industry authorities report for
 * their own unit; labour bureaus (HRSS) check, record clues and decide on
 * them. The service enforces these; the pages call the same functions to
 * refuse on load.
 */
import { forbidden } from "../errors.js";
import type { Person, Unit } from "../units/directory.js";
import { INDUSTRY_KINDS } from "../units/kinds.js";
import type { ClueRow, ProjectView } from "./view.js";

const hasAny = (person: Person, roles: string[]) =>
  roles.some((r) => person.roles.has(r as never));

/** Liaisons and leaders of an industry authority report its projects. */
export function canReport(person: Person): boolean {
  return (
    INDUSTRY_KINDS.includes(person.unit.kind) &&
    hasAny(person, ["liaison", "leader"])
  );
}

export function assertCanReport(person: Person): void {
  if (!canReport(person)) {
    throw forbidden(
      "只有行业主管部门（自然资源和规划、住房城乡建设、交通运输、农业农村、" +
        "水利）的联络员或负责人可以报送新开工项目。",
    );
  }
}

/** Caseworkers and leaders of a labour bureau. */
export function isHrssStaff(person: Person): boolean {
  return (
    person.unit.kind === "hrss" && hasAny(person, ["caseworker", "leader"])
  );
}

/**
 * The HRSS a project was reported to checks it; the city's HRSS may act
 * for any area.
 */
export function canCheck(person: Person, view: ProjectView): boolean {
  return (
    isHrssStaff(person) &&
    (person.unit.id === view.project.hrssUnitId || person.unit.level === "city")
  );
}

export function requireChecker(
  person: Person,
  view: ProjectView,
  what: string,
): void {
  if (!canCheck(person, view)) {
    throw forbidden(
      `该项目由${view.hrssUnit.shortName}现场核查，` +
        `您（${person.unit.shortName}${person.name}）无权${what}。`,
    );
  }
}

/** The reporting unit's liaisons and leaders, or the checking HRSS. */
export function requireCorrectionRecorder(
  person: Person,
  view: ProjectView,
): void {
  const own =
    person.unit.id === view.project.unitId &&
    hasAny(person, ["liaison", "leader"]);
  if (!own && !canCheck(person, view)) {
    throw forbidden(
      `只有${view.unit.shortName}或${view.hrssUnit.shortName}可以登记该项目的整改情况。`,
    );
  }
}

/** People who may see a project in full, the manager's phone included. */
export function canView(person: Person, view: ProjectView): boolean {
  return (
    person.roles.has("admin") ||
    [view.project.unitId, view.project.hrssUnitId].includes(person.unit.id) ||
    (person.unit.kind === "hrss" && person.unit.level === "city")
  );
}

export function assertCanView(person: Person, view: ProjectView): void {
  if (!canView(person, view)) {
    throw forbidden(
      `该项目由${view.unit.shortName}报送，您所在的${person.unit.shortName}无权查看。`,
    );
  }
}

export function assertHrssStaff(person: Person, what: string): void {
  if (!isHrssStaff(person)) {
    throw forbidden(`只有人力资源社会保障部门的经办人员或负责人可以${what}。`);
  }
}

/**
 * A county's or park's HRSS records clues about its own area's units;
 * the city's about any.
 */
export function coversUnit(person: Person, unit: Unit): boolean {
  return person.unit.level === "city" || person.unit.region === unit.region;
}

/** The HRSS that recorded a clue decides on it, or the city's. */
export function requireClueDecider(person: Person, clue: ClueRow): void {
  assertHrssStaff(person, "核对线索");
  if (person.unit.id !== clue.hrssUnitId && person.unit.level !== "city") {
    throw forbidden("该线索由其他人力资源社会保障部门登记，您无权核对。");
  }
}

/** Counts and lists across units: HRSS and administrators. */
export function assertCanSeeAll(person: Person): void {
  if (person.unit.kind !== "hrss" && !person.roles.has("admin")) {
    throw forbidden("只有人力资源社会保障部门可以查看各单位的报送情况。");
  }
}
