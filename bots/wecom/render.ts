/**
 * Neutral messages in WeCom's shapes: a Card becomes a button_interaction
 * template card, texts and markdown are split to fit WeCom's byte limits
 * at line ends (never inside a character). Links to our pages are passed
 * through `link`, which wraps them in WeCom's sign-in.
 */
import { clip } from "../../src/channels/text.js";
import type { Card, CardButton } from "../../src/channels/types.js";

export {
  byteLength,
  clean,
  clip,
  splitByBytes,
} from "../../src/channels/text.js";

type Json = Record<string, unknown>;

/** app text and markdown: 2048 bytes; the group robot's markdown: 4096. */
export const APP_TEXT_BYTES = 2048;
export const ROBOT_MARKDOWN_BYTES = 4096;

const STYLE: Record<NonNullable<CardButton["style"]>, number> = {
  primary: 1,
  default: 2,
  danger: 4,
};

const SOURCE = { desc: "欠薪联动助手", desc_color: 0 };

/**
 * The card as WeCom shows it. Up to six fields side by side (WeCom's
 * limit); more go into the sub-title with the note. Buttons that call
 * back carry the neutral action as their key.
 */
export function templateCard(
  card: Card,
  taskId: string,
  link: (url: string) => string,
): Json {
  const shown = card.fields.slice(0, 6);
  const rest = card.fields.slice(6).map((f) => `${f.label}：${f.value}`);
  const subTitle = [card.note, ...rest].filter(Boolean).join("\n");
  const buttons = card.buttons.slice(0, 6).map((b) => button(b, link));
  const body: Json = {
    card_type: "button_interaction",
    source: SOURCE,
    main_title: {
      title: clip(card.title, 36),
      ...(card.status ? { desc: clip(card.status.text, 44) } : {}),
    },
    horizontal_content_list: shown.map((f) => ({
      keyname: clip(f.label, 8),
      value: clip(f.value || "—", 30),
    })),
    button_list: buttons,
    task_id: taskId,
  };
  if (subTitle) {
    body.sub_title_text = clip(subTitle, 160);
  }
  if (card.url) {
    body.card_action = { type: 1, url: link(card.url) };
  }
  return body;
}

function button(b: CardButton, link: (url: string) => string): Json {
  const text = clip(b.label, 10);
  const style = STYLE[b.style ?? "default"];
  if (b.url) {
    return { text, style, type: 1, url: link(b.url) };
  }
  return { text, style, type: 0, key: b.action ?? "" };
}

/** Markdown content: the title in bold unless the text starts with one. */
export function markdownContent(title: string, text: string): string {
  return text.startsWith("**") || text.startsWith("#")
    ? text
    : `**${title}**\n${text}`;
}
