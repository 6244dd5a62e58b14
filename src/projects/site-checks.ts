/**
 * HRSS's site check of a reported project (spec 3.1.2) and the correction
 * of what it found. Recording the check stops its 10-working-day clock;
 * findings start the correction clock, due on the date the inspector set,
 * and the reporting unit is told. Recording the correction stops it.
 */
import { eq } from "drizzle-orm";
import { conflict, ValidationError } from "../errors.js";
import { dateOf, formatDateCn, type IsoDate } from "../time.js";
import { parse } from "../validation.js";
import {
  ProjectCommands,
  type Acting,
  type ProjectOutcome,
  type Step,
} from "./commands.js";
import {
  checkInput,
  checkLabels,
  correctionInput,
  correctionLabels,
  findingsText,
  type CheckInput,
} from "./forms.js";
import { correctedText, findingsNotice } from "./messages.js";
import { requireChecker, requireCorrectionRecorder } from "./permissions.js";
import {
  loadProject,
  PROJECT_STATUS,
  type ProjectView,
  type SiteCheckRow,
} from "./view.js";

export class SiteChecks extends ProjectCommands {
  /** The inspector records the check: date, findings, a date to correct by. */
  async recordCheck(
    actor: Acting,
    projectId: number,
    raw: unknown,
  ): Promise<ProjectOutcome> {
    const input = parse(checkInput, raw, checkLabels);
    return this.step(
      actor,
      `project.check:${projectId}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadProject(this.ctx, s.q, projectId);
        const { project } = view;
        requireChecker(actor.person, view, "登记现场核查");
        if (view.check) {
          throw conflict(
            "already_checked",
            `该项目已于 ${formatDateCn(view.check.checkDate)}现场核查` +
              `（${view.check.inspectors}），不能重复登记。`,
          );
        }
        checkDates(view, input, dateOf(s.now));

        const stopped = await this.ctx.clocks.stop(
          s.q,
          s.cal,
          view.checkClock!,
          s.now,
          input.checkDate,
        );
        const check = {
          projectId,
          hrssUnitId: project.hrssUnitId,
          inspectorId: actor.person.id,
          inspectors: input.inspectors || actor.person.name,
          checkDate: input.checkDate,
          lateDays: stopped.lateDays ?? 0,
          findings: JSON.stringify(input.findings),
          note: input.note,
          correctionDeadline: input.correctionDeadline ?? null,
          correctedDate: null,
          correctedBy: null,
          correctionNote: null,
          correctionLateDays: null,
          recordedAt: s.now,
        };
        const t = this.ctx.store.t;
        const id = await this.ctx.store.insert(s.q, t.siteChecks, check);
        const found = input.findings.length > 0;
        await this.saveProject(s, project, {
          status: found ? "correcting" : "checked",
        });
        await this.audit(
          s,
          actor,
          { type: "project", id: projectId },
          "project.check",
          { checkId: id, ...check, findings: input.findings },
        );
        if (found) {
          await this.orderCorrection(s, view, { id, ...check }, input.findings);
        }
        return {
          projectId,
          message: checkMessage(view, input, check.lateDays),
        };
      },
    );
  }

  /**
   * Findings: the correction clock runs to the inspector's date, and the
   * reporting unit's liaisons and leaders are told what to correct.
   */
  private async orderCorrection(
    s: Step,
    view: ProjectView,
    check: SiteCheckRow,
    findings: string[],
  ) {
    const { project } = view;
    await this.ctx.clocks.start(
      s.q,
      s.cal,
      {
        subjectType: "project",
        subjectId: project.id,
        rule: "project.correction",
        unitId: project.unitId,
        startDate: check.correctionDeadline!,
      },
      s.now,
    );
    await this.tell(
      s,
      project.unitId,
      ["liaison", "leader"],
      `project:${project.id}:findings`,
      findingsNotice(
        this.ctx,
        view.hrssUnit.shortName,
        project,
        check,
        findings,
      ),
    );
  }

  /** The reporting unit or the checking HRSS records the correction. */
  async markCorrected(
    actor: Acting,
    projectId: number,
    raw: unknown,
  ): Promise<ProjectOutcome> {
    const input = parse(correctionInput, raw, correctionLabels);
    return this.step(
      actor,
      `project.correct:${projectId}`,
      input.submissionId,
      input,
      async (s) => {
        const view = await loadProject(this.ctx, s.q, projectId);
        const { project, check } = view;
        requireCorrectionRecorder(actor.person, view);
        if (project.status !== "correcting" || !check) {
          throw conflict(
            "nothing_to_correct",
            `该项目当前状态为“${PROJECT_STATUS[project.status]}”，没有待整改的问题。`,
          );
        }
        const today = dateOf(s.now);
        dateNotAfter(
          "correctedDate",
          correctionLabels,
          input.correctedDate,
          today,
        );
        if (input.correctedDate < check.checkDate) {
          throw new ValidationError([
            {
              field: "correctedDate",
              message:
                `${correctionLabels.correctedDate}：不能早于核查日期` +
                `（${check.checkDate}）`,
            },
          ]);
        }

        const stopped = await this.ctx.clocks.stop(
          s.q,
          s.cal,
          view.correctionClock!,
          s.now,
          input.correctedDate,
        );
        const lateDays = stopped.lateDays ?? 0;
        await this.correct(s, view, actor, input, lateDays);
        const byUnit = actor.person.unit.id === project.unitId;
        const text = correctedText(
          `${actor.person.unit.shortName}${actor.person.name}`,
          project,
          input.correctedDate,
          lateDays,
          input.note,
        );
        await this.tell(
          s,
          byUnit ? project.hrssUnitId : project.unitId,
          ["liaison"],
          `project:${projectId}:corrected`,
          text,
        );
        const late = lateDays > 0 ? `，超过整改期限 ${lateDays} 个工作日` : "";
        return {
          projectId,
          message: `已登记${project.name}整改完成${late}。`,
        };
      },
    );
  }

  private async correct(
    s: Step,
    view: ProjectView,
    actor: Acting,
    input: { correctedDate: IsoDate; note: string },
    lateDays: number,
  ) {
    const t = this.ctx.store.t;
    await s.q
      .update(t.siteChecks)
      .set({
        correctedDate: input.correctedDate,
        correctedBy: actor.person.id,
        correctionNote: input.note,
        correctionLateDays: lateDays,
      })
      .where(eq(t.siteChecks.id, view.check!.id));
    await this.saveProject(s, view.project, { status: "corrected" });
    await this.audit(
      s,
      actor,
      { type: "project", id: view.project.id },
      "project.correct",
      { ...input, lateDays },
    );
  }
}

/**
 * The check happened between the start of works and today; the date to
 * correct by comes after it and is not already past.
 */
function checkDates(view: ProjectView, input: CheckInput, today: IsoDate) {
  const issues = [];
  const { checkDate, correctionDeadline } = input;
  if (checkDate > today) {
    issues.push({
      field: "checkDate",
      message: `${checkLabels.checkDate}：不能晚于今天（${today}）`,
    });
  } else if (checkDate < view.project.reportedDate) {
    // The check verifies a report: it cannot come before the report did.
    issues.push({
      field: "checkDate",
      message:
        `${checkLabels.checkDate}：不能早于收到报送的日期` +
        `（${view.project.reportedDate}）`,
    });
  }
  if (correctionDeadline && correctionDeadline <= checkDate) {
    issues.push({
      field: "correctionDeadline",
      message: `${checkLabels.correctionDeadline}：应晚于核查日期`,
    });
  } else if (correctionDeadline && correctionDeadline < today) {
    issues.push({
      field: "correctionDeadline",
      message: `${checkLabels.correctionDeadline}：不能早于今天（${today}）`,
    });
  }
  if (issues.length > 0) {
    throw new ValidationError(issues);
  }
}

function dateNotAfter(
  field: string,
  labels: Record<string, string>,
  date: IsoDate,
  today: IsoDate,
) {
  if (date > today) {
    throw new ValidationError([
      { field, message: `${labels[field]}：不能晚于今天（${today}）` },
    ]);
  }
}

function checkMessage(view: ProjectView, input: CheckInput, late: number) {
  const lateText = late > 0 ? `（超过核查期限 ${late} 个工作日）` : "";
  const head = `已登记${view.project.name}的现场核查${lateText}`;
  if (input.findings.length === 0) {
    return `${head}，未发现问题。`;
  }
  return (
    `${head}，发现问题：${findingsText(input.findings)}；` +
    `已通知${view.unit.shortName}于 ${formatDateCn(input.correctionDeadline!)}前整改。`
  );
}
