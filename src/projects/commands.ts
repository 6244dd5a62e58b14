/**
 * What every project command shares: one transaction per command with
 * exactly-once handling, rows changed under their version, the audit
 * entry, and texts to a unit's people through the outbox, in the same
 * transaction.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { audit } from "../audit.js";
import type { Calendar } from "../calendar/calendar.js";
import type { AppContext } from "../context.js";
import { conflict } from "../errors.js";
import { once } from "../once.js";
import type { Acting } from "../referrals/commands.js";
import type { Role } from "../units/kinds.js";
import type { ClueRow, ProjectRecord } from "./view.js";

export type { Acting } from "../referrals/commands.js";

/** One step of a command: its transaction, its instant, its calendar. */
export interface Step {
  q: Db;
  now: number;
  cal: Calendar;
}

export interface ProjectOutcome {
  projectId: number;
  /** What to tell the person who acted, in Chinese. */
  message: string;
  /** True when this was a repeat of an action already handled. */
  duplicate?: boolean;
}

export interface ClueOutcome {
  clueId: number;
  message: string;
  duplicate?: boolean;
}

export abstract class ProjectCommands {
  constructor(protected readonly ctx: AppContext) {}

  /**
   * Runs a command once per key: `action` names it (with the subject's
   * id), the key comes from the form or the click.
   */
  protected async step<T extends object>(
    actor: Acting,
    action: string,
    key: string | undefined,
    payload: unknown,
    fn: (s: Step) => Promise<T>,
  ) {
    const cal = await this.ctx.calendars.get();
    const scoped = key ? `${action}:${actor.person.id}:${key}` : undefined;
    return once(this.ctx, scoped, actor.channel, payload, (q) =>
      fn({ q, now: this.ctx.clock.now(), cal }),
    );
  }

  /** Updates a project if nobody changed it meanwhile. */
  protected async saveProject(
    s: Step,
    p: ProjectRecord,
    changes: Partial<ProjectRecord>,
  ) {
    const { projects } = this.ctx.store.t;
    const result = await s.q
      .update(projects)
      .set({ ...changes, version: p.version + 1, updatedAt: s.now })
      .where(and(eq(projects.id, p.id), eq(projects.version, p.version)));
    if (this.ctx.store.changes(result) !== 1) {
      throw conflict("project_changed", "该项目刚被他人处理过，请刷新后再试。");
    }
  }

  /** Updates a clue if nobody decided on it meanwhile. */
  protected async saveClue(s: Step, c: ClueRow, changes: Partial<ClueRow>) {
    const { projectClues } = this.ctx.store.t;
    const result = await s.q
      .update(projectClues)
      .set({ ...changes, version: c.version + 1 })
      .where(
        and(eq(projectClues.id, c.id), eq(projectClues.version, c.version)),
      );
    if (this.ctx.store.changes(result) !== 1) {
      throw conflict("clue_changed", "该线索刚被他人处理过，请刷新后再试。");
    }
  }

  protected async audit(
    s: Step,
    actor: Acting,
    subject: {
      type: "project" | "project_clue" | "project_import";
      id: number;
    },
    action: string,
    detail: Record<string, unknown>,
  ) {
    await audit(this.ctx.store, s.q, {
      actor: {
        personId: actor.person.id,
        name: actor.person.name,
        channel: actor.channel,
      },
      at: s.now,
      subjectType: subject.type,
      subjectId: subject.id,
      action,
      detail,
    });
  }

  /**
   * A text to every person of a unit with one of the roles, in office
   * hours; `key` names the event, each person gets it once.
   */
  protected async tell(
    s: Step,
    unitId: number,
    roles: Role[],
    key: string,
    text: string,
  ): Promise<number> {
    const people = await this.ctx.directory.peopleWithRole(unitId, roles);
    const notBefore = this.ctx.outbox.officeTime(s.cal, s.now);
    for (const person of people) {
      await this.ctx.outbox.enqueue(
        s.q,
        {
          dedupeKey: `${key}:${person.id}`,
          target: { type: "person", id: person.id },
          body: { type: "text", text },
          notBefore,
        },
        s.now,
      );
    }
    return people.length;
  }
}
