/**
 * Attachment 1 uploaded whole (spec 3.1.1): checked and previewed first,
 * then imported all rows or none. Rows naming projects reported before
 * are recognised and listed, never stored twice.
 */
import { createHash } from "node:crypto";
import type { Calendar } from "../calendar/calendar.js";
import { AppError, conflict } from "../errors.js";
import type { Unit } from "../units/directory.js";
import { dateOf, formatDateCn } from "../time.js";
import { Areas } from "./areas.js";
import type { Acting, Step } from "./commands.js";
import { projectLabels, type ProjectRow } from "./input.js";
import {
  areaOf,
  calendarMissing,
  ProjectIntake,
  type DuplicateRow,
  type StoredProject,
} from "./intake.js";
import { importedText } from "./messages.js";
import { assertCanReport } from "./permissions.js";
import {
  readProjectSheet,
  type SheetIssue,
  type SheetMeta,
  type SheetRow,
} from "./sheet-import.js";
import type { ProjectRecord } from "./view.js";

export type { DuplicateRow } from "./intake.js";

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
  if (issues.some((i) => i.rowNumber === null && i.column === "填报单位")) {
    return "sheet_wrong_unit";
  }
  if (issues.some((i) => i.rowNumber === null && i.column !== null)) {
    return "sheet_missing_column";
  }
  if (issues.some((i) => i.rowNumber === null)) {
    return "sheet_no_projects";
  }
  return "sheet_rows_invalid";
}

export class Uploads extends ProjectIntake {
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
    const filer = preview.meta.unitName?.replace(/\s/g, "");
    const unit = actor.person.unit;
    if (
      filer &&
      ![unit.name, unit.shortName].some(
        (n) => n.includes(filer) || filer.includes(n),
      )
    ) {
      // Another unit's table: its projects would be stored as this unit's.
      errors.push({
        rowNumber: null,
        column: "填报单位",
        message:
          `表格的填报单位是“${filer}”，与您所在的${unit.shortName}不符。` +
          "请上传本单位的附件 1，或请该单位自行报送。",
      });
    }
    errors.sort((a, b) => (a.rowNumber ?? 0) - (b.rowNumber ?? 0));

    const earlier = await this.findReported(
      this.ctx.store.db,
      preview.rows.map((r) => r.values),
    );
    const { fresh, duplicates } = this.split(preview.rows, earlier);
    // A row with a problem is listed under errors only, not as one to import.
    const wrong = new Set(errors.map((e) => e.rowNumber));
    return {
      ok: errors.length === 0 && preview.rows.length > 0,
      rows: fresh.filter((r) => !wrong.has(r.rowNumber)),
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

    return this.step(
      actor,
      "project.import",
      options.key,
      { fileHash },
      async (s) => {
        // Reported meanwhile by someone else: recognised the same way.
        const earlier = await this.findReported(
          s.q,
          checked.rows.map((r) => r.values),
        );
        const { fresh, duplicates } = this.split(checked.rows, earlier);
        duplicates.push(...checked.duplicates);
        duplicates.sort((x, y) => x.rowNumber - y.rowNumber);

        const { store } = this.ctx;
        const importId = await store.insert(s.q, store.t.projectImports, {
          unitId: actor.person.unit.id,
          fileName,
          fileHash,
          imported: fresh.length,
          duplicates: duplicates.length,
          meta: JSON.stringify(checked.meta),
          importedBy: actor.person.id,
          importedAt: s.now,
        });
        const stored = await this.storeRows(s, actor, fresh, importId);
        await this.audit(
          s,
          actor,
          { type: "project_import", id: importId },
          "project.import",
          {
            fileName,
            fileHash,
            projectIds: stored.map((x) => x.project.id),
            duplicateRows: duplicates.map((d) => d.rowNumber),
          },
        );
        await this.announce(s, actor, importId, stored);
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

  /** Stores the new rows of an upload, each with its audit entry. */
  private async storeRows(
    s: Step,
    actor: Acting,
    rows: SheetRow[],
    importId: number,
  ) {
    const areas = await Areas.load(this.ctx);
    const stored: StoredProject[] = [];
    for (const { rowNumber, values } of rows) {
      const area = areaOf(areas, actor.person.unit, values.jurisdiction);
      const done = await this.store(s, actor, areas, values, area, importId);
      if (!done) {
        // The same project twice in one upload is refused by the reader;
        // here only a report made meanwhile can have got in first.
        throw conflict(
          "project_already_reported",
          `第 ${rowNumber} 行的项目刚由其他人报送，请重新上传。`,
        );
      }
      await this.audit(
        s,
        actor,
        { type: "project", id: done.project.id },
        "project.report",
        { source: "sheet", importId, rowNumber, ...values },
      );
      stored.push(done);
    }
    return stored;
  }

  /** One message per HRSS the upload's projects went to. */
  private async announce(
    s: Step,
    actor: Acting,
    importId: number,
    stored: StoredProject[],
  ) {
    const byHrss = new Map<number, StoredProject[]>();
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
