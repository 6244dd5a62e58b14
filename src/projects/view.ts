/**
 * A reported project with what a page, a message or a permission check
 * needs: its units, its clocks and its site check, loaded in one place.
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import type { ClockRow } from "../clocks/engine.js";
import type { AppContext } from "../context.js";
import { notFound } from "../errors.js";
import type { Unit } from "../units/directory.js";
import type { ProjectRow } from "./input.js";

type Tables = typeof import("../../db/schema.js");
export type ProjectRecord = Tables["projects"]["$inferSelect"];
export type SiteCheckRow = Tables["siteChecks"]["$inferSelect"];
export type ClueRow = Tables["projectClues"]["$inferSelect"];

export const PROJECT_STATUS: Record<string, string> = {
  reported: "待现场核查",
  checked: "已核查，未发现问题",
  correcting: "已核查，待整改",
  corrected: "已整改",
};

export const CLUE_STATUS: Record<string, string> = {
  unmatched: "待核对",
  matched: "已报送",
  omission: "漏报",
};

export interface ProjectView {
  project: ProjectRecord;
  /** The industry authority that reported it. */
  unit: Unit;
  /** The HRSS that checks it. */
  hrssUnit: Unit;
  check?: SiteCheckRow;
  /** Started and stopped on receipt: how late the report was. */
  reportClock?: ClockRow;
  checkClock?: ClockRow;
  correctionClock?: ClockRow;
}

export async function loadProject(
  ctx: AppContext,
  q: Db,
  id: number,
): Promise<ProjectView> {
  const t = ctx.store.t;
  const [project] = await q
    .select()
    .from(t.projects)
    .where(eq(t.projects.id, id));
  if (!project) {
    throw notFound("该项目");
  }
  const unit = async (unitId: number) => (await ctx.directory.unit(unitId))!;
  const [reporting, hrss, clocks, checks] = await Promise.all([
    unit(project.unitId),
    unit(project.hrssUnitId),
    ctx.clocks.forSubject(q, "project", id),
    q.select().from(t.siteChecks).where(eq(t.siteChecks.projectId, id)),
  ]);
  const clock = (rule: string) => clocks.find((c) => c.rule === rule);
  return {
    project,
    unit: reporting,
    hrssUnit: hrss,
    check: checks[0],
    reportClock: clock("project.report"),
    checkClock: clock("project.check"),
    correctionClock: clock("project.correction"),
  };
}

export async function loadClue(
  ctx: AppContext,
  q: Db,
  id: number,
): Promise<ClueRow> {
  const t = ctx.store.t;
  const [clue] = await q
    .select()
    .from(t.projectClues)
    .where(eq(t.projectClues.id, id));
  if (!clue) {
    throw notFound("该线索");
  }
  return clue;
}

/** The finding codes a check stored. */
export function findingsOf(check: SiteCheckRow | undefined): string[] {
  return check ? (JSON.parse(check.findings) as string[]) : [];
}

/** A stored project as a row of attachment 1, for the exporter. */
export function attachmentRow(p: ProjectRecord): ProjectRow {
  return {
    jurisdiction: p.jurisdiction,
    name: p.name,
    address: p.address,
    builder: p.builder,
    startDate: p.startDate,
    duration: p.duration,
    government: p.government,
    contractor: p.contractor,
    manager: p.manager,
    phone: p.phone,
    contractPriceFen: p.contractPriceFen,
    paymentMethod: p.paymentMethod,
    paymentProgressBp: p.paymentProgressBp,
    remarks: p.remarks,
  };
}
