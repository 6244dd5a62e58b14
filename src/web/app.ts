/**
 * The web app: the form and details pages the cards open, the JSON API
 * behind them, health, and (only in simulator mode) the simulator chat.
 * `main.ts` listens with it; tests listen on a random local port.
 */
import Koa from "koa";
import { mountSimulator } from "../../bots/simulator/routes.js";
import {
  dingtalkRoutes,
  dingtalkStatic,
  signInInsideDingTalk,
} from "../../bots/dingtalk/routes.js";
import { signInInsideWecom, wecomRoutes } from "../../bots/wecom/routes.js";
import type { Bot } from "../boot.js";
import { AppError } from "../errors.js";
import { apiRoutes } from "./api.js";
import { bodyReader } from "./body.js";
import { campaignApiRoutes } from "./campaign-api.js";
import { errorHandler } from "./errors.js";
import { adminRoutes } from "./pages/admin.js";
import { campaignPageRoutes } from "./pages/campaign-routes.js";
import { exportRoutes } from "./pages/exports.js";
import { projectPageRoutes } from "./pages/project-routes.js";
import { pageRoutes } from "./pages/routes.js";
import { projectApiRoutes } from "./project-api.js";
import { projectUploadRoutes } from "./project-upload.js";
import {
  knownHostsOnly,
  sameOriginWrites,
  securityHeaders,
} from "./security.js";
import { Sessions } from "./session.js";
import type { WebState } from "./state.js";
import { staticFiles } from "./static.js";

export function createWebApp(bot: Bot): Koa<WebState> {
  const app = new Koa<WebState>();
  app.proxy = bot.ctx.config.trustProxy;
  const sessions = new Sessions(bot.ctx.config.sessionSecret);

  app.use(errorHandler(bot));
  app.use(async (ctx, next) => {
    ctx.state.bot = bot;
    ctx.state.sessions = sessions;
    await next();
  });
  app.use(securityHeaders());
  app.use(knownHostsOnly(bot.ctx.config.publicUrl));
  app.use(
    staticFiles("/static", new URL("./public/", import.meta.url), [
      "app.css",
      "form.js",
      "campaign.css",
      "campaign.js",
      "project.css",
      "project-upload.js",
    ]),
  );

  app.use(async (ctx, next) => {
    if (ctx.path === "/healthz") {
      // A platform connection that cannot work (wrong credentials) makes
      // the service unhealthy, so that monitoring notices.
      const rt = bot.dingtalk;
      const dingtalk = rt && {
        ...rt.stream.health(),
        template: rt.template ?? "unchecked",
      };
      const ok =
        dingtalk === undefined ||
        (dingtalk.state !== "auth_failed" && rt?.template?.ok !== false);
      ctx.status = ok ? 200 : 503;
      ctx.body = dingtalk ? { ok, dingtalk } : { ok };
    } else if (ctx.path === "/favicon.ico") {
      ctx.status = 204;
    } else {
      await next();
    }
  });

  app.use(async (ctx, next) => {
    await next();
    // The routers answer a wrong method with a bare English 405.
    if (ctx.status === 405) {
      throw new AppError(
        "method_not_allowed",
        "不支持这种请求方式，请从系统页面中操作。",
        405,
      );
    }
  });
  if (bot.wecom) {
    // WeCom posts raw XML from its servers: before the body reader and
    // the same-origin check, which are for our own pages.
    app.use(wecomRoutes(bot.wecom));
    app.use(signInInsideWecom(bot.wecom));
  }
  if (bot.dingtalk) {
    app.use(dingtalkStatic());
    app.use(signInInsideDingTalk(bot.dingtalk));
  }
  app.use(sameOriginWrites());
  // An upload's body is a file, read by its own routes with its own limit.
  const uploads = projectUploadRoutes();
  app.use(uploads.routes());
  app.use(uploads.allowedMethods());
  app.use(bodyReader());
  const routers = [
    pageRoutes(),
    apiRoutes(),
    adminRoutes(),
    exportRoutes(),
    campaignPageRoutes(),
    campaignApiRoutes(),
    projectPageRoutes(),
    projectApiRoutes(),
  ];
  if (bot.dingtalk) {
    routers.push(dingtalkRoutes(bot.dingtalk));
  }
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  if (bot.ctx.config.simulator) {
    mountSimulator(app);
  }
  return app;
}
