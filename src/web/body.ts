/**
 * A small request body reader: JSON (the API and the form script) and
 * urlencoded forms (the simulator's sign-in, pages without script). Written
 * here rather than added as a dependency because these two cases are all
 * the app accepts.
 */
import type { Middleware } from "koa";
import { AppError } from "../errors.js";
import type { WebState } from "./state.js";

export const BODY_LIMIT_BYTES = 1024 * 1024;

const tooLarge = () =>
  new AppError(
    "body_too_large",
    "提交的内容过大（超过 1 MB），请删减后重试。",
    413,
  );

const badJson = () =>
  new AppError(
    "bad_json",
    "提交的内容不是有效的 JSON，请检查格式后重试。",
    400,
  );

const unsupported = () =>
  new AppError(
    "unsupported_media_type",
    "只接受 JSON 或表单格式的提交（application/json 或 " +
      "application/x-www-form-urlencoded）。",
    415,
  );

export function bodyReader(): Middleware<WebState> {
  return async (ctx, next) => {
    ctx.state.body = {};
    if (["POST", "PUT", "PATCH"].includes(ctx.method)) {
      ctx.state.body = await readBody(ctx.req, ctx.get("content-type"));
    }
    await next();
  };
}

async function readBody(
  req: NodeJS.ReadableStream & { headers: Record<string, unknown> },
  contentType: string,
): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > BODY_LIMIT_BYTES) {
    throw tooLarge();
  }
  const text = await readText(req);
  if (text.trim() === "") {
    return {};
  }

  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "application/json") {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badJson();
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return Object.fromEntries(new URLSearchParams(text));
  }
  throw unsupported();
}

/**
 * Reads the stream as UTF-8. Past the limit it keeps draining without
 * keeping anything, so the client still receives the 413 answer instead
 * of a reset connection.
 */
async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size <= BODY_LIMIT_BYTES) {
      chunks.push(buffer);
    }
  }
  if (size > BODY_LIMIT_BYTES) {
    throw tooLarge();
  }
  return Buffer.concat(chunks).toString("utf8");
}
