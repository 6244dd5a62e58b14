/**
 * Which new-project page a person may open, checked when the page loads
 * so that someone who may not act sees a refusal instead of a form that
 * would fail. Who may act is the service's rule (projects/permissions.ts);
 * this adds who may look at the lists, and whose phone they see whole.
 */
import { conflict, forbidden } from "../errors.js";
import {
  canCheck,
  isHrssStaff,
  requireChecker,
  requireCorrectionRecorder,
} from "../projects/permissions.js";
import {
  PROJECT_STATUS,
  type ClueRow,
  type ProjectView,
} from "../projects/view.js";
import { formatDateCn } from "../time.js";
import type { Person } from "../units/directory.js";
import { INDUSTRY_KINDS } from "../units/kinds.js";

export {
  assertCanReport,
  assertHrssStaff,
  canCheck,
  canReport,
  isHrssStaff,
} from "../projects/permissions.js";

/** An industry authority: it reports, and sees its own projects. */
export function isIndustry(person: Person): boolean {
  return INDUSTRY_KINDS.includes(person.unit.kind);
}

/** HRSS and administrators see every unit's figures. */
export function seesAllUnits(person: Person): boolean {
  return person.unit.kind === "hrss" || person.roles.has("admin");
}

export function assertCanOpenProjects(person: Person): void {
  if (!isIndustry(person) && !seesAllUnits(person)) {
    throw forbidden(
      "新开工项目由行业主管部门报送、人力资源社会保障部门核查，" +
        `${person.unit.shortName}无需使用此页面。`,
    );
  }
}

/**
 * The manager's phone, whole: for the reporting unit's and the checking
 * HRSS's staff, and HRSS staff who may check it. Others (an administrator
 * reading across units) see it masked.
 */
export function seesManagerPhone(person: Person, view: ProjectView): boolean {
  const staff = ["liaison", "leader", "caseworker"].some((r) =>
    person.roles.has(r as never),
  );
  const own = [view.project.unitId, view.project.hrssUnitId].includes(
    person.unit.id,
  );
  return (own && staff) || canCheck(person, view);
}

/** The site-check form: the checking HRSS, once. */
export function assertCanOpenCheck(person: Person, view: ProjectView): void {
  requireChecker(person, view, "登记现场核查");
  if (view.check) {
    throw conflict(
      "already_checked",
      `该项目已于 ${formatDateCn(view.check.checkDate)}现场核查，不能重复登记。`,
    );
  }
}

/** The correction form: the unit or the checking HRSS, while due. */
export function assertCanOpenCorrected(
  person: Person,
  view: ProjectView,
): void {
  requireCorrectionRecorder(person, view);
  if (view.project.status !== "correcting") {
    const status = PROJECT_STATUS[view.project.status] ?? view.project.status;
    throw conflict(
      "nothing_to_correct",
      `该项目当前状态为“${status}”，没有待整改的问题。`,
    );
  }
}

export function mayOpen(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** The HRSS that recorded a clue decides on it, or the city's. */
export function canDecideClue(person: Person, clue: ClueRow): boolean {
  return (
    isHrssStaff(person) &&
    (person.unit.id === clue.hrssUnitId || person.unit.level === "city")
  );
}
