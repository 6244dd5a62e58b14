/**
 * Official tables from the browser: a page to choose a table and a
 * period (HRSS may pick any unit, others get their own), and the
 * download of a file exported for the signed-in person. Files are kept a
 * day and fetched only by the person they were made for.
 */
import { createReadStream } from "node:fs";
import { Router } from "@koa/router";
import { AppError } from "../../errors.js";
import { isHrss } from "../../exports/access.js";
import { exportToFile, openExport } from "../../exports/files.js";
import { TABLES, type TableName } from "../../exports/tables.js";
import { html } from "../html.js";
import { requirePerson } from "../session.js";
import type { WebState } from "../state.js";
import { page } from "./layout.js";

const FEEDBACK_TABLES = (Object.keys(TABLES) as TableName[]).filter(
  (t) => t !== "receipt",
);

export function exportRoutes(): Router<WebState> {
  const router = new Router<WebState>();

  router.get("/exports", async (ctx) => {
    const person = await requirePerson(ctx);
    const hrss = isHrss(person);
    const units = hrss ? await ctx.state.bot.ctx.directory.units() : [];
    ctx.type = "html";
    ctx.body = page({
      title: "导出官方表格",
      person,
      body: html`<form method="get" action="/exports/file" class="form">
<label>表格
<select name="table">${FEEDBACK_TABLES.map((t) => {
        const { label, attachments } = TABLES[t];
        const name = `${label}（附件${attachments.join("、")}）`;
        return html`<option value="${t}">${name}</option>`;
      })}</select></label>
<label>期间
<input name="period" required placeholder="如 2026-10、2026-Q4 或 2026；考勤表、接访报告填活动名称或编号"></label>
${hrss
  ? html`<label>单位
<select name="unit"><option value="">全部单位</option>${units.map(
      (u) => html`<option value="${String(u.id)}">${u.shortName}</option>`,
    )}</select></label>`
  : html`<p class="hint">导出本单位（${person.unit.shortName}）移送或承办的案件；
行业主管部门可导出本单位报送的新开工项目表；接访点人社部门可导出本接访点的考勤表。</p>`}
<p><button type="submit" class="button">导出 Excel</button></p>
<p class="hint">签收回执请在案件详情页下载，或在聊天中发送“导出 回执 文号”。
考勤表（附件 6）和接访报告在“期间”中填写集中接访活动的名称或编号（如 #3），
也可在活动详情页直接导出。项目表（附件 1）按项目开工时间所在的期间导出，
每个报送单位一张表；报送统计表列出各单位按时、迟报、漏报和核查整改情况，
仅人社部门可导出。导出记入操作记录，文件保留一天。</p>
</form>`,
    });
  });

  router.get("/exports/file", async (ctx) => {
    const person = await requirePerson(ctx);
    const q = ctx.query;
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    const unit = text(q.unit);
    if (unit !== undefined && unit !== "" && !/^[1-9]\d{0,9}$/.test(unit)) {
      throw new AppError("bad_unit", "单位：请从列表中选择。", 422, "unit");
    }
    const file = await exportToFile(ctx.state.bot.ctx, person, "web", {
      table: text(q.table) ?? "",
      period: text(q.period),
      referralNumber: text(q.number),
      unitId: unit ? Number(unit) : undefined,
    });
    ctx.status = 303;
    ctx.redirect(`/exports/${file.token}`);
  });

  router.get("/exports/:token", async (ctx) => {
    const person = await requirePerson(ctx);
    const file = await openExport(
      ctx.state.bot.ctx,
      ctx.params.token,
      person.id,
    );
    ctx.type =
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ctx.set(
      "Content-Disposition",
      `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    );
    ctx.body = createReadStream(file.path);
  });

  return router;
}
