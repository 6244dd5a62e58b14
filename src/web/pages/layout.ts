/**
 * The frame every page shares: sized for a phone-sized chat webview, one
 * stylesheet, one script, no inline code (the CSP forbids it).
 */
import type { Person } from "../../units/directory.js";
import { html, type SafeHtml } from "../html.js";

export const ROLE_LABELS: Record<string, string> = {
  caseworker: "经办人员",
  liaison: "联络员",
  leader: "负责人",
  admin: "管理员",
};

export function rolesText(person: Person): string {
  return [...person.roles].map((r) => ROLE_LABELS[r] ?? r).join("、");
}

export function page(options: {
  title: string;
  body: SafeHtml;
  person?: Person;
  /** Extra stylesheets and scripts, by URL (same origin). */
  styles?: string[];
  scripts?: string[];
}): string {
  const { title, body, person } = options;
  const styles = ["/static/app.css", ...(options.styles ?? [])];
  const scripts = ["/static/form.js", ...(options.scripts ?? [])];
  const who = person
    ? html`<span class="who">${person.name} · ${person.unit.shortName}</span>`
    : "";
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - 欠薪联动助手</title>
${styles.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}
${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}
</head>
<body>
<header class="top"><span class="brand">欠薪联动助手</span>${who}</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`.value;
}

/** A page that only says what went wrong and what to do. */
export function messagePage(options: {
  title: string;
  message: string;
  links?: { href: string; label: string }[];
  person?: Person;
}): string {
  const links = options.links ?? [];
  return page({
    title: options.title,
    person: options.person,
    body: html`<div class="notice notice-error" role="alert">
<p>${options.message}</p>
</div>
${links.length
  ? html`<p class="links">${links.map(
      (l) => html`<a class="button" href="${l.href}">${l.label}</a> `,
    )}</p>`
  : ""}`,
  });
}
