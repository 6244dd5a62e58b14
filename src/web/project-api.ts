/**
 * The JSON API behind the new-project forms: a report, a site check, a
 * correction, a clue and the decision on it. Each handler reads the
 * route, calls the project service as the signed-in person through the
 * web channel, and answers its outcome; the service validates and checks
 * who may act, and the form's submissionId makes a repeat change nothing.
 * Uploads of attachment 1 carry a file, not JSON: project-upload.ts.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import { maskName, maskPhone } from "../mask.js";
import { choice, parse, submissionId } from "../validation.js";
import { acting, answer } from "./api.js";
import { routeId } from "./params.js";
import { canDecideClue, seesManagerPhone } from "./project-guards.js";
import { requirePerson } from "./session.js";
import type { WebState } from "./state.js";

const matchInput = z.object({
  submissionId,
  projectId: choice("已报送的项目"),
});

const matchLabels = { projectId: "已报送的项目", submissionId: "提交编号" };

export function projectApiRoutes(): Router<WebState> {
  const router = new Router<WebState>({ prefix: "/api/projects" });

  router.post("/", async (ctx) => {
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const outcome = await bot.projects.report(actor, body);
    await answer(ctx, outcome, outcome.duplicate ? 200 : 201);
  });

  router.post("/clues", async (ctx) => {
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const outcome = await bot.projects.recordClue(actor, body);
    await answer(ctx, outcome, outcome.duplicate ? 200 : 201);
  });

  router.post("/clues/:id/match", async (ctx) => {
    const id = clueId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const input = parse(matchInput, body, matchLabels);
    const outcome = await bot.projects.confirmMatch(
      actor,
      id,
      input.projectId,
      { submissionId: input.submissionId },
    );
    await answer(ctx, outcome);
  });

  router.post("/clues/:id/omission", async (ctx) => {
    const id = clueId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await bot.projects.confirmOmission(actor, id, body));
  });

  router.get("/clues/:id", async (ctx) => {
    const person = await requirePerson(ctx);
    const { bot } = ctx.state;
    const clue = await bot.projects.clue(person, clueId(ctx));
    const candidates = canDecideClue(person, clue)
      ? await bot.projects.candidates(person, clue.id)
      : [];
    ctx.body = { clue, candidates };
  });

  router.post("/:id/check", async (ctx) => {
    const id = projectId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await bot.projects.recordCheck(actor, id, body));
  });

  router.post("/:id/corrected", async (ctx) => {
    const id = projectId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await bot.projects.markCorrected(actor, id, body));
  });

  router.get("/:id", async (ctx) => {
    const person = await requirePerson(ctx);
    const view = await ctx.state.bot.projects.project(person, projectId(ctx));
    const whole = seesManagerPhone(person, view);
    const p = view.project;
    ctx.body = {
      project: {
        ...p,
        manager: whole ? p.manager : maskName(p.manager),
        phone: whole ? p.phone : maskPhone(p.phone),
      },
      unit: view.unit.shortName,
      hrssUnit: view.hrssUnit.shortName,
      check: view.check
        ? { ...view.check, findings: JSON.parse(view.check.findings) }
        : null,
      clocks: [view.reportClock, view.checkClock, view.correctionClock].filter(
        (c) => c !== undefined,
      ),
    };
  });

  return router;
}

const projectId = (ctx: Context) => routeId(ctx, "该项目");
const clueId = (ctx: Context) => routeId(ctx, "该线索");
