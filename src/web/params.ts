/** Route parameters shared by the pages and the API. */
import type { Context } from "koa";
import { notFound } from "../errors.js";
import { isValidDate, type IsoDate } from "../time.js";

/**
 * A plain decimal id from the route ("12", not "1e1", "0x0c" or "12.0");
 * anything else is a 404 for `what`. `param` names another route
 * parameter than `:id`.
 */
export function routeId(ctx: Context, what: string, param = "id"): number {
  const raw = (ctx.params as Record<string, string | undefined>)[param] ?? "";
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw notFound(what);
  }
  return id;
}

/** The `:id` of a referral route. */
export function referralId(ctx: Context): number {
  return routeId(ctx, "该移送案件");
}

/** The `:date` of a route, "2026-10-01"; anything else is a 404 for `what`. */
export function routeDate(ctx: Context, what: string): IsoDate {
  const raw = (ctx.params as { date?: string }).date ?? "";
  if (!isValidDate(raw)) {
    throw notFound(what);
  }
  return raw;
}
