/**
 * Headers every answer carries, and a same-origin check for writes. Pages
 * load only their own stylesheet and scripts; the simulator frames its own
 * pages, so framing is allowed from the same origin only.
 */
import type { Middleware } from "koa";
import { AppError } from "../errors.js";

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set("Content-Security-Policy", CSP);
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("X-Frame-Options", "SAMEORIGIN");
    // Pages and answers hold personal data: never keep them in a cache.
    ctx.set("Cache-Control", "no-store");
    await next();
  };
}

/**
 * Refuses a write sent by another site's page. The Lax cookie already
 * stays home on cross-site POSTs; this also covers same-site neighbours.
 */
export function sameOriginWrites(): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get("origin");
    if (ctx.method !== "GET" && ctx.method !== "HEAD" && origin) {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== ctx.host) {
        throw new AppError(
          "cross_origin",
          "该请求来自其他网站，已拒绝。请在本系统的页面中操作。",
          403,
        );
      }
    }
    await next();
  };
}
