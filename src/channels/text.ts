/**
 * Text as chat platforms accept it: no half surrogate pairs or control
 * characters (they travel as "\uD83D"-style escapes, which WeCom
 * refuses), clipped by characters, and split by UTF-8 bytes at line ends
 * when a platform caps a message's size.
 */

/** More parts than this and the message is cut short with a pointer. */
const MAX_PARTS = 4;

export const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * Text WeCom accepts: half a surrogate pair would travel as a \uD83D-style
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

/**
 * One message of at most `limit` bytes: the text itself, or as much as
 * fits (cut at a line end when it can) followed by `overflow`. For
 * platforms where a message in parts could be half sent and then sent
 * again in full.
 */
export function fitBytes(
  text: string,
  limit: number,
  overflow = "……（内容较长，其余请在系统中查看）",
): string {
  text = clean(text);
  if (byteLength(text) <= limit) {
    return text;
  }
  const room = limit - byteLength("\n" + overflow);
  let cut = "";
  for (const char of text) {
    if (byteLength(cut + char) > room) {
      break;
    }
    cut += char;
  }
  const lineEnd = cut.lastIndexOf("\n");
  return `${lineEnd > 0 ? cut.slice(0, lineEnd) : cut}\n${overflow}`;
}

const MARKDOWN_LOOKALIKES: Record<string, string> = {
  "[": "［",
  "]": "］",
  "(": "（",
  ")": "）",
  "*": "＊",
  _: "＿",
  "`": "｀",
  "#": "＃",
  "<": "＜",
  ">": "＞",
  "|": "｜",
  "~": "～",
};

/**
 * What a person typed, shown inside a markdown message as the text it is:
 * markup characters become their full-width look-alikes (no platform's
 * markdown reads those), and line breaks become spaces.
 */
export function plainInMarkdown(text: string): string {
  return text
    .replace(/[\[\]()*_`#<>|~]/g, (c) => MARKDOWN_LOOKALIKES[c])
    .replace(/\s*\n\s*/g, " ");
}
