/**
 * The simulator's two pages: "who are you" and the chat. The chat is a
 * shell; sim.js fills it from /sim/api/state and keeps it current.
 */
import type { Person } from "../../src/units/directory.js";
import { html } from "../../src/web/html.js";
import { page, rolesText } from "../../src/web/pages/layout.js";
import {
  assertCanOpenProjects,
  mayOpen,
} from "../../src/web/project-guards.js";

const STYLES = ["/sim/static/sim.css"];

export function pickerPage(people: Person[]): string {
  const byUnit = new Map<string, Person[]>();
  for (const person of people) {
    const list = byUnit.get(person.unit.shortName) ?? [];
    list.push(person);
    byUnit.set(person.unit.shortName, list);
  }
  const groups = [...byUnit].map(([unit, list]) => html`<section>
<h2>${unit}</h2>
<ul class="people">${list.map((p) => html`<li>
<form method="post" action="/sim/login">
<input type="hidden" name="personId" value="${p.id}">
<button type="submit" class="person" data-person="${p.name}">
<span class="name">${p.name}</span>
<span class="meta">${p.title ?? ""} · ${rolesText(p)}</span>
</button>
</form></li>`)}</ul>
</section>`);

  return page({
    title: "模拟器：选择身份",
    styles: STYLES,
    body: html`<p>这是本地模拟的工作群，用于演示和测试。请选择以哪位人员的身份进入，您将看到他（她）在聊天中收到的消息和卡片。</p>
${groups}`,
  });
}

export function chatPage(options: {
  person: Person;
  canRefer: boolean;
  manualClock: boolean;
  jobs: Record<string, string>;
}): string {
  const { person } = options;
  const setTime = options.manualClock
    ? html`<form id="clock-form" class="clock-form" novalidate>
<label for="clock-input">设为</label>
<input type="datetime-local" id="clock-input" name="instant">
<button type="submit">设置时间</button>
</form>`
    : html`<p class="hint">机器人使用系统时间运行，不能调整。</p>`;
  const refer = options.canRefer
    ? html`<button type="button" id="new-referral" class="primary"
 data-url="/referrals/new">新建移送</button>`
    : "";

  const campaigns = html`<button type="button" id="campaigns-page"
 data-url="/campaigns">集中接访</button>`;
  const projects = mayOpen(() => assertCanOpenProjects(person))
    ? html`<button type="button" id="projects-page"
 data-url="/projects">新开工项目</button>`
    : "";
  const admin = person.roles.has("admin")
    ? html`<button type="button" id="admin-page" data-url="/admin">管理</button>`
    : "";

  return page({
    title: "模拟工作群",
    person,
    styles: STYLES,
    scripts: ["/sim/static/sim.js"],
    body: html`<div class="sim">
<div class="sim-bar">
<span>当前身份：<strong id="me-name">${person.name}</strong>（${
      person.unit.shortName
    } · ${rolesText(person)}）</span>
<a href="/sim?switch=1">切换身份</a>
</div>

<details class="sim-clock" id="sim-clock">
<summary>模拟时间：<span id="clock-now">…</span></summary>
${setTime}
<p class="issue" id="clock-issue" role="alert" hidden></p>
<div class="jobs">${Object.entries(options.jobs).map(
  ([name, label]) =>
    html`<button type="button" data-job="${name}">运行：${label}</button> `,
)}</div>
</details>

<div id="office-note" class="notice notice-info" hidden></div>
<div id="notice" class="notice" role="status" hidden></div>

<div class="sim-actions">${refer} ${campaigns} ${projects} ${admin}</div>

<nav class="tabs" role="tablist">
<button type="button" role="tab" data-tab="person" aria-selected="true">我的消息</button>
<button type="button" role="tab" data-tab="group"
 aria-selected="false">联动机制群 <span id="group-count"></span></button>
</nav>

<ol id="inbox-person" class="messages" aria-live="polite"></ol>
<form id="say-form" class="say-form" novalidate>
<input id="say-input" name="text" maxlength="500" autocomplete="off"
 placeholder="给机器人发消息，如：待办、帮助" aria-label="消息">
<button type="submit">发送</button>
</form>
<ol id="inbox-group" class="messages" aria-live="polite" hidden></ol>
</div>

<div id="webview-panel" class="webview-panel" hidden>
<div class="webview-bar">
<span id="webview-title"></span>
<button type="button" id="webview-close">关闭</button>
</div>
<iframe id="webview" name="webview" title="页面"></iframe>
</div>`,
  });
}
