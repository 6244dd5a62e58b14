/**
 * Projects HRSS learns of elsewhere (spec 3.1.3). A clue is recorded with
 * its source and date; the bot ranks the reported projects it may be
 * (src/projects/matching.ts) and a person decides: it was reported (a
 * match), or it was not (an omission of the responsible unit, counted in
 * the year HRSS learned of it).
 */
import { and, asc, count, eq, gt } from "drizzle-orm";
import type { Db, Schema } from "../../db/index.js";
import { OMISSIONS_TO_ESCALATE } from "../clocks/rules.js";
import { conflict, forbidden, notFound, ValidationError } from "../errors.js";
import type { Person } from "../units/directory.js";
import { INDUSTRY_KINDS } from "../units/kinds.js";
import { dateOf, formatDateCn, yearOf } from "../time.js";
import { parse } from "../validation.js";
import {
  ProjectCommands,
  type Acting,
  type ClueOutcome,
  type Step,
} from "./commands.js";
import { clueInput, clueLabels, keyInput } from "./forms.js";
import { Ranking, type Score } from "./matching.js";
import { omissionText } from "./messages.js";
import {
  assertHrssStaff,
  canView,
  coversUnit,
  requireClueDecider,
} from "./permissions.js";
import { identityKey } from "./intake.js";
import {
  CLUE_STATUS,
  loadClue,
  loadProject,
  type ClueRow,
  type ProjectRecord,
} from "./view.js";

/** A reported project a clue may be, with how alike they are. */
export interface Candidate extends Score {
  projectId: number;
  name: string;
  builder: string;
  unitId: number;
  startDate: string;
  reportedDate: string;
}

/** Projects read per query while ranking. */
const PAGE = 500;

export class Clues extends ProjectCommands {
  /** HRSS records a project it learned of, and sees what it may match. */
  async recordClue(actor: Acting, raw: unknown): Promise<ClueOutcome> {
    assertHrssStaff(actor.person, "登记项目线索");
    const input = parse(clueInput, raw, clueLabels);
    const unit = await this.ctx.directory.unit(input.responsibleUnitId);
    if (!unit || !unit.active || !INDUSTRY_KINDS.includes(unit.kind)) {
      throw new ValidationError([
        {
          field: "responsibleUnitId",
          message: `${clueLabels.responsibleUnitId}：请选择负责报送该项目的行业主管部门`,
        },
      ]);
    }
    if (!coversUnit(actor.person, unit)) {
      throw forbidden(
        `${unit.shortName}不在${actor.person.unit.shortName}的辖区，` +
          "请由其所在地或市人力资源社会保障局登记。",
      );
    }

    return this.step(
      actor,
      "project.clue",
      input.submissionId,
      input,
      async (s) => {
        const today = dateOf(s.now);
        if (input.learnedDate > today) {
          throw new ValidationError([
            {
              field: "learnedDate",
              message: `${clueLabels.learnedDate}：不能晚于今天（${today}）`,
            },
          ]);
        }
        const { submissionId: _, ...fields } = input;
        const t = this.ctx.store.t;
        const clueId = await this.ctx.store.insert(s.q, t.projectClues, {
          ...fields,
          hrssUnitId: actor.person.unit.id,
          status: "unmatched",
          projectId: null,
          omissionYear: null,
          recordedBy: actor.person.id,
          recordedAt: s.now,
          decidedBy: null,
          decidedAt: null,
          version: 1,
        });
        await this.audit(
          s,
          actor,
          { type: "project_clue", id: clueId },
          "project.clue",
          fields,
        );
        const found = await rank(this.ctx.store.t, s.q, fields);
        return {
          clueId,
          message:
            `已登记线索：${input.name}。` +
            (found.length > 0
              ? `找到 ${found.length} 个可能相同的已报送项目，请核对后确认。`
              : "没有找到相近的已报送项目；核实后可确认为漏报。"),
        };
      },
    );
  }

  /**
   * The reported projects a clue may be, best first, for a person to
   * confirm; never decided here.
   */
  async candidates(person: Person, clueId: number): Promise<Candidate[]> {
    const { store } = this.ctx;
    const clue = await loadClue(this.ctx, store.db, clueId);
    requireClueDecider(person, clue);
    const found = await rank(store.t, store.db, clue);
    return found.map(({ project: p, ...score }) => ({
      ...score,
      projectId: p.id,
      name: p.name,
      builder: p.builder,
      unitId: p.unitId,
      startDate: p.startDate,
      reportedDate: p.reportedDate,
    }));
  }

  /** The clue is a project that was reported: no omission. */
  async confirmMatch(
    actor: Acting,
    clueId: number,
    projectId: number,
    raw: unknown = {},
  ): Promise<ClueOutcome> {
    const { submissionId } = parse(keyInput, raw, {});
    return this.step(
      actor,
      `project.clue_match:${clueId}`,
      submissionId,
      { projectId },
      async (s) => {
        const clue = await this.undecided(s, actor, clueId);
        const t = this.ctx.store.t;
        const [found] = await s.q
          .select({ id: t.projects.id })
          .from(t.projects)
          .where(eq(t.projects.id, projectId));
        if (!found) {
          throw notFound("该项目");
        }
        // Only a project the decider may see: one reported to their HRSS,
        // or any for the city's.
        const view = await loadProject(this.ctx, s.q, projectId);
        if (!canView(actor.person, view)) {
          throw forbidden(
            `该项目由${view.unit.shortName}报送给其他人力资源社会保障部门，` +
              "不能用来核对本线索；请从候选项目中选择。",
          );
        }
        const project = view.project;
        await this.saveClue(s, clue, {
          status: "matched",
          projectId,
          decidedBy: actor.person.id,
          decidedAt: s.now,
        });
        await this.audit(
          s,
          actor,
          { type: "project_clue", id: clueId },
          "project.clue_match",
          { projectId },
        );
        return {
          clueId,
          message:
            `已确认：线索“${clue.name}”即已报送的${project.name}` +
            `（${formatDateCn(project.reportedDate)}报送），不计漏报。`,
        };
      },
    );
  }

  /** Nobody reported it: an omission of the responsible unit. */
  async confirmOmission(
    actor: Acting,
    clueId: number,
    raw: unknown = {},
  ): Promise<ClueOutcome> {
    const { submissionId } = parse(keyInput, raw, {});
    return this.step(
      actor,
      `project.clue_omission:${clueId}`,
      submissionId,
      {},
      async (s) => {
        const clue = await this.undecided(s, actor, clueId);
        const t = this.ctx.store.t;
        if (clue.builder) {
          const [same] = await s.q
            .select()
            .from(t.projects)
            .where(
              eq(t.projects.identityKey, identityKey(clue.name, clue.builder)),
            );
          if (same) {
            throw conflict(
              "clue_was_reported",
              `该项目已于 ${formatDateCn(same.reportedDate)}报送` +
                "（项目名称和建设单位名称相同），不是漏报；请确认为已报送。",
            );
          }
        }
        const year = yearOf(clue.learnedDate);
        await this.saveClue(s, clue, {
          status: "omission",
          omissionYear: year,
          decidedBy: actor.person.id,
          decidedAt: s.now,
        });
        const total = await omissionsOf(this.ctx.store.t, s.q, {
          unitId: clue.responsibleUnitId,
          year,
        });
        await this.audit(
          s,
          actor,
          { type: "project_clue", id: clueId },
          "project.clue_omission",
          { unitId: clue.responsibleUnitId, year, omissionsInYear: total },
        );
        await this.tell(
          s,
          clue.responsibleUnitId,
          ["liaison", "leader"],
          `clue:${clueId}:omission`,
          omissionText(
            this.ctx,
            actor.person.unit.shortName,
            { ...clue, status: "omission" },
            year,
            total,
            OMISSIONS_TO_ESCALATE,
          ),
        );
        const unit = await this.ctx.directory.unit(clue.responsibleUnitId);
        const listed =
          total >= OMISSIONS_TO_ESCALATE
            ? `，达到 ${OMISSIONS_TO_ESCALATE} 个，将列入报市政府办公室名单`
            : "";
        return {
          clueId,
          message:
            `已确认${clue.name}为${unit?.shortName ?? ""}漏报；` +
            `该单位 ${year} 年累计漏报 ${total} 个${listed}。`,
        };
      },
    );
  }

  private async undecided(s: Step, actor: Acting, clueId: number) {
    const clue = await loadClue(this.ctx, s.q, clueId);
    requireClueDecider(actor.person, clue);
    if (clue.status !== "unmatched") {
      throw conflict(
        "clue_decided",
        `该线索已核对，结论为“${CLUE_STATUS[clue.status]}”，不能再次确认。`,
      );
    }
    return clue;
  }
}

/** The best few reported projects for a clue, read a page at a time. */
async function rank(t: Schema, q: Db, clue: Pick<ClueRow, "name" | "builder">) {
  const p = t.projects;
  const columns = {
    id: p.id,
    name: p.name,
    builder: p.builder,
    unitId: p.unitId,
    startDate: p.startDate,
    reportedDate: p.reportedDate,
  };
  const ranking = new Ranking<Pick<ProjectRecord, keyof typeof columns>>(clue);
  let afterId = 0;
  for (;;) {
    const page = await q
      .select(columns)
      .from(t.projects)
      .where(gt(t.projects.id, afterId))
      .orderBy(asc(t.projects.id))
      .limit(PAGE);
    ranking.add(page);
    if (page.length < PAGE) {
      return ranking.best;
    }
    afterId = page[page.length - 1].id;
  }
}

/** Omissions confirmed against a unit in a year. */
export async function omissionsOf(
  t: Schema,
  q: Db,
  where: { unitId: number; year: number },
): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(t.projectClues)
    .where(
      and(
        eq(t.projectClues.omissionYear, where.year),
        eq(t.projectClues.responsibleUnitId, where.unitId),
        eq(t.projectClues.status, "omission"),
      ),
    );
  return Number(row.n);
}
