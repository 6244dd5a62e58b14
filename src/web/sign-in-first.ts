/**
 * A page opened inside a platform's client without a session goes
 * through that platform's sign-in first, instead of showing "not signed
 * in": the client tells who it is by its User-Agent.
 */
import type { Middleware } from "koa";
import { isLocalPath } from "./local-path.js";
import { sessionPersonId } from "./session.js";
import type { WebState } from "./state.js";

export function signInFirst(
  client: RegExp,
  signInUrl: (path: string) => string,
  /** Paths that are the sign-in itself. */
  own: string[] = [],
): Middleware<WebState> {
  return async (ctx, next) => {
    const isPage =
      ctx.method === "GET" &&
      !ctx.path.startsWith("/api/") &&
      !ctx.path.startsWith("/static/") &&
      !own.includes(ctx.path) &&
      ctx.path !== "/healthz";
    if (
      isPage &&
      client.test(ctx.get("user-agent")) &&
      sessionPersonId(ctx) === undefined &&
      isLocalPath(ctx.url)
    ) {
      ctx.status = 302;
      ctx.redirect(signInUrl(ctx.url));
      return;
    }
    await next();
  };
}
