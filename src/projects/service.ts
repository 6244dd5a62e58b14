/**
 * New-project information sharing (spec 3.1, attachment 1): industry
 * authorities report newly started projects within 5 working days of the
 * start, HRSS checks each on site within 10, compares the reports with
 * what it learns elsewhere, and lists the units to report to the city
 * government office.
 *
 * The API, for the pages, chat commands and jobs built on it. Commands
 * take the person acting (`Acting`) and raw form values, validated here
 * with the same zod schemas the pages use (src/projects/input.ts and
 * forms.ts). Each runs in one transaction: permission check, change,
 * audit entry, messages through the outbox. A `submissionId` in the
 * values (or `key`) makes a command exactly-once: a repeat gets the first
 * answer with `duplicate: true`. Bad input throws `ValidationError`
 * (code invalid_input, `issues` name each field); refusals throw
 * `AppError` with a stable code and a Chinese message.
 *
 * Reporting (industry authorities' liaisons and leaders):
 * - `report(actor, values)`: one project, the 14 columns of attachment 1
 *   keyed as PROJECT_COLUMNS; 管辖区域 must be the unit's area (a city
 *   unit: any area). Codes: project_already_reported,
 *   calendar_year_missing.
 * - `previewSheet(actor, file)`: an uploaded attachment 1 checked, nothing
 *   stored: rows to import, rows already reported (`duplicates`), errors
 *   per row and column in Chinese.
 * - `importSheet(actor, file, { fileName, key })`: all new rows or none;
 *   already reported projects are listed, not stored. Throws
 *   `SheetRejected` (sheet_missing_column, sheet_no_projects,
 *   sheet_rows_invalid, with `issues`) or the reader's sheet_* errors.
 *
 * Site checks (the HRSS the report went to, or the city's HRSS):
 * - `recordCheck(actor, projectId, values)`: checkDate, inspectors,
 *   findings (FINDINGS codes), note, correctionDeadline (required with
 *   findings). Findings start the correction clock; the unit is told.
 * - `markCorrected(actor, projectId, values)`: correctedDate, note; by the
 *   reporting unit or the checking HRSS.
 *
 * Clues (HRSS caseworkers and leaders):
 * - `recordClue(actor, values)`: source (CLUE_SOURCES), learnedDate,
 *   name, builder, address, responsibleUnitId, note.
 * - `candidates(person, clueId)`: reported projects it may be, best first,
 *   with scores; nothing is decided automatically.
 * - `confirmMatch(actor, clueId, projectId, values?)`,
 *   `confirmOmission(actor, clueId, values?)`: the decision; an omission
 *   counts for the responsible unit in the year of `learnedDate`.
 *
 * Reading:
 * - `project(person, id)`, `clue(person, id)`: one, for its units.
 * - `timeliness(person, year)`, `omissionCounts(person, year)`,
 *   `officeList(person, year)`: per unit; HRSS and administrators.
 *
 * Messages link to /projects/:id and /projects/clues/:id (messages.ts):
 * the pages belong there. permissions.ts answers who may open which form
 * (canReport, canCheck, canView…) so a page can refuse on load, and
 * view.ts's attachmentRow turns a stored project back into attachment 1.
 */
import type { AppContext } from "../context.js";
import { forbidden } from "../errors.js";
import type { Person } from "../units/directory.js";
import { Clues } from "./clues.js";
import {
  assertCanSeeAll,
  assertCanView,
  assertHrssStaff,
  coversUnit,
} from "./permissions.js";
import { Reporting } from "./reporting.js";
import { SiteChecks } from "./site-checks.js";
import * as stats from "./stats.js";
import { Uploads } from "./uploads.js";
import {
  loadClue,
  loadProject,
  type ClueRow,
  type ProjectView,
} from "./view.js";

export type { Acting, ClueOutcome, ProjectOutcome } from "./commands.js";
export type { Candidate } from "./clues.js";
export type { DuplicateRow, ImportOutcome, SheetCheck } from "./uploads.js";
export { SheetRejected } from "./uploads.js";
export type { OfficeList, UnitTimeliness } from "./stats.js";

export class ProjectService {
  readonly report: Reporting["report"];
  readonly previewSheet: Uploads["previewSheet"];
  readonly importSheet: Uploads["importSheet"];
  readonly recordCheck: SiteChecks["recordCheck"];
  readonly markCorrected: SiteChecks["markCorrected"];
  readonly recordClue: Clues["recordClue"];
  readonly candidates: Clues["candidates"];
  readonly confirmMatch: Clues["confirmMatch"];
  readonly confirmOmission: Clues["confirmOmission"];

  constructor(private readonly ctx: AppContext) {
    const reporting = new Reporting(ctx);
    const uploads = new Uploads(ctx);
    const checks = new SiteChecks(ctx);
    const clues = new Clues(ctx);
    this.report = reporting.report.bind(reporting);
    this.previewSheet = uploads.previewSheet.bind(uploads);
    this.importSheet = uploads.importSheet.bind(uploads);
    this.recordCheck = checks.recordCheck.bind(checks);
    this.markCorrected = checks.markCorrected.bind(checks);
    this.recordClue = clues.recordClue.bind(clues);
    this.candidates = clues.candidates.bind(clues);
    this.confirmMatch = clues.confirmMatch.bind(clues);
    this.confirmOmission = clues.confirmOmission.bind(clues);
  }

  /** A project with its units, clocks and check, for its units' people. */
  async project(person: Person, id: number): Promise<ProjectView> {
    const view = await loadProject(this.ctx, this.ctx.store.db, id);
    assertCanView(person, view);
    return view;
  }

  /** A clue, for HRSS people whose area it concerns. */
  async clue(person: Person, id: number): Promise<ClueRow> {
    assertHrssStaff(person, "查看项目线索");
    const clue = await loadClue(this.ctx, this.ctx.store.db, id);
    const unit = await this.ctx.directory.unit(clue.responsibleUnitId);
    if (
      person.unit.id !== clue.hrssUnitId &&
      (!unit || !coversUnit(person, unit))
    ) {
      throw forbidden("该线索不在您所在单位的辖区，无权查看。");
    }
    return clue;
  }

  /** Each unit's reports of projects started in a year, and omissions. */
  async timeliness(person: Person, year: number) {
    assertCanSeeAll(person);
    return stats.timeliness(this.ctx, year);
  }

  async omissionCounts(person: Person, year: number) {
    assertCanSeeAll(person);
    return stats.omissionCounts(this.ctx, year);
  }

  /** The units to report to the city government office for a year. */
  async officeList(person: Person, year: number) {
    assertCanSeeAll(person);
    return stats.officeList(this.ctx, year);
  }
}
