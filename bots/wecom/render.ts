/**
 * Neutral messages in WeCom's shapes: a Card becomes a button_interaction
 * template card, texts and markdown are split to fit WeCom's byte limits
 * at line ends (never inside a character). Links to our pages are passed
 * through `link`, which wraps them in WeCom's sign-in.
 */
import type { Card, CardButton } from "../../src/channels/types.js";

type Json = Record<string, unknown>;

/** app text and markdown: 2048 bytes; the group robot's markdown: 4096. */
export const APP_TEXT_BYTES = 2048;
export const ROBOT_MARKDOWN_BYTES = 4096;

/** More parts than this and the message is cut short with a pointer. */
const MAX_PARTS = 4;

const STYLE: Record<NonNullable<CardButton["style"]>, number> = {
  primary: 1,
  default: 2,
  danger: 4,
};

const SOURCE = { desc: "欠薪联动助手", desc_color: 0 };

export const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Text WeCom accepts: half a surrogate pair would travel as a \uXXXX
 * escape, which it refuses (errcode 40033), and so would control
 * characters other than line breaks and tabs.
 */
export function clean(value: string): string {
  return value
    .replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      "\uFFFD",
    )
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
}

/** The first `max` characters (code points), with "…" when cut. */
export function clip(value: string, max: number): string {
  const chars = [...clean(value)];
  return chars.length <= max ? value : chars.slice(0, max - 1).join("") + "…";
}

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

/**
 * Splits a text into parts of at most `limit` UTF-8 bytes, preferring line
 * ends, then any character boundary. Beyond MAX_PARTS the rest is replaced
 * by `overflow` (a pointer to where the whole text can be read).
 */
export function splitByBytes(
  text: string,
  limit: number,
  overflow = "……（内容较长，其余请在系统中查看）",
): string[] {
  text = clean(text);
  if (byteLength(text) <= limit) {
    return [text];
  }
  const parts: string[] = [];
  let current = "";
  const flush = () => {
    if (current !== "") {
      parts.push(current);
      current = "";
    }
  };
  for (const line of text.split("\n")) {
    const candidate = current === "" ? line : `${current}\n${line}`;
    if (byteLength(candidate) <= limit) {
      current = candidate;
      continue;
    }
    flush();
    // A line longer than the limit on its own: cut between characters.
    let piece = "";
    for (const char of line) {
      if (byteLength(piece + char) > limit) {
        parts.push(piece);
        piece = "";
      }
      piece += char;
    }
    current = piece;
  }
  flush();
  if (parts.length <= MAX_PARTS) {
    return parts;
  }
  const kept = parts.slice(0, MAX_PARTS);
  const last = kept[MAX_PARTS - 1];
  const room = limit - byteLength("\n" + overflow);
  let cut = "";
  for (const char of last) {
    if (byteLength(cut + char) > room) {
      break;
    }
    cut += char;
  }
  const lineEnd = cut.lastIndexOf("\n");
  kept[MAX_PARTS - 1] =
    `${lineEnd > 0 ? cut.slice(0, lineEnd) : cut}\n${overflow}`;
  return kept;
}
