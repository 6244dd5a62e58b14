/**
 * Reports arriving (spec 3.1.1): one project on the form, or attachment 1
 * uploaded whole. Each stored project gets its report clock, counted from
 * the start date and stopped on the day of receipt (how late it came),
 * and its site-check clock for the HRSS it went to. A project reported
 * before (same name and builder) is recognised and never stored twice.
 */
import { createHash } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import type { Calendar } from "../calendar/calendar.js";
import { AppError, conflict, ValidationError } from "../errors.js";
import type { Unit } from "../units/directory.js";
import { dateOf, formatDateCn, type IsoDate } from "../time.js";
import { parse } from "../validation.js";
import { Areas, type Area } from "./areas.js";
import {
  ProjectCommands,
  type Acting,
  type ProjectOutcome,
  type Step,
} from "./commands.js";
import { keyInput } from "./forms.js";
import {
  projectIdentity,
  projectLabels,
  projectRowSchema,
  type ProjectRow,
} from "./input.js";
import { importedText, reportedText, timelinessText } from "./messages.js";
import { assertCanReport } from "./permissions.js";
import {
  readProjectSheet,
  type SheetIssue,
  type SheetMeta,
  type SheetRow,
} from "./sheet-import.js";
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

/** An upload checked against the rules and the projects already stored. */
export interface SheetCheck {
  /** Every row passed: importing it stores the rows that are new. */
  ok: boolean;
  /** The rows to store: checked, and not reported before. */
  rows: SheetRow[];
  duplicates: DuplicateRow[];
  errors: SheetIssue[];
  meta: SheetMeta;
}

export interface ImportOutcome {
  importId: number;
  projectIds: number[];
  duplicates: DuplicateRow[];
  message: string;
  duplicate?: boolean;
}

/**
 * An upload refused as a whole, with every problem found. `code` is
 * sheet_missing_column, sheet_no_projects or sheet_rows_invalid.
 */
export class SheetRejected extends AppError {
  constructor(readonly issues: SheetIssue[]) {
    super(
      sheetCode(issues),
      [
        ...issues.slice(0, SHOWN_ISSUES).map((i) => i.message),
        ...(issues.length > SHOWN_ISSUES
          ? [`……共 ${issues.length} 处问题。`]
          : []),
        "整表未导入，请改正后重新上传。",
      ].join("\n"),
      422,
    );
  }
}

const SHOWN_ISSUES = 10;

function sheetCode(issues: SheetIssue[]): string {
  if (issues.some((i) => i.rowNumber === null && i.column !== null)) {
    return "sheet_missing_column";
  }
  if (issues.some((i) => i.rowNumber === null)) {
    return "sheet_no_projects";
  }
  return "sheet_rows_invalid";
}

/** The identity of a project as the database keys it. */
export function identityKey(name: string, builder: string): string {
  return createHash("sha256")
    .update(projectIdentity(name, builder))
    .digest("hex");
}

export class Reporting extends ProjectCommands {
  /** An industry authority reports one project on the form. */
  async report(actor: Acting, raw: unknown): Promise<ProjectOutcome> {
    assertCanReport(actor.person);
    const { submissionId } = parse(keyInput, raw, {});
    const today = dateOf(this.ctx.clock.now());
    const row = parse(projectRowSchema(today), raw, projectLabels);
    const areas = await Areas.load(this.ctx);
    const area = areas.check(actor.person.unit, row.jurisdiction);
    if (typeof area === "string") {
      throw new ValidationError([
        {
          field: "jurisdiction",
          message: `${projectLabels.jurisdiction}：${area}`,
        },
      ]);
    }
    assertCountable(await this.ctx.calendars.get(), row.startDate);

    return this.step(actor, "project.report", submissionId, row, async (s) => {
      const earlier = await this.findReported(s, [row]);
      const first = earlier.get(identityKey(row.name, row.builder));
      if (first) {
        throw conflict("project_already_reported", alreadyText(first));
      }
      const stored = await this.store(s, actor, areas, row, area, null);
      if (!stored) {
        throw conflict(
          "project_already_reported",
          "该项目刚由其他人报送，无需重复报送。",
        );
      }
      const { project, checkDue } = stored;
      await this.audit(
        s,
        actor,
        { type: "project", id: project.id },
        "project.report",
        { source: "form", ...row },
      );
      await this.tell(
        s,
        project.hrssUnitId,
        ["liaison"],
        `project:${project.id}:reported`,
        reportedText(this.ctx, actor.person.unit.shortName, project, checkDue),
      );
      return {
        projectId: project.id,
        message:
          `已报送${project.name}，${timelinessText(project)}。` +
          `${stored.hrss.shortName}将于 ${formatDateCn(checkDue)}前现场核查。`,
      };
    });
  }

  /**
   * Checks an upload without storing anything: the rows with their
   * problems (the sheet's own, and areas the unit may not report), and
   * the rows naming projects already reported.
   */
  async previewSheet(actor: Acting, file: Buffer): Promise<SheetCheck> {
    assertCanReport(actor.person);
    const today = dateOf(this.ctx.clock.now());
    const preview = await readProjectSheet(file, { today });
    const areas = await Areas.load(this.ctx);
    const cal = await this.ctx.calendars.get();
    const errors = [...preview.errors];
    for (const { rowNumber, values } of preview.rows) {
      const problem = rowProblem(areas, actor.person.unit, cal, values);
      if (problem) {
        errors.push({
          rowNumber,
          column: problem.column,
          message: `第 ${rowNumber} 行“${problem.column}”：${problem.message}`,
        });
      }
    }
    errors.sort((a, b) => (a.rowNumber ?? 0) - (b.rowNumber ?? 0));

    const earlier = await this.findReported(
      { q: this.ctx.store.db, now: this.ctx.clock.now(), cal },
      preview.rows.map((r) => r.values),
    );
    const { fresh, duplicates } = await this.split(preview.rows, earlier);
    return {
      ok: errors.length === 0 && preview.rows.length > 0,
      rows: fresh,
      duplicates,
      errors,
      meta: preview.meta,
    };
  }

  /**
   * Imports an upload: every new row, or nothing when any row is wrong.
   * Rows naming projects already reported are listed, not stored.
   */
  async importSheet(
    actor: Acting,
    file: Buffer,
    options: { fileName?: string; key?: string } = {},
  ): Promise<ImportOutcome> {
    const checked = await this.previewSheet(actor, file);
    if (!checked.ok) {
      throw new SheetRejected(checked.errors);
    }
    const fileHash = createHash("sha256").update(file).digest("hex");
    const fileName = (options.fileName ?? "附件1.xlsx").slice(0, 255);
    const areas = await Areas.load(this.ctx);

    return this.step(
      actor,
      "project.import",
      options.key,
      { fileHash },
      async (s) => {
        // Reported meanwhile by someone else: recognised the same way.
        const earlier = await this.findReported(
          s,
          checked.rows.map((r) => r.values),
        );
        const { fresh, duplicates } = await this.split(checked.rows, earlier);
        duplicates.push(...checked.duplicates);
        duplicates.sort((a, b) => a.rowNumber - b.rowNumber);

        const t = this.ctx.store.t;
        const importId = await this.ctx.store.insert(s.q, t.projectImports, {
          unitId: actor.person.unit.id,
          fileName,
          fileHash,
          imported: 0,
          duplicates: duplicates.length,
          meta: JSON.stringify(checked.meta),
          importedBy: actor.person.id,
          importedAt: s.now,
        });
        const stored = [];
        for (const { rowNumber, values } of fresh) {
          const area = areas.check(actor.person.unit, values.jurisdiction);
          const done = await this.store(
            s,
            actor,
            areas,
            values,
            area as Area,
            importId,
          );
          if (!done) {
            // The same project twice in one upload is refused by the
            // reader; here only a concurrent report can get in first.
            throw conflict(
              "project_already_reported",
              `第 ${rowNumber} 行的项目刚由其他人报送，请重新上传。`,
            );
          }
          stored.push(done);
        }
        await s.q
          .update(t.projectImports)
          .set({ imported: stored.length })
          .where(eq(t.projectImports.id, importId));

        await this.audit(
          s,
          actor,
          { type: "project_import", id: importId },
          "project.import",
          {
            fileName,
            fileHash,
            rows: checked.rows.length + checked.duplicates.length,
            projectIds: stored.map((x) => x.project.id),
            duplicateRows: duplicates.map((d) => d.rowNumber),
          },
        );
        for (const { project } of stored) {
          await this.audit(
            s,
            actor,
            { type: "project", id: project.id },
            "project.report",
            { source: "sheet", importId },
          );
        }
        const byHrss = new Map<number, typeof stored>();
        for (const x of stored) {
          byHrss.set(x.hrss.id, [...(byHrss.get(x.hrss.id) ?? []), x]);
        }
        for (const [hrssId, list] of byHrss) {
          await this.tell(
            s,
            hrssId,
            ["liaison"],
            `project-import:${importId}:${hrssId}`,
            importedText(this.ctx, actor.person.unit.shortName, list),
          );
        }
        return {
          importId,
          projectIds: stored.map((x) => x.project.id),
          duplicates,
          message: importMessage(
            stored.map((x) => x.project),
            duplicates,
          ),
        };
      },
    );
  }

  /** Stores a checked row and starts its clocks; undefined if it exists. */
  private async store(
    s: Step,
    actor: Acting,
    areas: Areas,
    row: ProjectRow,
    area: Area,
    importId: number | null,
  ) {
    const unit = actor.person.unit;
    const hrss = areas.hrssFor(unit);
    if (!hrss) {
      throw new AppError(
        "hrss_missing",
        "系统中没有人力资源社会保障部门，无法接收项目报送。请联系管理员。",
        409,
      );
    }
    const { ctx } = this;
    const t = ctx.store.t;
    const key = identityKey(row.name, row.builder);
    const reportedDate = dateOf(s.now);
    const { contractPriceFen, paymentProgressBp, ...fields } = row;
    const inserted = await ctx.store.insertIfAbsent(s.q, t.projects, {
      ...fields,
      contractPriceFen,
      paymentProgressBp,
      unitId: unit.id,
      hrssUnitId: hrss.id,
      identityKey: key,
      region: area.region,
      source: importId === null ? "form" : "sheet",
      importId,
      reportedDate,
      reportedAt: s.now,
      reportedBy: actor.person.id,
      // Filled in below from the report clock: the engine counts.
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
      .from(t.projects)
      .where(eq(t.projects.identityKey, key));

    const subject = { subjectType: "project", subjectId: created.id };
    const reportClock = await ctx.clocks.start(
      s.q,
      s.cal,
      {
        ...subject,
        rule: "project.report",
        unitId: unit.id,
        startDate: row.startDate,
      },
      s.now,
    );
    const stopped = await ctx.clocks.stop(s.q, s.cal, reportClock, s.now);
    const checkClock = await ctx.clocks.start(
      s.q,
      s.cal,
      {
        ...subject,
        rule: "project.check",
        unitId: hrss.id,
        startDate: reportedDate,
      },
      s.now,
    );
    const timing = {
      reportDueDate: stopped.dueDate,
      reportLateDays: stopped.lateDays ?? 0,
    };
    await s.q
      .update(t.projects)
      .set(timing)
      .where(eq(t.projects.id, created.id));
    return {
      project: { ...created, ...timing } as ProjectRecord,
      hrss,
      checkDue: checkClock.dueDate,
    };
  }

  /** Projects stored under the identities of these rows, by identity. */
  private async findReported(s: Step, rows: ProjectRow[]) {
    const keys = rows.map((r) => identityKey(r.name, r.builder));
    if (keys.length === 0) {
      return new Map<string, ProjectRecord & { unitName: string }>();
    }
    const t = this.ctx.store.t;
    const found = await s.q
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

  private async split(
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

/** A row's area, and whether its start date can be counted from. */
function rowProblem(
  areas: Areas,
  unit: Unit,
  cal: Calendar,
  values: ProjectRow,
): { column: string; message: string } | undefined {
  const area = areas.check(unit, values.jurisdiction);
  if (typeof area === "string") {
    return { column: projectLabels.jurisdiction, message: area };
  }
  if (!cal.canCount(values.startDate)) {
    return {
      column: projectLabels.startDate,
      message: calendarMissing(values.startDate),
    };
  }
  return undefined;
}

function calendarMissing(date: IsoDate): string {
  return (
    `${date.slice(0, 4)} 年的节假日安排尚未载入，无法计算报送期限。` +
    "请核对日期，或请管理员载入该年节假日安排。"
  );
}

function assertCountable(cal: Calendar, startDate: IsoDate): void {
  if (!cal.canCount(startDate)) {
    throw new AppError(
      "calendar_year_missing",
      `${projectLabels.startDate}：${calendarMissing(startDate)}`,
      422,
      "startDate",
    );
  }
}

function alreadyText(first: ProjectRecord & { unitName: string }): string {
  return (
    `该项目已由${first.unitName}于 ${formatDateCn(first.reportedDate)}报送` +
    "（项目名称和建设单位名称相同），无需重复报送。"
  );
}

function importMessage(
  stored: ProjectRecord[],
  duplicates: DuplicateRow[],
): string {
  const late = stored.filter((p) => p.reportLateDays > 0).length;
  const parts = [
    stored.length > 0
      ? `已导入 ${stored.length} 个项目` +
        (late > 0 ? `，其中 ${late} 个迟报（超过开工后 5 个工作日）` : "")
      : "没有导入新项目",
  ];
  if (duplicates.length > 0) {
    const rows = duplicates
      .slice(0, 10)
      .map(
        (d) =>
          `第 ${d.rowNumber} 行 ${d.name}（${d.unitName}已于 ` +
          `${formatDateCn(d.reportedDate)}报送）`,
      );
    parts.push(
      `${duplicates.length} 行是已报送过的项目，未重复导入：${rows.join("；")}` +
        (duplicates.length > 10 ? "等" : ""),
    );
  }
  return `${parts.join("；")}。`;
}
