/**
 * Building blocks of the form pages. Every field has a place for its error
 * right under it (`data-issue-for`), where the shared script puts the
 * Chinese message the API returns. Inputs are plain text where the server
 * must be the judge (amounts, counts), so what the user typed reaches the
 * one schema that checks it.
 */
import { randomBytes } from "node:crypto";
import { html, type SafeHtml } from "../html.js";

export interface Option {
  value: string | number;
  label: string;
}

export interface OptionGroup {
  label: string;
  options: Option[];
}

interface FieldBase {
  name: string;
  label: string | SafeHtml;
  required?: boolean;
  hint?: string;
}

/** A fresh idempotency key for one rendering of a form. */
export function newSubmissionId(): string {
  return randomBytes(12).toString("base64url");
}

function frame(f: FieldBase, control: SafeHtml, id = `f-${f.name}`): SafeHtml {
  const mark = f.required ? html`<span class="req" title="必填">*</span>` : "";
  const hint = f.hint ? html`<p class="hint">${f.hint}</p>` : "";
  return html`<div class="field" data-field="${f.name}">
<label for="${id}">${f.label}${mark}</label>
${control}
${hint}<p class="issue" data-issue-for="${f.name}" role="alert" hidden></p>
</div>
`;
}

export function textField(
  f: FieldBase & {
    value?: string | number | null;
    type?: "text" | "tel" | "date" | "time" | "datetime-local";
    inputmode?: "numeric" | "decimal" | "tel";
    max?: number;
    /** When a page holds several forms with this field. */
    id?: string;
  },
): SafeHtml {
  const id = f.id ?? `f-${f.name}`;
  const control = html`<input id="${id}" name="${f.name}" type="${
    f.type ?? "text"
  }" value="${f.value ?? ""}"${
    f.inputmode ? html` inputmode="${f.inputmode}"` : ""
  }${f.max ? html` maxlength="${f.max}"` : ""}${
    f.required ? html` aria-required="true"` : ""
  } autocomplete="off">`;
  return frame(f, control, id);
}

export function textArea(
  f: FieldBase & {
    value?: string | null;
    max?: number;
    rows?: number;
    id?: string;
  },
): SafeHtml {
  const id = f.id ?? `f-${f.name}`;
  const control = html`<textarea id="${id}" name="${f.name}" rows="${
    f.rows ?? 4
  }"${f.max ? html` maxlength="${f.max}"` : ""}>${f.value ?? ""}</textarea>`;
  return frame(f, control, id);
}

export function selectField(
  f: FieldBase & {
    groups: OptionGroup[];
    value?: string | number;
    /** Placeholder shown before a choice is made. */
    prompt?: string;
    id?: string;
    disabled?: boolean;
  },
): SafeHtml {
  const id = f.id ?? `f-${f.name}`;
  const selected = (o: Option) =>
    String(o.value) === String(f.value ?? "") ? html` selected` : "";
  const options = (list: Option[]) =>
    list.map((o) =>
      html`<option value="${o.value}"${selected(o)}>${o.label}</option>`,
    );
  const control = html`<select id="${id}" name="${f.name}"${
    f.disabled ? html` disabled` : ""
  }>
<option value="">${f.prompt ?? "请选择"}</option>
${f.groups.map((g) =>
  g.label
    ? html`<optgroup label="${g.label}">${options(g.options)}</optgroup>`
    : options(g.options),
)}
</select>`;
  return frame(f, control, id);
}

/** Radio buttons, big enough to tap. */
export function radioField(
  f: FieldBase & { options: Option[]; value?: string },
): SafeHtml {
  const radios = f.options.map((o, i) => {
    const checked = String(o.value) === f.value ? html` checked` : "";
    return html`<label class="choice" for="f-${f.name}-${i}"><input type="radio" id="f-${
      f.name
    }-${i}" name="${f.name}" value="${o.value}"${checked}> ${o.label}</label>`;
  });
  const mark = f.required ? html`<span class="req" title="必填">*</span>` : "";
  return html`<fieldset class="field" data-field="${f.name}">
<legend>${f.label}${mark}</legend>
<div class="choices">${radios}</div>
<p class="issue" data-issue-for="${f.name}" role="alert" hidden></p>
</fieldset>
`;
}

/** A value shown for reference, not submitted. */
export function shownField(label: string, value: string): SafeHtml {
  return html`<div class="field shown"><span class="label">${label}</span>
<span class="value">${value}</span></div>
`;
}

/**
 * The form: posted as JSON to `api` by the shared script, which shows the
 * outcome and a link to `done` on success.
 */
export function apiForm(options: {
  api: string;
  submitLabel: string;
  fields: SafeHtml[];
  done: { href: string; label: string };
  hidden?: Record<string, string>;
  danger?: boolean;
  id?: string;
  /** Field names like "sites.0.address" are sent as lists (form.js). */
  nested?: boolean;
}): SafeHtml {
  const hidden = { submissionId: newSubmissionId(), ...options.hidden };
  return html`<form class="api-form"${
    options.id ? html` id="${options.id}"` : ""
  }${options.nested ? html` data-nested` : ""} data-api="${
    options.api
  }" data-done-href="${options.done.href}" data-done-label="${
    options.done.label
  }" method="post" novalidate>
${Object.entries(hidden).map(
  ([name, value]) =>
    html`<input type="hidden" name="${name}" value="${value}">\n`,
)}<div class="form-error notice notice-error" role="alert" hidden></div>
${options.fields}
<div class="actions"><button type="submit" class="button ${
    options.danger ? "danger" : "primary"
  }">${options.submitLabel}</button></div>
</form>
<div class="form-done notice notice-success" role="status" hidden>
<p class="done-message"></p>
<p><a class="button done-link" href="${options.done.href}">${
    options.done.label
  }</a></p>
</div>
`;
}
