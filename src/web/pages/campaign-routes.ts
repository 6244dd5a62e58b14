/**
 * The pages of reception campaigns. Each loads the campaign, checks that
 * the signed-in person may open the page now (campaign-guards.ts), and
 * renders it; the API checks again on submit.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import {
  campaignsOf,
  dispatchesOf,
  peopleOfUnit,
} from "../../campaigns/pages-data.js";
import { siteOf } from "../../campaigns/service.js";
import { loadCampaign, type CampaignView } from "../../campaigns/view.js";
import { addDays, dateOf } from "../../time.js";
import {
  assertCanOpenDispatch,
  assertCanOpenOfficers,
  assertCanOpenRoll,
  assertCanRunCampaigns,
  assertCanViewCampaign,
} from "../campaign-guards.js";
import { routeDate, routeId } from "../params.js";
import { requirePerson } from "../session.js";
import type { WebState } from "../state.js";
import {
  dispatchPage,
  newCampaignPage,
  officersPage,
} from "./campaign-forms.js";
import { rollPage } from "./campaign-roll.js";
import { campaignListPage, campaignPage } from "./campaigns.js";

/** The list keeps campaigns this long after they end. */
const RECENT_DAYS = 60;

export function campaignPageRoutes(): Router<WebState> {
  const router = new Router<WebState>();

  router.get("/campaigns", async (ctx) => {
    const person = await requirePerson(ctx);
    const { bot } = ctx.state;
    const today = dateOf(bot.ctx.clock.now());
    const since = addDays(today, -RECENT_DAYS);
    const campaigns = await campaignsOf(
      bot.ctx,
      bot.ctx.store.db,
      person,
      since,
    );
    const units = await bot.ctx.directory.units();
    ctx.type = "html";
    ctx.body = campaignListPage({
      person,
      campaigns,
      units: new Map(units.map((u) => [u.id, u])),
      today,
    });
  });

  router.get("/campaigns/new", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.state.back = { href: "/campaigns", label: "集中接访" };
    assertCanRunCampaigns(person);
    const { bot } = ctx.state;
    ctx.type = "html";
    ctx.body = newCampaignPage({
      person,
      units: await bot.ctx.directory.units(),
      today: dateOf(bot.ctx.clock.now()),
    });
  });

  router.get("/campaigns/:id", async (ctx) => {
    const { person, view, now } = await load(ctx);
    ctx.state.back = { href: "/campaigns", label: "集中接访" };
    assertCanViewCampaign(person, view);
    const { bot } = ctx.state;
    const dispatches = await dispatchesOf(
      bot.ctx,
      bot.ctx.store.db,
      view.campaign.id,
    );
    ctx.type = "html";
    ctx.body = campaignPage({
      person,
      view,
      dispatches,
      now,
      today: dateOf(now),
    });
  });

  router.get("/campaigns/:id/officers", async (ctx) => {
    const { person, view, now } = await load(ctx);
    backToCampaign(ctx, view);
    const today = dateOf(now);
    const site = assertCanOpenOfficers(person, view, today);
    const { bot } = ctx.state;
    const people = await peopleOfUnit(
      bot.ctx,
      bot.ctx.store.db,
      person.unit.id,
    );
    ctx.type = "html";
    ctx.body = officersPage({ person, view, site, people, today });
  });

  router.get("/campaigns/:id/sites/:siteId/dispatch/:date", async (ctx) => {
    const { person, view, now } = await load(ctx);
    backToCampaign(ctx, view);
    const site = siteOf(view, routeId(ctx, "该接访点", "siteId"));
    const date = routeDate(ctx, "该日期的日调度");
    assertCanOpenDispatch(person, view, site, date, dateOf(now));
    const { bot } = ctx.state;
    const reports = await dispatchesOf(
      bot.ctx,
      bot.ctx.store.db,
      view.campaign.id,
    );
    ctx.type = "html";
    ctx.body = dispatchPage({
      person,
      view,
      site,
      date,
      report: reports.get(`${site.site.id}:${date}`),
    });
  });

  router.get("/campaigns/:id/sites/:siteId/roll/:date", async (ctx) => {
    const { person, view, now } = await load(ctx);
    backToCampaign(ctx, view);
    const site = siteOf(view, routeId(ctx, "该接访点", "siteId"));
    const date = routeDate(ctx, "该日期的到岗情况");
    assertCanOpenRoll(person, view, site, date);
    ctx.type = "html";
    ctx.body = rollPage({ person, view, site, date, now, today: dateOf(now) });
  });

  return router;
}

/** The signed-in person and the campaign of the route, at one instant. */
async function load(ctx: Context) {
  const person = await requirePerson(ctx);
  const { bot } = ctx.state as WebState;
  const id = routeId(ctx, "该集中接访活动");
  const view = await loadCampaign(bot.ctx, bot.ctx.store.db, id);
  return { person, view, now: bot.ctx.clock.now() };
}

function backToCampaign(ctx: Context, view: CampaignView): void {
  (ctx.state as WebState).back = {
    href: `/campaigns/${view.campaign.id}`,
    label: "查看活动",
  };
}
