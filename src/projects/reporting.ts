/**
 * One project reported on the form by an industry authority (spec
 * 3.1.1); HRSS's liaisons are told, with the date to check it by.
 */
import { conflict } from "../errors.js";
import { dateOf, formatDateCn } from "../time.js";
import { parse } from "../validation.js";
import { Areas } from "./areas.js";
import type { Acting, ProjectOutcome } from "./commands.js";
import { keyInput } from "./forms.js";
import { projectLabels, projectRowSchema } from "./input.js";
import {
  areaOf,
  assertCountable,
  identityKey,
  ProjectIntake,
} from "./intake.js";
import { reportedText, timelinessText } from "./messages.js";
import { assertCanReport } from "./permissions.js";
import type { ProjectRecord } from "./view.js";

export class Reporting extends ProjectIntake {
  /** An industry authority reports one project on the form. */
  async report(actor: Acting, raw: unknown): Promise<ProjectOutcome> {
    assertCanReport(actor.person);
    const { submissionId } = parse(keyInput, raw, {});
    const today = dateOf(this.ctx.clock.now());
    const row = parse(projectRowSchema(today), raw, projectLabels);
    const areas = await Areas.load(this.ctx);
    const area = areaOf(areas, actor.person.unit, row.jurisdiction);
    assertCountable(await this.ctx.calendars.get(), row.startDate);

    return this.step(actor, "project.report", submissionId, row, async (s) => {
      const earlier = await this.findReported(s.q, [row]);
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
}

function alreadyText(first: ProjectRecord & { unitName: string }): string {
  return (
    `该项目已由${first.unitName}于 ${formatDateCn(first.reportedDate)}报送` +
    "（项目名称和建设单位名称相同），无需重复报送。"
  );
}
