/**
 * The overdue digest's steps for new projects (spec 3.1), each in a
 * message of its own beside the referrals':
 * 1. "project-digest": a site check or a correction overdue by a working
 *    day or more, and a report that came late, are told once to the
 *    leaders concerned: the checking HRSS's for a check, the reporting
 *    unit's (and the HRSS's) for a correction, the reporting unit's for a
 *    late report;
 * 2. "project-escalate": a report ESCALATION_WORKDAYS or more working days
 *    late, and a unit with OMISSIONS_TO_ESCALATE or more omissions in a
 *    year, go into the register of reports to the city government office
 *    and are listed for the leaders of the city's HRSS (the lead unit) and
 *    of the HRSS the reports go to.
 */
import { inArray } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { audit, systemActor } from "../src/audit.js";
import {
  ESCALATION_WORKDAYS,
  OMISSIONS_TO_ESCALATE,
} from "../src/clocks/rules.js";
import { Areas } from "../src/projects/areas.js";
import { findingsText } from "../src/projects/forms.js";
import { omissionsReaching } from "../src/projects/stats.js";
import { findingsOf } from "../src/projects/view.js";
import { endOfDate, yearOf } from "../src/time.js";
import {
  deadlineText,
  dueProjects,
  lateReports,
  projectTitle,
  shortDate,
  type ProjectItem,
  type UnitNames,
} from "./items.js";
import type { JobRun } from "./job.js";
import {
  addressed,
  LEADERS_TOLD,
  peopleOf,
  REPORTED,
  section,
  type Entry,
  type Step,
} from "./steps.js";

type Told = ProjectItem & { kind: "check" | "correction" | "late" };

interface Omissions {
  kind: "omissions";
  unitId: number;
  year: number;
  omissions: number;
}

type Listed = (ProjectItem & { kind: "late" }) | Omissions;

/** Step 1: overdue checks and corrections, late reports. */
export function projectDigest(r: JobRun, names: UnitNames): Step<Told> {
  const leaders = peopleOf(r, "leader");
  return {
    key: "project-digest",
    async *items() {
      const lastDue = r.cal.dueDateOverdueBy(r.today, 1);
      const overdue = dueProjects(r.bot.ctx, {
        horizon: endOfDate(lastDue),
        belowLevel: LEADERS_TOLD,
        batchSize: r.batchSize,
      });
      for await (const page of overdue) {
        yield page.map((item) => ({
          ...item,
          kind:
            item.clock.rule === "project.check"
              ? ("check" as const)
              : ("correction" as const),
        }));
      }
      const late = lateReports(r.bot.ctx, {
        minDays: 1,
        belowLevel: LEADERS_TOLD,
        batchSize: r.batchSize,
      });
      for await (const page of late) {
        yield page.map((item) => ({ ...item, kind: "late" as const }));
      }
    },
    claim: (q, item) =>
      r.bot.ctx.clocks.escalate(q, item.clock.id, LEADERS_TOLD),
    record: (q, item) =>
      recordProject(r, q, item, `project.${item.kind}_told`, LEADERS_TOLD),
    async addressees({ kind, clock, project }) {
      if (kind === "correction") {
        return [
          ...(await addressed([clock.unitId], leaders, "corrections")),
          ...(await addressed([project.hrssUnitId], leaders, "watched")),
        ];
      }
      const unitId = kind === "check" ? clock.unitId : project.unitId;
      return addressed([unitId], leaders, kind === "check" ? "checks" : kind);
    },
    message: (entries) => digestMessage(r, names, entries),
    describe: (item) => ({ projectId: item.project.id, rule: item.clock.rule }),
  };
}

async function digestMessage(
  r: JobRun,
  names: UnitNames,
  entries: Entry<Told>[],
) {
  const { ctx } = r.bot;
  const lines = [`**新开工项目逾期 · ${shortDate(r.today)}**`];
  const checks = section(entries, "checks");
  if (checks.length > 0) {
    lines.push(
      `本单位 ${checks.length} 个新开工项目已超过现场核查期限，请尽快核查：`,
    );
    for (const { clock, project } of checks) {
      lines.push(
        `- ${projectTitle(ctx, project)}｜${await names.short(project.unitId)}报送｜` +
          deadlineText(r.cal, clock.dueDate, r.now, "核查期限"),
      );
    }
  }
  const corrections = section(entries, "corrections");
  if (corrections.length > 0) {
    lines.push(
      `本单位 ${corrections.length} 个项目的问题已超过整改期限，请督促整改：`,
    );
    for (const item of corrections) {
      lines.push(
        `- ${projectTitle(ctx, item.project)}｜${correction(r, item)}`,
      );
    }
  }
  const watched = section(entries, "watched");
  if (watched.length > 0) {
    lines.push(`本单位核查发现问题的 ${watched.length} 个项目已超过整改期限：`);
    for (const item of watched) {
      lines.push(
        `- ${projectTitle(ctx, item.project)}｜` +
          `${await names.short(item.project.unitId)}｜${correction(r, item)}`,
      );
    }
  }
  const late = section(entries, "late");
  if (late.length > 0) {
    lines.push(
      `本单位 ${late.length} 个新开工项目未在开工后 5 个工作日内报送：`,
    );
    for (const { project } of late) {
      lines.push(`- ${projectTitle(ctx, project)}｜${lateness(project)}`);
    }
  }
  return { title: "新开工项目逾期", text: lines.join("\n") };
}

/** Step 2: what goes on the list for the city government office. */
export function projectOfficeList(r: JobRun, names: UnitNames): Step<Listed> {
  const leaders = peopleOf(r, "leader");
  const { ctx } = r.bot;
  let areas: Promise<Areas> | undefined;
  const loadAreas = () => (areas ??= Areas.load(ctx));
  const hrssLeaders = async (hrssUnitId: number | undefined) => {
    const lead = (await loadAreas()).leadUnit()?.id;
    return addressed([lead, hrssUnitId], leaders, "");
  };
  return {
    key: "project-escalate",
    async *items() {
      const late = lateReports(ctx, {
        minDays: ESCALATION_WORKDAYS,
        belowLevel: REPORTED,
        batchSize: r.batchSize,
      });
      for await (const page of late) {
        yield page.map((item) => ({ ...item, kind: "late" as const }));
      }
      yield await unlistedOmissions(r);
    },
    async claim(q, item) {
      if (item.kind === "late") {
        return ctx.clocks.escalate(q, item.clock.id, REPORTED);
      }
      return ctx.store.insertIfAbsent(q, ctx.store.t.omissionEscalations, {
        unitId: item.unitId,
        year: item.year,
        omissions: item.omissions,
        escalatedOn: r.today,
      });
    },
    async record(q, item) {
      if (item.kind === "omissions") {
        await audit(ctx.store, q, {
          actor: systemActor("job"),
          at: r.now,
          subjectType: "unit",
          subjectId: item.unitId,
          action: "project.omissions_escalate",
          detail: { year: item.year, omissions: item.omissions },
        });
        return;
      }
      await recordProject(r, q, item, "project.escalate", REPORTED);
      await ctx.store.insertIfAbsent(q, ctx.store.t.escalations, {
        clockId: item.clock.id,
        unitId: item.project.unitId,
        subjectType: "project",
        subjectId: item.project.id,
        overdueDays: item.project.reportLateDays,
        escalatedOn: r.today,
      });
    },
    async addressees(item) {
      const to =
        item.kind === "late"
          ? await hrssLeaders(item.project.hrssUnitId)
          : await hrssLeaders(await hrssOf(r, item.unitId, loadAreas));
      return to.map((a) => ({ ...a, section: item.kind }));
    },
    message: (entries) => officeMessage(r, names, entries),
    describe: (item) =>
      item.kind === "late"
        ? { projectId: item.project.id, rule: item.clock.rule }
        : { unitId: item.unitId, year: item.year },
  };
}

async function officeMessage(
  r: JobRun,
  names: UnitNames,
  entries: Entry<Listed>[],
) {
  const lines = [`**拟报市政府办公室 · ${shortDate(r.today)}**`];
  const late = section(entries, "late") as (ProjectItem & { kind: "late" })[];
  if (late.length > 0) {
    lines.push(
      `以下 ${late.length} 个新开工项目迟报 ${ESCALATION_WORKDAYS} 个工作日以上，` +
        "按联动机制应报市政府办公室：",
    );
    for (const { project } of late) {
      lines.push(
        `- ${projectTitle(r.bot.ctx, project)}｜` +
          `${await names.short(project.unitId)}｜${lateness(project)}`,
      );
    }
  }
  const omissions = section(entries, "omissions") as Omissions[];
  if (omissions.length > 0) {
    lines.push(
      `以下单位累计漏报新开工项目 ${OMISSIONS_TO_ESCALATE} 个以上，` +
        "按联动机制应报市政府办公室：",
    );
    for (const o of omissions) {
      lines.push(
        `- ${await names.short(o.unitId)}｜${o.year} 年漏报 ${o.omissions} 个`,
      );
    }
  }
  lines.push("以上已记入报送登记。");
  return { title: "拟报市政府办公室", text: lines.join("\n") };
}

/**
 * Units reaching the omissions threshold this year or last (a clue of
 * December confirmed in January) that are not in the register yet.
 */
async function unlistedOmissions(r: JobRun): Promise<Omissions[]> {
  const year = yearOf(r.today);
  const reaching = await omissionsReaching(r.bot.ctx, [year - 1, year]);
  const { omissionEscalations: listed } = r.bot.ctx.store.t;
  const registered = await r.bot.ctx.store.db
    .select()
    .from(listed)
    .where(inArray(listed.year, [year - 1, year]));
  const done = new Set(registered.map((x) => `${x.unitId}:${x.year}`));
  return reaching
    .filter((x) => !done.has(`${x.unitId}:${x.year}`))
    .map((x) => ({ kind: "omissions", ...x }));
}

async function hrssOf(
  r: JobRun,
  unitId: number,
  areas: () => Promise<Areas>,
): Promise<number | undefined> {
  const unit = await r.bot.ctx.directory.unit(unitId);
  return unit ? (await areas()).hrssFor(unit)?.id : undefined;
}

async function recordProject(
  r: JobRun,
  q: Db,
  item: ProjectItem & { kind: string },
  action: string,
  level: number,
) {
  const { clock, project } = item;
  await audit(r.bot.ctx.store, q, {
    actor: systemActor("job"),
    at: r.now,
    subjectType: "project",
    subjectId: project.id,
    action,
    detail: {
      clockId: clock.id,
      level,
      ...(item.kind === "late"
        ? { lateDays: project.reportLateDays }
        : { overdueDays: r.cal.workdaysAfter(clock.dueDate, r.today) }),
    },
  });
}

/** "问题：转包｜整改期限 11月6日（已逾期 1 个工作日）" */
function correction(r: JobRun, { clock, check }: ProjectItem): string {
  return (
    `问题：${findingsText(findingsOf(check))}｜` +
    deadlineText(r.cal, clock.dueDate, r.now, "整改期限")
  );
}

/** "开工 9月30日，10月20日报送，迟报 5 个工作日" */
function lateness(p: ProjectItem["project"]): string {
  return (
    `开工 ${shortDate(p.startDate)}，${shortDate(p.reportedDate)}报送，` +
    `迟报 ${p.reportLateDays} 个工作日`
  );
}
