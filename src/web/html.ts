/**
 * HTML for the pages, built with one tagged template that escapes every
 * interpolated value. Only values already wrapped as `SafeHtml` (the output
 * of `html` itself) pass through unescaped, so a case name or a reason typed
 * by a user can never become markup.
 */

export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Anything a template may hold: arrays are joined, nullish is empty. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) {
    return value.value;
  }
  if (Array.isArray(value)) {
    return value.map(render).join("");
  }
  if (value === undefined || value === null || value === false) {
    return "";
  }
  return escapeHtml(String(value));
}

export function html(
  strings: TemplateStringsArray,
  ...values: unknown[]
): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + strings[i + 1];
  }
  return new SafeHtml(out);
}

/** Joins fragments without a separator. */
export function join(parts: unknown[]): SafeHtml {
  return new SafeHtml(render(parts));
}
