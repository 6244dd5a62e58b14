/**
 * The pages a card's links open. Each checks, before showing a form, that
 * the signed-in person may use it now; the API checks again on submit.
 */
import { Router } from "@koa/router";
import { desc, eq } from "drizzle-orm";
import type { Bot } from "../../boot.js";
import { notFound } from "../../errors.js";
import {
  assertCanView,
  loadView,
  type ReferralView,
} from "../../referrals/view.js";
import { dateOf } from "../../time.js";
import type { Person } from "../../units/directory.js";
import { CRIME_CASE_KINDS, SOURCE_CASE_KINDS } from "../../units/kinds.js";
import { loadDetails } from "../details.js";
import { referralId } from "../params.js";
import {
  assertCanRefer,
  assertCanUseForm,
  isFormName,
  type FormName,
} from "../guards.js";
import { requirePerson } from "../session.js";
import type { WebState } from "../state.js";
import { detailsPage } from "./details.js";
import { formPage, type FormContext } from "./forms.js";
import { newReferralPage } from "./new-referral.js";
import { groupByRegion } from "./units.js";

export function pageRoutes(): Router<WebState> {
  const router = new Router<WebState>();

  router.get("/referrals/new", async (ctx) => {
    const person = await requirePerson(ctx);
    assertCanRefer(person);
    const bot = ctx.state.bot;
    const units = await bot.ctx.directory.units();
    ctx.type = "html";
    ctx.body = newReferralPage({
      person,
      units,
      today: dateOf(bot.ctx.clock.now()),
    });
  });

  router.get("/referrals/:id", async (ctx) => {
    const person = await requirePerson(ctx);
    const details = await loadDetails(ctx.state.bot, person, referralId(ctx));
    ctx.type = "html";
    ctx.body = detailsPage(person, details);
  });

  router.get("/referrals/:id/:form", async (ctx) => {
    const form = ctx.params.form;
    if (!isFormName(form)) {
      throw notFound("您要打开的页面");
    }
    const id = referralId(ctx);
    const person = await requirePerson(ctx);
    const bot = ctx.state.bot;
    const view = await loadView(bot.ctx, bot.ctx.store.db, id);
    assertCanView(person, view);
    ctx.state.back = { href: `/referrals/${id}`, label: "查看案件详情" };
    assertCanUseForm(form, person, view);

    ctx.type = "html";
    ctx.body = formPage(form, await formContext(bot, form, person, view));
  });

  return router;
}

/** What a form needs besides the referral: unit choices, prefills. */
async function formContext(
  bot: Bot,
  form: FormName,
  person: Person,
  view: ReferralView,
): Promise<FormContext> {
  const data: FormContext = {
    person,
    view,
    cal: await bot.ctx.calendars.get(),
    now: bot.ctx.clock.now(),
  };
  const units = await bot.ctx.directory.units();
  const r = view.referral;

  if (form === "pass-down") {
    data.unitGroups = groupByRegion(units.filter(
      (u) => u.kind === view.handlingUnit.kind && u.level !== "city",
    ));
  }
  if (form === "resolve-return") {
    const sup = view.supervisingUnit;
    const kinds = r.kind === "crime" ? CRIME_CASE_KINDS : SOURCE_CASE_KINDS;
    data.unitGroups = groupByRegion(units.filter((u) =>
      u.id !== r.handlingUnitId && (sup
        ? u.kind === sup.kind && u.level !== "city"
        : kinds.includes(u.kind)),
    ));
    data.takeBackUnitId = sup?.id;
  }
  if (form === "sign") {
    data.handover = await handover(bot, view);
  }
  if (form === "feedback") {
    const { feedbacks } = bot.ctx.store.t;
    [data.lastFeedback] = await bot.ctx.store.db
      .select()
      .from(feedbacks)
      .where(eq(feedbacks.referralId, r.id))
      .orderBy(desc(feedbacks.id))
      .limit(1);
  }
  return data;
}

/**
 * Who handed the file over, and when, to prefill the receipt the way the
 * service fills it when nobody corrects it: the referring unit's contact,
 * or the person who passed the case down.
 */
async function handover(bot: Bot, view: ReferralView) {
  const r = view.referral;
  if (view.supervisingUnit) {
    const { passDowns } = bot.ctx.store.t;
    const [pass] = await bot.ctx.store.db
      .select()
      .from(passDowns)
      .where(eq(passDowns.referralId, r.id))
      .orderBy(desc(passDowns.id))
      .limit(1);
    const by = pass ? await bot.ctx.directory.person(pass.by) : undefined;
    if (pass && by) {
      return { by: by.name, date: dateOf(pass.at) };
    }
  }
  return { by: r.contactName, date: r.referralDate };
}
