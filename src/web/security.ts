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
 * Browsers say where a request comes from in Sec-Fetch-Site; older ones
 * only in Origin, which is "null" for our own forms under no-referrer.
 */
export function sameOriginWrites(): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      const site = ctx.get("sec-fetch-site");
      const origin = ctx.get("origin");
      const foreignSite = site === "cross-site" || site === "same-site";
      const foreignOrigin =
        !site &&
        origin !== "" &&
        origin !== "null" &&
        hostOf(origin) !== ctx.host;
      if (foreignSite || foreignOrigin) {
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

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * Answers only requests addressed to this service by name: PUBLIC_URL's
 * host, or the local machine. A page on another site that points its own
 * name at our address (DNS rebinding) gets nothing.
 */
export function knownHostsOnly(publicUrl: string): Middleware {
  const allowed = new Set([
    new URL(publicUrl).hostname.toLowerCase(),
    "localhost",
    "127.0.0.1",
    "[::1]",
  ]);
  return async (ctx, next) => {
    const host = ctx.hostname.toLowerCase();
    if (!allowed.has(host) && !allowed.has(`[${host}]`)) {
      ctx.state.bot.ctx.log.warn(
        { code: "unknown_host", host: ctx.hostname },
        "web: request for a host that is not PUBLIC_URL's; check PUBLIC_URL",
      );
      throw new AppError(
        "unknown_host",
        "请通过系统配置的地址访问本服务。",
        421,
      );
    }
    await next();
  };
}
