/**
 * The one error handler of the web app, registered first. Errors from the
 * catalogue keep their status and Chinese message: as JSON for the API, as
 * a page for people. Anything else is logged and becomes a generic 500,
 * so no stack or internal detail ever reaches a user.
 */
import type { Context, Middleware } from "koa";
import type { Bot } from "../boot.js";
import { AppError, ValidationError, notFound } from "../errors.js";
import { messagePage } from "./pages/layout.js";
import type { WebState } from "./state.js";

const INTERNAL_MESSAGE =
  "系统内部出错，您的操作可能没有完成。请稍后重试；如果仍然出错，请联系管理员。";

export function errorHandler(bot: Bot): Middleware<WebState> {
  const log = bot.ctx.log.child({ name: "web" });
  const simulator = bot.ctx.config.simulator;
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw notFound("您要打开的页面");
      }
    } catch (error) {
      const appError = toAppError(error, () =>
        log.error(
          { err: error, method: ctx.method, path: ctx.path, code: "internal" },
          "web: unexpected error",
        ),
      );
      // Refusals leave a trace an administrator can follow, with the
      // stable code and no personal data.
      if ([401, 403, 421].includes(appError.status)) {
        log.info(
          {
            code: appError.code,
            method: ctx.method,
            path: ctx.path,
            status: appError.status,
          },
          "web: request refused",
        );
      }
      respond(ctx, appError, simulator);
    }
  };
}

/** JSON answers for machines (the API and the simulator's own calls). */
export function wantsJson(path: string): boolean {
  return (
    path === "/api" || path.startsWith("/api/") || path.startsWith("/sim/api/")
  );
}

function toAppError(error: unknown, logUnexpected: () => void): AppError {
  if (error instanceof AppError) {
    return error;
  }
  // Koa's own client errors (a malformed URL, say) carry a 4xx status.
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new AppError("bad_request", "请求无效，请检查后重试。", status);
  }
  logUnexpected();
  return new AppError("internal", INTERNAL_MESSAGE, 500);
}

function respond(ctx: Context, error: AppError, simulator: boolean): void {
  ctx.status = error.status;
  if (wantsJson(ctx.path)) {
    const issues = error instanceof ValidationError ? error.issues : undefined;
    const field = issues ? undefined : error.field;
    ctx.body = {
      error: { code: error.code, message: error.userMessage, field, issues },
    };
    return;
  }
  ctx.type = "html";
  ctx.body = errorPage(ctx, error, simulator);
}

function errorPage(ctx: Context, error: AppError, simulator: boolean): string {
  const state = ctx.state as WebState;
  if (error.code === "not_signed_in" || error.code === "unknown_person") {
    return messagePage({
      title: "请从工作群打开",
      message: error.userMessage,
      links: simulator ? [{ href: "/sim", label: "打开模拟器，选择身份" }] : [],
    });
  }
  const titles: Record<number, string> = {
    403: "无权办理",
    404: "没有找到",
    409: "当前不能办理",
    500: "系统出错",
  };
  return messagePage({
    title: titles[error.status] ?? "无法办理",
    message: error.userMessage,
    links: state.back ? [state.back] : [],
  });
}
