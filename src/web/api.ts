/**
 * The JSON API the form pages post to (and other systems may call), with
 * the same session as the pages. Each handler validates, calls the
 * referral service and answers its outcome; the service checks who may
 * act, and a repeated submissionId changes nothing.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import type { Acting, Outcome, ReferralService } from "../referrals/service.js";
import { parse } from "../validation.js";
import { detailsJson, loadDetails } from "./details.js";
import {
  decisionLabels,
  extensionDecisionInput,
  keyOnlyInput,
  reviewInput,
} from "./inputs.js";
import { referralId } from "./params.js";
import { requirePerson } from "./session.js";
import type { WebState } from "./state.js";

type Command = (
  service: ReferralService,
  actor: Acting,
  id: number,
  body: unknown,
) => Promise<Outcome>;

/** A receipt with corrections has these; a plain "sign" has none. */
const RECEIPT_FIELDS = [
  "volumes", "pages", "exhibits", "handedOverBy", "handoverDate", "signerName",
];

const COMMANDS: Record<string, Command> = {
  sign: (s, actor, id, body) => {
    if (hasAny(body, RECEIPT_FIELDS)) {
      return s.sign(actor, id, body);
    }
    const { submissionId } = parse(keyOnlyInput, body, decisionLabels);
    return s.sign(actor, id, undefined, submissionId);
  },
  return: (s, actor, id, body) => s.returnToSender(actor, id, body),
  "resolve-return": (s, actor, id, body) => s.resolveReturn(actor, id, body),
  "pass-down": (s, actor, id, body) => s.passDown(actor, id, body),
  extension: (s, actor, id, body) => s.requestExtension(actor, id, body),
  "extension-decision": (s, actor, id, body) => {
    const input = parse(extensionDecisionInput, body, decisionLabels);
    const approve = input.decision === "approve";
    return s.decideExtension(actor, id, approve, input.submissionId);
  },
  urge: (s, actor, id, body) => {
    const { submissionId } = parse(keyOnlyInput, body, decisionLabels);
    return s.urge(actor, id, submissionId);
  },
  feedback: (s, actor, id, body) => s.submitFeedback(actor, id, body),
  review: (s, actor, id, body) => {
    const input = parse(reviewInput, body, decisionLabels);
    return input.decision === "accept"
      ? s.reviewFeedback(actor, id, { accept: true, key: input.submissionId })
      : s.reviewFeedback(actor, id, { accept: false, raw: body });
  },
};

export function apiRoutes(): Router<WebState> {
  const router = new Router<WebState>({ prefix: "/api" });

  router.post("/referrals", async (ctx) => {
    const actor = await acting(ctx);
    const outcome = await ctx.state.bot.referrals.create(actor, ctx.state.body);
    await answer(ctx, outcome, outcome.duplicate ? 200 : 201);
  });

  router.post("/referrals/:id/:command", async (ctx) => {
    const command = COMMANDS[ctx.params.command];
    if (!command || !Object.hasOwn(COMMANDS, ctx.params.command)) {
      return;
    }
    const id = referralId(ctx);
    const actor = await acting(ctx);
    const { bot, body } = ctx.state;
    await answer(ctx, await command(bot.referrals, actor, id, body));
  });

  router.get("/referrals/:id", async (ctx) => {
    const person = await requirePerson(ctx);
    const details = await loadDetails(ctx.state.bot, person, referralId(ctx));
    ctx.body = detailsJson(details);
  });

  router.get("/units", async (ctx) => {
    await requirePerson(ctx);
    const units = await ctx.state.bot.ctx.directory.units();
    ctx.body = {
      units: units.map((u) => ({
        id: u.id,
        code: u.code,
        name: u.name,
        shortName: u.shortName,
        region: u.region,
        regionName: u.regionName,
        level: u.level,
        kind: u.kind,
      })),
    };
  });

  return router;
}

export async function acting(ctx: Context): Promise<Acting> {
  return { person: await requirePerson(ctx), channel: "web" };
}

/**
 * Answers the outcome after delivering what the command queued, so the
 * cards in the chat already show the change when the page says "done".
 */
export async function answer(
  ctx: Context,
  outcome: object & { duplicate?: boolean },
  status = 200,
): Promise<void> {
  const { bot } = ctx.state as WebState;
  try {
    await bot.deliverNow();
  } catch (error) {
    // The command is committed; the outbox worker will deliver later.
    bot.ctx.log.warn({ err: error, code: "deliver_now_failed" },
      "web: immediate delivery failed");
  }
  ctx.status = status;
  ctx.body = outcome;
}

function hasAny(body: unknown, keys: string[]): boolean {
  return typeof body === "object" && body !== null &&
    keys.some((k) => k in body);
}
