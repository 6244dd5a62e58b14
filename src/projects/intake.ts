/**
 * What both ways of reporting share (spec 3.1.1): storing a checked row
 * once per project (same name and builder, spelled however), its report
 * clock counted from the start date and stopped on the day of receipt
 * (how late it came), and its site-check clock for the HRSS it went to.
 */
import { createHash } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import type { Calendar } from "../calendar/calendar.js";
import { AppError, ValidationError } from "../errors.js";
import type { Unit } from "../units/directory.js";
import { dateOf, type IsoDate } from "../time.js";
import type { Areas, Area } from "./areas.js";
import { ProjectCommands, type Acting, type Step } from "./commands.js";
import { projectIdentity, projectLabels, type ProjectRow } from "./input.js";
import type { SheetRow } from "./sheet-import.js";
import type { ProjectRecord } from "./view.js";

/** A row naming a project that was reported before. */
export interface DuplicateRow {
  rowNumber: number;
  name: string;
  projectId: number;
  /** Who reported it first, and on which day. */
  unitName: string;
  reportedDate: IsoDate;
}

/** A project just stored, the HRSS it went to, and its check deadline. */
export interface StoredProject {
  project: ProjectRecord;
  hrss: Unit;
  checkDue: IsoDate;
}

/** The identity of a project as the database keys it. */
export function identityKey(name: string, builder: string): string {
  return createHash("sha256")
    .update(projectIdentity(name, builder))
    .digest("hex");
}

export abstract class ProjectIntake extends ProjectCommands {
  /** Stores a checked row and starts its clocks; undefined if it exists. */
  protected async store(
    s: Step,
    actor: Acting,
    areas: Areas,
    row: ProjectRow,
    area: Area,
    importId: number | null,
  ): Promise<StoredProject | undefined> {
    const hrss = areas.hrssFor(actor.person.unit);
    if (!hrss) {
      throw new AppError(
        "hrss_missing",
        "系统中没有人力资源社会保障部门，无法接收项目报送。请联系管理员。",
        409,
      );
    }
    const created = await this.insert(s, actor, hrss, row, area, importId);
    if (!created) {
      return undefined;
    }
    const { timing, checkDue } = await this.startClocks(s, created);
    const { projects } = this.ctx.store.t;
    await s.q.update(projects).set(timing).where(eq(projects.id, created.id));
    return { project: { ...created, ...timing }, hrss, checkDue };
  }

  /** The row as a project, once per identity; undefined if it exists. */
  private async insert(
    s: Step,
    actor: Acting,
    hrss: Unit,
    row: ProjectRow,
    area: Area,
    importId: number | null,
  ): Promise<ProjectRecord | undefined> {
    const { store } = this.ctx;
    const key = identityKey(row.name, row.builder);
    const reportedDate = dateOf(s.now);
    const inserted = await store.insertIfAbsent(s.q, store.t.projects, {
      ...row,
      unitId: actor.person.unit.id,
      hrssUnitId: hrss.id,
      identityKey: key,
      region: area.region,
      source: importId === null ? "form" : "sheet",
      importId,
      reportedDate,
      reportedAt: s.now,
      reportedBy: actor.person.id,
      // Set from the report clock once it is counted.
      reportDueDate: reportedDate,
      reportLateDays: 0,
      status: "reported",
      createdAt: s.now,
      updatedAt: s.now,
      version: 1,
    });
    if (!inserted) {
      return undefined;
    }
    const [created] = await s.q
      .select()
      .from(store.t.projects)
      .where(eq(store.t.projects.identityKey, key));
    return created;
  }

  /**
   * The report clock, from the start date, stopped today: its deadline
   * and lateness go on the project. The site-check clock, from today.
   */
  private async startClocks(s: Step, project: ProjectRecord) {
    const { clocks } = this.ctx;
    const subject = { subjectType: "project", subjectId: project.id };
    const report = await clocks.start(
      s.q,
      s.cal,
      {
        ...subject,
        rule: "project.report",
        unitId: project.unitId,
        startDate: project.startDate,
      },
      s.now,
    );
    const stopped = await clocks.stop(s.q, s.cal, report, s.now);
    const check = await clocks.start(
      s.q,
      s.cal,
      {
        ...subject,
        rule: "project.check",
        unitId: project.hrssUnitId,
        startDate: project.reportedDate,
      },
      s.now,
    );
    return {
      timing: {
        reportDueDate: stopped.dueDate,
        reportLateDays: stopped.lateDays ?? 0,
      },
      checkDue: check.dueDate,
    };
  }

  /** Projects stored under the identities of these rows, by identity. */
  protected async findReported(q: Db, rows: ProjectRow[]) {
    const keys = rows.map((r) => identityKey(r.name, r.builder));
    if (keys.length === 0) {
      return new Map<string, ProjectRecord & { unitName: string }>();
    }
    const t = this.ctx.store.t;
    const found = await q
      .select()
      .from(t.projects)
      .where(inArray(t.projects.identityKey, keys));
    const named = await Promise.all(
      found.map(async (p) => ({
        ...p,
        unitName: (await this.ctx.directory.unit(p.unitId))?.shortName ?? "",
      })),
    );
    return new Map(named.map((p) => [p.identityKey, p]));
  }

  /** Rows new, and rows naming a project in `earlier`. */
  protected split(
    rows: SheetRow[],
    earlier: Map<string, ProjectRecord & { unitName: string }>,
  ) {
    const fresh: SheetRow[] = [];
    const duplicates: DuplicateRow[] = [];
    for (const row of rows) {
      const first = earlier.get(
        identityKey(row.values.name, row.values.builder),
      );
      if (first) {
        duplicates.push({
          rowNumber: row.rowNumber,
          name: row.values.name,
          projectId: first.id,
          unitName: first.unitName,
          reportedDate: first.reportedDate,
        });
      } else {
        fresh.push(row);
      }
    }
    return { fresh, duplicates };
  }
}

/** The area a unit reports a project in, or the field's error. */
export function areaOf(areas: Areas, unit: Unit, jurisdiction: string): Area {
  const area = areas.check(unit, jurisdiction);
  if (typeof area === "string") {
    throw new ValidationError([
      {
        field: "jurisdiction",
        message: `${projectLabels.jurisdiction}：${area}`,
      },
    ]);
  }
  return area;
}

export function calendarMissing(date: IsoDate): string {
  return (
    `${date.slice(0, 4)} 年的节假日安排尚未载入，无法计算报送期限。` +
    "请核对日期，或请管理员载入该年节假日安排。"
  );
}

export function assertCountable(cal: Calendar, startDate: IsoDate): void {
  if (!cal.canCount(startDate)) {
    throw new AppError(
      "calendar_year_missing",
      `${projectLabels.startDate}：${calendarMissing(startDate)}`,
      422,
      "startDate",
    );
  }
}
