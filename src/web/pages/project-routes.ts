/**
 * The pages of new projects. Each checks that the signed-in person may
 * open it now (project-guards.ts, the service's own rules) and renders
 * it; the API checks again on submit. Messages link here: /projects/:id
 * and /projects/clues/:id.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import { omissionsOf } from "../../projects/clues.js";
import { deadlineLine } from "../../referrals/view.js";
import { dateOf, yearOf } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { routeId } from "../params.js";
import {
  checksDue,
  cluesOf,
  correctionsDue,
  projectsById,
  projectsOfUnit,
} from "../project-data.js";
import {
  assertCanOpenCheck,
  assertCanOpenCorrected,
  assertCanOpenProjects,
  assertCanReport,
  assertHrssStaff,
  canDecideClue,
  canReport,
  isHrssStaff,
  isIndustry,
  mayOpen,
  seesManagerPhone,
} from "../project-guards.js";
import { requirePerson } from "../session.js";
import type { WebState } from "../state.js";
import { cluePage, clueListPage } from "./project-clues.js";
import { projectPage } from "./project-details.js";
import {
  checkPage,
  correctedPage,
  newCluePage,
  reportPage,
} from "./project-forms.js";
import { uploadPage } from "./project-upload.js";
import { hrssListPage, unitListPage } from "./projects.js";

/** How far back the year picker reaches. */
const OLDEST_YEARS = 10;

const toList = { href: "/projects", label: "新开工项目" };

export function projectPageRoutes(): Router<WebState> {
  const router = new Router<WebState>();

  router.get("/projects", async (ctx) => {
    const person = await requirePerson(ctx);
    assertCanOpenProjects(person);
    ctx.type = "html";
    ctx.body = isIndustry(person)
      ? await unitList(ctx, person)
      : await hrssList(ctx, person);
  });

  router.get("/projects/new", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = toList;
    assertCanReport(person);
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = reportPage({
      person,
      units: await bot.ctx.directory.units(),
      today: dateOf(bot.ctx.clock.now()),
    });
  });

  router.get("/projects/upload", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = toList;
    assertCanReport(person);
    ctx.type = "html";
    ctx.body = uploadPage({ person });
  });

  router.get("/projects/clues", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = toList;
    assertHrssStaff(person, "查看项目线索");
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = clueListPage({
      person,
      clues: await cluesOf(bot.ctx, person),
      units: await unitMap(ctx),
    });
  });

  router.get("/projects/clues/new", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = toList;
    assertHrssStaff(person, "登记项目线索");
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = newCluePage({
      person,
      units: await bot.ctx.directory.units(),
      today: dateOf(bot.ctx.clock.now()),
    });
  });

  router.get("/projects/clues/:id", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = { href: "/projects/clues", label: "项目线索" };
    const { bot } = ctx.state;
    const clue = await bot.projects.clue(person, routeId(ctx, "该线索"));
    const decides = clue.status === "unmatched" && canDecideClue(person, clue);
    const matched = clue.projectId
      ? (await projectsById(bot.ctx, [clue.projectId])).get(clue.projectId)
      : undefined;
    ctx.type = "html";
    ctx.body = cluePage({
      person,
      clue,
      units: await unitMap(ctx),
      candidates: decides
        ? await bot.projects.candidates(person, clue.id)
        : undefined,
      matched,
    });
  });

  router.get("/projects/:id", async (ctx) => {
    const { person, view } = await load(ctx, toList);
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = projectPage({
      person,
      view,
      cal: await bot.ctx.calendars.get(),
      now: bot.ctx.clock.now(),
      seesPhone: seesManagerPhone(person, view),
      canCheck: mayOpen(() => assertCanOpenCheck(person, view)),
      canCorrect: mayOpen(() => assertCanOpenCorrected(person, view)),
    });
  });

  router.get("/projects/:id/check", async (ctx) => {
    const { person, view } = await load(ctx);
    assertCanOpenCheck(person, view);
    const { bot } = ctx.state;
    const now = bot.ctx.clock.now();
    const cal = await bot.ctx.calendars.get();
    ctx.type = "html";
    ctx.body = checkPage({
      person,
      view,
      today: dateOf(now),
      checkDue: view.checkClock && deadlineLine(cal, view.checkClock, now),
    });
  });

  router.get("/projects/:id/corrected", async (ctx) => {
    const { person, view } = await load(ctx);
    assertCanOpenCorrected(person, view);
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = correctedPage({
      person,
      view,
      today: dateOf(bot.ctx.clock.now()),
    });
  });

  return router;
}

/**
 * The signed-in person and the project of the route, which they may see.
 * An error page offers `back`, or the project's page for its forms.
 */
async function load(ctx: Context, back?: WebState["back"]) {
  const person = await requirePerson(ctx);
  const state = ctx.state as WebState;
  const id = routeId(ctx, "该项目");
  state.back = back ?? { href: `/projects/${id}`, label: "查看项目" };
  const view = await state.bot.projects.project(person, id);
  return { person, view };
}

async function unitMap(ctx: Context) {
  const units = await (ctx.state as WebState).bot.ctx.directory.units();
  return new Map(units.map((u) => [u.id, u]));
}

/** What every list shows: the year asked for (this one by default). */
async function listBase(ctx: Context, person: Person) {
  const { bot } = ctx.state as WebState;
  const now = bot.ctx.clock.now();
  const thisYear = yearOf(dateOf(now));
  const asked = Number(ctx.query.year);
  const year =
    Number.isInteger(asked) && asked <= thisYear && asked > thisYear - OLDEST_YEARS
      ? asked
      : thisYear;
  return {
    person,
    year,
    thisYear,
    now,
    cal: await bot.ctx.calendars.get(),
    units: await unitMap(ctx),
  };
}

async function unitList(ctx: Context, person: Person): Promise<string> {
  const { bot } = ctx.state as WebState;
  const base = await listBase(ctx, person);
  const { store } = bot.ctx;
  return unitListPage({
    ...base,
    canReport: canReport(person),
    projects: await projectsOfUnit(bot.ctx, person.unit.id, base.year),
    corrections: await correctionsDue(bot.ctx, person, "unit"),
    omissions: await omissionsOf(store.t, store.db, {
      unitId: person.unit.id,
      year: base.year,
    }),
  });
}

async function hrssList(ctx: Context, person: Person): Promise<string> {
  const { bot } = ctx.state as WebState;
  const base = await listBase(ctx, person);
  return hrssListPage({
    ...base,
    canRecordClues: isHrssStaff(person),
    checks: await checksDue(bot.ctx, person),
    corrections: await correctionsDue(bot.ctx, person, "hrss"),
    clues: await cluesOf(bot.ctx, person),
    timeliness: await bot.projects.timeliness(person, base.year),
    office: await bot.projects.officeList(person, base.year),
  });
}
