/**
 * The shape checks the fake WeCom server applies to message bodies, as
 * the real one does (wecom.md sections 3 and 5.2). Each returns the
 * errcode the real server answers with, or 0 when the body is fine.
 */

export type Json = Record<string, unknown>;

export const TASK_ID = /^[0-9a-zA-Z_\-@]{1,128}$/;
export const INTERACTIVE = new Set([
  "button_interaction",
  "vote_interaction",
  "multiple_interaction",
]);
const CARD_TYPES = new Set(["text_notice", "news_notice", ...INTERACTIVE]);

/** Generic "invalid parameter". */
export const BAD_PARAM = 40058;
const TOO_LARGE = 45002;
const EMPTY = 44004;
const NO_CARD_ACTION = 42045;

export const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] | undefined =>
  Array.isArray(v) ? v : undefined;

/**
 * Text-like content. The real server truncates app text past 2048 bytes;
 * the fake refuses instead, so a sender that relies on truncation (and
 * may cut a character in half) fails its tests.
 */
export function checkContent(body: unknown, limit: number): number {
  if (!isObject(body) || typeof body.content !== "string") {
    return BAD_PARAM;
  }
  if (body.content.trim() === "") {
    return EMPTY;
  }
  return bytes(body.content) > limit ? TOO_LARGE : 0;
}

export function checkCard(card: unknown, robot = false): number {
  if (!isObject(card) || !CARD_TYPES.has(String(card.card_type))) {
    return BAD_PARAM;
  }
  const type = String(card.card_type);
  if (robot && INTERACTIVE.has(type)) {
    // A robot cannot receive clicks, so it sends notices only.
    return BAD_PARAM;
  }
  const needsTask = INTERACTIVE.has(type) || card.action_menu !== undefined;
  if (needsTask && !robot && !TASK_ID.test(String(card.task_id ?? ""))) {
    return BAD_PARAM;
  }
  const title = isObject(card.main_title) ? card.main_title.title : undefined;
  if (!title && !card.sub_title_text) {
    return BAD_PARAM;
  }
  if (!type.endsWith("_interaction") && !validAction(card.card_action)) {
    return NO_CARD_ACTION;
  }
  if ((list(card.horizontal_content_list)?.length ?? 0) > 6) {
    return BAD_PARAM;
  }
  if ((list(card.jump_list)?.length ?? 0) > 3) {
    return BAD_PARAM;
  }
  return checkInteraction(type, card);
}

function checkInteraction(type: string, card: Json): number {
  if (type === "button_interaction") {
    return checkButtons(card.button_list);
  }
  if (type === "vote_interaction") {
    const box = isObject(card.checkbox) ? card.checkbox : undefined;
    return box && checkOptions(box.option_list, 20) === 0 && card.submit_button
      ? 0
      : BAD_PARAM;
  }
  if (type === "multiple_interaction") {
    const selects = list(card.select_list) ?? [];
    const ok =
      selects.length >= 1 &&
      selects.length <= 3 &&
      selects.every(
        (s) => isObject(s) && checkOptions(s.option_list, 10) === 0,
      );
    return ok && card.submit_button ? 0 : BAD_PARAM;
  }
  return 0;
}

function checkButtons(value: unknown): number {
  const buttons = list(value) ?? [];
  if (buttons.length < 1 || buttons.length > 6) {
    return BAD_PARAM;
  }
  const keys = new Set<string>();
  for (const b of buttons) {
    if (!isObject(b) || typeof b.text !== "string" || b.text === "") {
      return BAD_PARAM;
    }
    if (b.style !== undefined && ![1, 2, 3, 4].includes(Number(b.style))) {
      return BAD_PARAM;
    }
    if (Number(b.type ?? 0) === 1) {
      if (typeof b.url !== "string" || !/^https?:\/\//.test(b.url)) {
        return BAD_PARAM;
      }
      continue;
    }
    const key = typeof b.key === "string" ? b.key : "";
    if (key === "" || bytes(key) > 1024 || keys.has(key)) {
      return BAD_PARAM;
    }
    keys.add(key);
  }
  return 0;
}

function checkOptions(value: unknown, max: number): number {
  const options = list(value) ?? [];
  const ids = options.map((o) => (isObject(o) ? String(o.id ?? "") : ""));
  const fine =
    options.length >= 1 &&
    options.length <= max &&
    ids.every((id) => id !== "" && bytes(id) <= 128) &&
    new Set(ids).size === ids.length;
  return fine ? 0 : BAD_PARAM;
}

function validAction(value: unknown): boolean {
  if (!isObject(value)) {
    return false;
  }
  if (Number(value.type) === 1) {
    return typeof value.url === "string" && /^https?:\/\//.test(value.url);
  }
  return Number(value.type) === 2 && typeof value.appid === "string";
}
