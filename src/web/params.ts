/** Route parameters shared by the pages and the API. */
import type { Context } from "koa";
import { notFound } from "../errors.js";

/** The `:id` of a referral route; anything but a positive id is a 404. */
export function referralId(ctx: Context): number {
  const id = Number((ctx.params as { id?: string }).id);
  if (!Number.isSafeInteger(id) || id < 1) {
    throw notFound("该移送案件");
  }
  return id;
}
