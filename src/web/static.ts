/**
 * Serves a fixed list of files (the stylesheet and scripts of the pages).
 * Only names on the list are served, read once at start-up, so no request
 * path ever reaches the file system.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Middleware } from "koa";

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/** `dir` is a file: URL of a folder, ending in a slash. */
export function staticFiles(
  prefix: string,
  dir: URL,
  names: string[],
): Middleware {
  const files = new Map(
    names.map((name) => [
      `${prefix}/${name}`,
      {
        body: readFileSync(fileURLToPath(new URL(name, dir))),
        type: TYPES[extname(name)] ?? "application/octet-stream",
      },
    ]),
  );
  return async (ctx, next) => {
    const file = files.get(ctx.path);
    if (!file || (ctx.method !== "GET" && ctx.method !== "HEAD")) {
      return next();
    }
    ctx.type = file.type;
    // Small files; revalidating each time keeps a redeploy visible at once.
    ctx.set("Cache-Control", "no-cache");
    ctx.body = file.body;
  };
}
