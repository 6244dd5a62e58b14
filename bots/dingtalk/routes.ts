/**
 * DingTalk's doors into the web app: the sign-in page (免登) and its code
 * exchange, and the DingTalk JSAPI the page needs, bundled once from the
 * dingtalk-jsapi package on first use (served from our own origin, as the
 * pages' content security policy requires).
 */
import { Router } from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import { AppError, unknownPerson } from "../../src/errors.js";
import { html } from "../../src/web/html.js";
import { isLocalPath } from "../../src/web/local-path.js";
import { page } from "../../src/web/pages/layout.js";
import { startSession } from "../../src/web/session.js";
import { signInFirst } from "../../src/web/sign-in-first.js";
import type { WebState } from "../../src/web/state.js";
import { staticFiles } from "../../src/web/static.js";
import { parse } from "../../src/validation.js";
import { DingTalkApiError } from "./errors.js";
import type { DingTalkRuntime } from "./runtime.js";
import { SIGNIN_PATH } from "./signin.js";

const JSAPI_PATH = "/static/dingtalk/jsapi.js";
/** Under /api: errors come back as JSON for the page's script. */
export const SIGNIN_API = "/api/dingtalk/signin";

const codeInput = z.object({
  code: z.string({ error: "缺少登录凭据" }).min(1, "缺少登录凭据").max(512),
  next: z.string().max(1024),
  state: z.string().max(64),
});

export function dingtalkRoutes(rt: DingTalkRuntime): Router<WebState> {
  const router = new Router<WebState>();

  router.get(SIGNIN_PATH, async (ctx) => {
    const next = typeof ctx.query.next === "string" ? ctx.query.next : "";
    const state = typeof ctx.query.state === "string" ? ctx.query.state : "";
    checkLink(rt, next, state);
    ctx.type = "html";
    ctx.body = page({
      title: "正在登录",
      scripts: [JSAPI_PATH, "/static/dingtalk/signin.js"],
      body: html`<div id="signin" data-corp-id="${rt.config.corpId}"
data-client-id="${rt.config.clientId}" data-next="${next}" data-state="${state}">
<p id="signin-status" class="hint">正在通过钉钉确认您的身份……</p>
</div>`,
    });
  });

  router.post(SIGNIN_API, async (ctx) => {
    const input = parse(codeInput, ctx.state.body, {
      code: "登录凭据",
      next: "页面",
      state: "链接签名",
    });
    checkLink(rt, input.next, input.state);
    let userId: string | undefined;
    try {
      userId = await rt.api.userIdForCode(input.code);
    } catch (error) {
      if (error instanceof DingTalkApiError && error.code === "40078") {
        throw new AppError(
          "dingtalk_code_expired",
          "登录凭据已失效（只能使用一次）。请回到钉钉重新打开此链接。",
          401,
        );
      }
      rt.log.warn(
        { code: "dingtalk_signin_failed", reason: (error as Error).message },
        "dingtalk: could not learn who opened a page",
      );
      throw new AppError(
        "dingtalk_signin_failed",
        "暂时无法通过钉钉确认您的身份，请稍后重试；如果仍然不行，请联系管理员。",
        502,
      );
    }
    if (!userId) {
      throw new AppError(
        "dingtalk_not_member",
        "只有本单位钉钉通讯录中的成员可以打开此页面。",
        403,
      );
    }
    const person = await rt.bot.ctx.directory.personByBinding(
      "dingtalk",
      userId,
    );
    if (!person) {
      throw unknownPerson();
    }
    startSession(ctx, person.id);
    ctx.body = { next: input.next };
  });

  return router;
}

function checkLink(rt: DingTalkRuntime, next: string, state: string): void {
  if (!isLocalPath(next) || !rt.signIn.checkState(next, state)) {
    throw new AppError(
      "dingtalk_bad_link",
      "登录链接不完整或已被改动。请回到钉钉，从卡片或消息中重新打开。",
      400,
    );
  }
}

/** The sign-in script, and the JSAPI bundled on first request. */
export function dingtalkStatic(): Middleware<WebState> {
  const files = staticFiles(
    "/static/dingtalk",
    new URL("./public/", import.meta.url),
    ["signin.js"],
  );
  let bundle: Promise<Uint8Array> | undefined;
  return async (ctx, next) => {
    if (ctx.path !== JSAPI_PATH || ctx.method !== "GET") {
      return files(ctx, next);
    }
    bundle ??= bundleJsapi().catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    ctx.type = "text/javascript; charset=utf-8";
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = Buffer.from(await bundle);
  };
}

async function bundleJsapi(): Promise<Uint8Array> {
  const { build } = await import("esbuild");
  const result = await build({
    stdin: {
      contents:
        'import * as api from "dingtalk-jsapi";\n' +
        "window.dd = api.default || api;\n",
      resolveDir: new URL(".", import.meta.url).pathname,
      loader: "js",
    },
    bundle: true,
    format: "iife",
    minify: true,
    write: false,
    platform: "browser",
    logLevel: "silent",
  });
  return result.outputFiles[0].contents;
}

/** Pages opened inside DingTalk (its User-Agent says so) sign in first. */
export function signInInsideDingTalk(
  rt: DingTalkRuntime,
): Middleware<WebState> {
  return signInFirst(/DingTalk/i, (path) => rt.signIn.signInUrl(path), [
    SIGNIN_PATH,
  ]);
}
