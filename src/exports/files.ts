/**
 * Exported tables as files for one person: written under EXPORT_DIR with
 * an unguessable name, recorded with their owner, fetched only by that
 * owner (a download in the browser, a file message in chat), deleted
 * after a day. Files never go to a group: they hold personal data.
 */
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { and, eq, lt } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import type { Person } from "../units/directory.js";
import {
  exportTable,
  type ExportRequest,
  type ExportResult,
} from "./export.js";

const KEEP_MS = 24 * 3_600_000;

export interface ExportFile extends ExportResult {
  token: string;
}

export function exportPath(dir: string, token: string): string {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) {
    throw fileGone();
  }
  return join(dir, `${token}.xlsx`);
}

/** Exports for a person (checked and audited by exportTable) into a file. */
export async function exportToFile(
  ctx: AppContext,
  person: Person,
  channel: "sim" | "wecom" | "dingtalk" | "web",
  request: ExportRequest,
): Promise<ExportFile> {
  const dir = ctx.config.exportDir;
  mkdirSync(dir, { recursive: true });
  await removeExpired(ctx);
  const token = randomBytes(24).toString("base64url");
  const path = exportPath(dir, token);
  const partial = `${path}.part`;
  const out = createWriteStream(partial);
  let result: ExportResult;
  try {
    result = await exportTable(ctx, { person, channel }, request, out);
    await finished(out);
  } catch (error) {
    // The file opens asynchronously: removed before its close, a refused
    // export's part file would come back after the removal.
    if (!out.closed) {
      await new Promise<void>((resolve) => {
        out.once("close", () => resolve()).destroy();
      });
    }
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, path);
  // Files are kept a day of real time, whatever the simulated clock says.
  await ctx.store.tx((q) =>
    ctx.store.insert(q, ctx.store.t.exportFiles, {
      token,
      personId: person.id,
      fileName: result.fileName,
      bytes: statSync(path).size,
      createdAt: Date.now(),
      expiresAt: Date.now() + KEEP_MS,
    }),
  );
  return { ...result, token };
}

/** The file behind a token, for its owner only. */
export async function openExport(
  ctx: AppContext,
  token: string,
  personId?: number,
): Promise<{ path: string; fileName: string }> {
  const path = exportPath(ctx.config.exportDir, token);
  const { exportFiles } = ctx.store.t;
  const [row] = await ctx.store.db
    .select()
    .from(exportFiles)
    .where(eq(exportFiles.token, token));
  if (!row || row.expiresAt <= Date.now()) {
    throw fileGone();
  }
  if (personId !== undefined && row.personId !== personId) {
    throw new AppError(
      "export_not_yours",
      "这个文件是为其他人导出的，不能下载。请自己导出一份。",
      403,
    );
  }
  return { path, fileName: row.fileName };
}

/** Files past their day are deleted with their records. */
async function removeExpired(ctx: AppContext): Promise<void> {
  const { exportFiles } = ctx.store.t;
  const now = Date.now();
  const old = await ctx.store.db
    .select()
    .from(exportFiles)
    .where(lt(exportFiles.expiresAt, now));
  for (const row of old) {
    rmSync(exportPath(ctx.config.exportDir, row.token), { force: true });
    await ctx.store.db
      .delete(exportFiles)
      .where(and(eq(exportFiles.id, row.id), lt(exportFiles.expiresAt, now)));
  }
}

const fileGone = () =>
  new AppError(
    "export_gone",
    "文件已过期或不存在（导出的文件保留一天）。请重新导出。",
    404,
  );
