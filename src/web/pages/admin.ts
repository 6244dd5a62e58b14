/**
 * The administrator's page (/admin): undelivered messages with the reason
 * and a way to send them again, the register of cases reported to the
 * city government office, returns per unit, and calendar coverage.
 */
import { Router } from "@koa/router";
import {
  adminOverview,
  requireAdmin,
  retryMessage,
  retryPush,
} from "../../admin/overview.js";
import type { Bot } from "../../boot.js";
import { formatInstant } from "../../time.js";
import { html } from "../html.js";
import { routeId } from "../params.js";
import { requirePerson } from "../session.js";
import type { WebState } from "../state.js";
import { apiForm } from "./form-kit.js";
import { page } from "./layout.js";

type Overview = Awaited<ReturnType<typeof adminOverview>>;
type Platforms = Awaited<ReturnType<typeof platformStatus>>;

const STREAM_STATES: Record<string, string> = {
  connecting: "正在连接",
  connected: "已连接",
  backing_off: "连接中断，稍后重连",
  auth_failed: "认证失败：请核对 DINGTALK_CLIENT_ID 和 DINGTALK_CLIENT_SECRET",
  stopped: "未运行",
};

/** The chat platforms' connections and allowances. */
async function platformStatus(bot: Bot) {
  const rt = bot.dingtalk;
  if (!rt) {
    return {};
  }
  return {
    dingtalk: {
      stream: rt.stream.health(),
      usage: await rt.api.usage(),
      template: rt.template,
    },
  };
}

function platformBody(p: Platforms) {
  const d = p.dingtalk;
  if (!d) {
    return "";
  }
  const share = Math.round((d.usage.calls / d.usage.quota) * 100);
  const state = STREAM_STATES[d.stream.state] ?? d.stream.state;
  const why = d.stream.lastError ? html`（${d.stream.lastError}）` : "";
  const nearlyUsed =
    share >= 80
      ? html` <strong class="late">即将用完，请减少发送或升级钉钉版本</strong>`
      : "";
  return html`<h2>钉钉</h2>
<ul class="history">
<li>Stream 连接：${state}${why}</li>
<li>本月（${d.usage.month}）接口调用：${d.usage.calls} / ${d.usage.quota} 次（${share}%）${nearlyUsed}</li>
<li>卡片模板：${templateText(d.template)}</li>
</ul>
`;
}

function templateText(check: { ok?: boolean; reason?: string } | undefined) {
  if (check === undefined) {
    return "尚未检查";
  }
  if (check.ok === true) {
    return "可用";
  }
  const reason = check.reason ?? "";
  return check.ok === undefined
    ? html`暂时无法检查（${reason}），稍后自动重试`
    : html`<strong class="late">不可用：${reason}</strong>`;
}

export function adminRoutes(): Router<WebState> {
  const router = new Router<WebState>();

  router.get("/admin", async (ctx) => {
    const person = await requirePerson(ctx);
    requireAdmin(person);
    const overview = await adminOverview(ctx.state.bot.ctx);
    const platforms = await platformStatus(ctx.state.bot);
    ctx.type = "html";
    ctx.body = page({
      title: "管理",
      person,
      body: html`${platformBody(platforms)}${adminBody(overview)}`,
    });
  });

  router.get("/api/admin/overview", async (ctx) => {
    requireAdmin(await requirePerson(ctx));
    ctx.body = {
      ...(await adminOverview(ctx.state.bot.ctx)),
      platforms: await platformStatus(ctx.state.bot),
    };
  });

  router.post("/api/admin/outbox/:id/retry", async (ctx) => {
    const person = await requirePerson(ctx);
    await retryMessage(ctx.state.bot.ctx, person, routeId(ctx, "该消息"));
    await ctx.state.bot.deliverNow();
    ctx.body = { message: "已重新投递。" };
  });

  router.post("/api/admin/inbound/:id/retry", async (ctx) => {
    const person = await requirePerson(ctx);
    await retryPush(ctx.state.bot.ctx, person, routeId(ctx, "该推送"));
    await ctx.state.bot.wecom?.inbox.kick();
    await ctx.state.bot.dingtalk?.inbox.queue.kick();
    ctx.body = { message: "已重新处理。" };
  });

  return router;
}

function adminBody(o: Overview) {
  const calendarNote = o.provisionalClocks
    ? html`<p class="late">有 ${o.provisionalClocks} 个未结期限跨越了没有节假日数据的日期，请用
<code>npm run calendar -- load 文件</code> 载入后自动重算。</p>`
    : "";
  return html`<h2>投递失败的消息（${o.failed.length}）</h2>
<p class="hint">待投递：${o.pendingCount} 条。失败的消息排除原因后可重新投递。</p>
${o.failed.length === 0
  ? html`<p class="empty">没有投递失败的消息。</p>`
  : html`<ul class="history">${o.failed.map((m) => html`<li>
<strong>${m.to}</strong>（${m.kind}，${formatInstant(m.createdAt)}，已尝试 ${m.attempts} 次）
<p>原因：${m.reason}</p>
${apiForm({
  api: `/api/admin/outbox/${m.id}/retry`,
  submitLabel: "重新投递",
  fields: [],
  done: { href: "/admin", label: "返回管理页" },
})}</li>`)}</ul>`}

${o.failedPushes.length === 0
  ? ""
  : html`<h2>处理失败的平台推送（${o.failedPushes.length}）</h2>
<p class="hint">聊天平台送来的点击或消息多次处理出错。排除原因后可重新处理；同一操作不会被重复办理。</p>
<ul class="history">${o.failedPushes.map((p) => html`<li>
<strong>${p.channel}</strong>（${formatInstant(p.receivedAt)} 收到，已尝试 ${p.attempts} 次）
<p>原因：${p.reason}</p>
${apiForm({
  api: `/api/admin/inbound/${p.id}/retry`,
  submitLabel: "重新处理",
  fields: [],
  done: { href: "/admin", label: "返回管理页" },
})}</li>`)}</ul>`}

<h2>报市政府办公室名单（反馈逾期 5 个工作日以上）</h2>
${o.escalations.length === 0
  ? html`<p class="empty">暂无。</p>`
  : html`<ul class="history">${o.escalations.map((e) => html`<li>
<a href="/referrals/${e.referralId}">${e.number}</a>
${e.caseName}：${e.unit}，逾期 ${
  e.overdueDays
} 个工作日（${e.escalatedOn} 列入）${e.status === "closed" ? "，现已办结" : ""}</li>`)}</ul>`}

<h2>报市政府办公室名单（新开工项目）</h2>
${o.lateProjects.length === 0 && o.omissionUnits.length === 0
  ? html`<p class="empty">暂无。</p>`
  : html`<ul class="history">${o.lateProjects.map((e) => html`<li>
<a href="/projects/${e.projectId}">${e.name}</a>：${e.unit}迟报 ${
  e.overdueDays
} 个工作日（${e.escalatedOn} 列入）</li>`)}${o.omissionUnits.map((e) => html`<li>
${e.unit}：${e.year} 年累计漏报 ${e.omissions} 条（${e.escalatedOn} 列入）</li>`)}</ul>`}

<h2>退回次数（按单位）</h2>
${o.returnsByUnit.length === 0
  ? html`<p class="empty">暂无退回。</p>`
  : html`<ul class="history">${o.returnsByUnit.map(
      (r) => html`<li>${r.unit}：${r.count} 次</li>`,
    )}</ul>`}

<h2>节假日数据</h2>
<p>已有数据的年份：${o.calendarYears.join("、")}</p>
${calendarNote}`;
}
