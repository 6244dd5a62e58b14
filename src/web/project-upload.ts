/**
 * Attachment 1 uploaded from the page: the browser posts the file's bytes
 * as the request body (no multipart), first to be checked, then, once
 * the person saw the preview, to be imported whole. Nothing is kept
 * between the two: the page sends the file again, with the submissionId
 * that makes the import happen once.
 *
 * Mounted before the JSON body reader, which would refuse the file: this
 * reads the body itself, up to the sheet reader's own size limit.
 */
import { Router } from "@koa/router";
import type { Context } from "koa";
import type { Calendar } from "../calendar/calendar.js";
import { CLOCK_RULES } from "../clocks/rules.js";
import { AppError } from "../errors.js";
import { MAX_FILE_BYTES, sheetError } from "../projects/package.js";
import type { SheetCheck } from "../projects/service.js";
import { dateOf, type IsoDate } from "../time.js";
import { parse } from "../validation.js";
import { acting, answer } from "./api.js";
import { decisionLabels, keyOnlyInput } from "./inputs.js";
import { assertCanReport } from "./project-guards.js";
import type { WebState } from "./state.js";

/** What browsers and Excel call an .xlsx; any bytes may come as octet-stream. */
const FILE_TYPES = [
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/octet-stream",
];

export function projectUploadRoutes(): Router<WebState> {
  const router = new Router<WebState>({ prefix: "/api/projects/upload" });

  router.post("/preview", async (ctx) => {
    const actor = await acting(ctx);
    assertCanReport(actor.person);
    const file = await readFile(ctx);
    const { bot } = ctx.state;
    const checked = await bot.projects.previewSheet(actor, file);
    const cal = await bot.ctx.calendars.get();
    ctx.body = previewJson(checked, cal, dateOf(bot.ctx.clock.now()));
  });

  router.post("/import", async (ctx) => {
    const actor = await acting(ctx);
    assertCanReport(actor.person);
    const { submissionId } = parse(
      keyOnlyInput,
      { submissionId: ctx.query.submissionId },
      decisionLabels,
    );
    const file = await readFile(ctx);
    const outcome = await ctx.state.bot.projects.importSheet(actor, file, {
      fileName: fileName(ctx),
      key: submissionId,
    });
    await answer(ctx, outcome, outcome.duplicate ? 200 : 201);
  });

  return router;
}

/**
 * The preview as the page shows it: each row to import with the day its
 * report is due and how late it would be today (as the report clock will
 * count it), the rows already reported, and every problem.
 */
function previewJson(checked: SheetCheck, cal: Calendar, today: IsoDate) {
  const workdays = CLOCK_RULES["project.report"].workdays;
  // The service leaves rows with an area or calendar problem among the
  // rows to store; the page lists them under their problems only.
  const wrong = new Set(checked.errors.map((e) => e.rowNumber));
  const rows = checked.rows.filter((r) => !wrong.has(r.rowNumber));
  return {
    ok: checked.ok,
    rows: rows.map(({ rowNumber, values: v }) => {
      const due = cal.addWorkdays(v.startDate, workdays).due;
      return {
        rowNumber,
        name: v.name,
        builder: v.builder,
        jurisdiction: v.jurisdiction,
        startDate: v.startDate,
        reportDueDate: due,
        lateDays: today > due ? cal.workdaysAfter(due, today) : 0,
      };
    }),
    duplicates: checked.duplicates,
    errors: checked.errors,
    meta: checked.meta,
  };
}

/**
 * The body's bytes. A body over the limit is read to its end without
 * being kept, so the browser receives the answer rather than a reset.
 */
async function readFile(ctx: Context): Promise<Buffer> {
  const type = ctx.get("content-type").split(";")[0].trim().toLowerCase();
  if (!FILE_TYPES.includes(type)) {
    throw new AppError(
      "unsupported_media_type",
      "请上传 Excel 表格文件（.xlsx），以文件内容作为请求正文提交。",
      415,
    );
  }
  if (Number(ctx.get("content-length") || 0) > MAX_FILE_BYTES) {
    throw sheetError("sheet_too_large");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_FILE_BYTES) {
      chunks.push(buffer);
    }
  }
  if (size > MAX_FILE_BYTES) {
    throw sheetError("sheet_too_large");
  }
  if (size === 0) {
    throw new AppError(
      "file_missing",
      "没有收到文件，请选择要上传的附件1表格（.xlsx）。",
      400,
    );
  }
  return Buffer.concat(chunks);
}

/** The name the browser gave the file (X-File-Name, percent-encoded). */
function fileName(ctx: Context): string | undefined {
  const raw = ctx.get("x-file-name");
  if (!raw) {
    return undefined;
  }
  try {
    const name = decodeURIComponent(raw).split(/[\\/]/).pop()?.trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}
