/**
 * The JSON API behind the campaign forms. Each handler reads the route,
 * calls the campaign service as the signed-in person through the web
 * channel, and answers its outcome; the service checks who may act, and
 * the form's submissionId makes a repeated post change nothing.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import { findShift } from "../campaigns/pages-data.js";
import { notFound } from "../errors.js";
import { parse } from "../validation.js";
import { acting, answer } from "./api.js";
import { decisionLabels, keyOnlyInput } from "./inputs.js";
import { routeDate, routeId } from "./params.js";
import type { WebState } from "./state.js";

export function campaignApiRoutes(): Router<WebState> {
  const router = new Router<WebState>({ prefix: "/api/campaigns" });

  router.post("/", async (ctx) => {
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const outcome = await bot.campaigns.create(actor, body, key(body));
    await answer(ctx, outcome, outcome.duplicate ? 200 : 201);
  });

  router.post("/:id/cancel", async (ctx) => {
    const id = campaignId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await bot.campaigns.cancel(actor, id, key(body)));
  });

  router.post("/:id/officers", async (ctx) => {
    const id = campaignId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await bot.campaigns.nominate(actor, id, body, key(body)));
  });

  router.post("/:id/sites/:siteId/dispatch/:date", async (ctx) => {
    const id = campaignId(ctx);
    const siteId = routeId(ctx, "该接访点", "siteId");
    const date = routeDate(ctx, "该日期的日调度");
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const outcome = await bot.campaigns.submitDispatch(
      actor,
      id,
      siteId,
      date,
      body,
      key(body),
    );
    await answer(ctx, outcome);
  });

  router.post("/:id/shifts/:shiftId/attendance", async (ctx) => {
    const id = campaignId(ctx);
    const shiftId = routeId(ctx, "该值班安排", "shiftId");
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    const shift = await findShift(bot.ctx, bot.ctx.store.db, shiftId);
    if (shift?.campaignId !== id) {
      throw notFound("该值班安排");
    }
    const outcome = await bot.campaigns.recordAttendance(
      actor,
      shiftId,
      body,
      key(body),
    );
    await answer(ctx, outcome);
  });

  return router;
}

const campaignId = (ctx: Context) => routeId(ctx, "该集中接访活动");

/** The form's submissionId, checked; none for a caller that sends none. */
function key(body: unknown): string | undefined {
  return parse(keyOnlyInput, body, decisionLabels).submissionId;
}
