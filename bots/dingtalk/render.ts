/**
 * Neutral cards in the variables of our DingTalk card template
 * (bots/dingtalk/templates/notice-card.json): every value a string, lists
 * as JSON text (dingtalk.md 4.5). Links to our pages open inside DingTalk
 * through its sign-in page.
 */
import { clean, clip } from "../../src/channels/text.js";
import type { Card } from "../../src/channels/types.js";

export type ParamMap = Record<string, string>;

/** The template's variables; also what the start-up check expects. */
export const TEMPLATE_VARIABLES = [
  "title",
  "status",
  "statusColor",
  "content",
  "buttons",
  "detailUrl",
  "updatedAt",
] as const;

const COLORS: Record<NonNullable<Card["status"]>["tone"], string> = {
  info: "blue",
  success: "green",
  warning: "orange",
  danger: "red",
};

/** DingTalk keeps a value to 1 KB; ours stay well inside. */
const VALUE_CHARS = 300;

export function cardParams(
  card: Card,
  link: (url: string) => string,
  updatedAt: string,
): ParamMap {
  const lines = card.fields.map(
    (f) => `**${clip(f.label, 12)}**：${clip(f.value || "—", 60)}`,
  );
  if (card.note) {
    lines.push(clip(card.note, 160));
  }
  return {
    title: clip(card.title, 60),
    status: clip(card.status?.text ?? "", 40),
    statusColor: COLORS[card.status?.tone ?? "info"],
    content: clean(lines.join("\n")).slice(0, VALUE_CHARS * 3),
    buttons: JSON.stringify(
      card.buttons.slice(0, 6).map((b) => ({
        text: clip(b.label, 10),
        action: b.action ?? "",
        url: b.url ? link(b.url) : "",
        style:
          b.style === "primary"
            ? "primary"
            : b.style === "danger"
              ? "danger"
              : "normal",
      })),
    ),
    detailUrl: card.url ? link(card.url) : "",
    updatedAt,
  };
}

/** A card as group markdown: groups get no buttons to click. */
export function cardAsMarkdown(
  card: Card,
  link: (url: string) => string,
): { title: string; text: string } {
  const lines = [`### ${card.title}`];
  if (card.status) {
    lines.push(`**${card.status.text}**`);
  }
  for (const f of card.fields) {
    lines.push(`- ${f.label}：${f.value}`);
  }
  if (card.note) {
    lines.push(card.note);
  }
  if (card.url) {
    lines.push(`[查看详情](${link(card.url)})`);
  }
  return { title: clip(card.title, 30), text: lines.join("\n") };
}
