/**
 * Clues: projects HRSS learned of elsewhere. The list of an HRSS's clues,
 * and one clue with the reported projects it may be, best first, each
 * with how alike it is. A person decides: this is that project (no
 * omission), or nobody reported it (an omission of the responsible unit);
 * nothing is decided for them.
 */
import type { Candidate } from "../../projects/service.js";
import { CLUE_SOURCES, type ClueSource } from "../../projects/forms.js";
import {
  CLUE_STATUS,
  type ClueRow,
  type ProjectRecord,
} from "../../projects/view.js";
import { formatDateCn, formatInstant } from "../../time.js";
import type { Person, Unit } from "../../units/directory.js";
import { html, type SafeHtml } from "../html.js";
import { LIST_LIMIT } from "../project-data.js";
import { apiForm } from "./form-kit.js";
import { page } from "./layout.js";
import { clueHref, projectHref, STYLES } from "./project-forms.js";
import { clueItem } from "./projects.js";

const unitName = (units: Map<number, Unit>, id: number) =>
  units.get(id)?.shortName ?? `单位${id}`;

const percent = (score: number) => `${Math.round(score * 100)}%`;

export function clueListPage(options: {
  person: Person;
  clues: ClueRow[];
  units: Map<number, Unit>;
}): string {
  const { person, clues, units } = options;
  const groups = ["unmatched", "omission", "matched"].map((status) => {
    const list = clues.filter((c) => c.status === status).slice(0, LIST_LIMIT);
    return list.length
      ? html`<h2>${CLUE_STATUS[status]}</h2><section><ul class="history project-list">${list.map(
          (c) => clueItem(c, units),
        )}</ul></section>`
      : "";
  });
  const empty = clues.length
    ? ""
    : html`<p class="empty">${person.unit.shortName}尚未登记项目线索。</p>`;
  return page({
    title: "项目线索",
    person,
    styles: STYLES,
    body: html`<p class="links"><a class="button primary" href="/projects/clues/new">登记项目线索</a>
<a class="button" href="/projects">新开工项目</a></p>
${empty}${groups}${
      clues.length > LIST_LIMIT
        ? html`<p class="hint">仅显示最近 ${LIST_LIMIT} 条。</p>`
        : ""
    }`,
  });
}

export function cluePage(options: {
  person: Person;
  clue: ClueRow;
  units: Map<number, Unit>;
  /** Undefined when the person may look but not decide. */
  candidates?: Candidate[];
  matched?: ProjectRecord;
}): string {
  const { person, clue, units } = options;
  return page({
    title: clue.name,
    person,
    styles: STYLES,
    body: html`${facts(clue, units)}
${decision(options)}`,
  });
}

function facts(clue: ClueRow, units: Map<number, Unit>): SafeHtml {
  const source = CLUE_SOURCES[clue.source as ClueSource] ?? clue.source;
  const tone = clue.status === "omission" ? "warning" : clue.status === "matched" ? "closed" : "";
  return html`<section><p><span class="status ${tone}">${
    CLUE_STATUS[clue.status] ?? clue.status
  }</span></p><dl class="facts">
<dt>线索来源</dt><dd>${source}</dd>
<dt>获悉日期</dt><dd>${formatDateCn(clue.learnedDate)}</dd>
<dt>项目名称</dt><dd>${clue.name}</dd>
<dt>建设单位</dt><dd>${clue.builder || "不详"}</dd>
<dt>项目地址</dt><dd>${clue.address || "不详"}</dd>
<dt>应报送单位</dt><dd>${unitName(units, clue.responsibleUnitId)}</dd>
<dt>情况说明</dt><dd>${clue.note || "无"}</dd>
<dt>登记单位</dt><dd>${unitName(units, clue.hrssUnitId)}（${formatInstant(
    clue.recordedAt,
  )}）</dd>
</dl></section>`;
}

function decision(options: {
  clue: ClueRow;
  units: Map<number, Unit>;
  candidates?: Candidate[];
  matched?: ProjectRecord;
}): SafeHtml {
  const { clue, units, matched } = options;
  if (clue.status === "matched") {
    const link = matched
      ? html`<a href="${projectHref(matched.id)}">${matched.name}</a>（${unitName(
          units,
          matched.unitId,
        )}于 ${formatDateCn(matched.reportedDate)}报送）`
      : html`已报送的项目`;
    return html`<h2>核对结论</h2><section><p>已确认即${link}，不计漏报。</p></section>`;
  }
  if (clue.status === "omission") {
    return html`<h2>核对结论</h2><section><p class="late">已确认为${unitName(
      units,
      clue.responsibleUnitId,
    )}漏报，计入 ${clue.omissionYear} 年漏报数。</p></section>`;
  }
  if (!options.candidates) {
    return html`<section><p class="empty">该线索由${unitName(
      units,
      clue.hrssUnitId,
    )}核对。</p></section>`;
  }
  return candidatesBlock(clue, units, options.candidates);
}

function candidatesBlock(
  clue: ClueRow,
  units: Map<number, Unit>,
  candidates: Candidate[],
): SafeHtml {
  const done = { href: clueHref(clue.id), label: "查看核对结论" };
  const items = candidates.map((c) => {
    const parts =
      `名称相似度 ${percent(c.nameScore)}` +
      (c.builderScore === null ? "" : `，建设单位相似度 ${percent(c.builderScore)}`);
    return html`<li class="candidate"><a href="${projectHref(c.projectId)}">${c.name}</a>
<span class="score">相似度 ${percent(c.score)}</span>
<span class="when">建设单位：${c.builder}；${unitName(units, c.unitId)}报送；开工 ${formatDateCn(
      c.startDate,
    )}，${formatDateCn(c.reportedDate)}报送</span>
<span class="when">${parts}</span>
${apiForm({
  api: `/api/projects/clues/${clue.id}/match`,
  submitLabel: "确认是同一项目",
  fields: [],
  hidden: { projectId: String(c.projectId) },
  done,
})}</li>
`;
  });
  const list = items.length
    ? html`<p class="hint">以下是名称和建设单位相近的已报送项目，系统不会自动判断，请核对后确认。</p>
<ul class="history candidates">${items}</ul>`
    : html`<p class="empty">没有找到相近的已报送项目。</p>`;
  return html`<h2>可能相同的已报送项目</h2><section class="quick-actions">${list}</section>
<h2>确认漏报</h2><section>
<p>以上都不是该项目、核实确属${unitName(units, clue.responsibleUnitId)}未报送的，确认为漏报：${
    "计入该单位获悉当年的漏报数，并通知该单位补报。"
  }</p>
${apiForm({
  api: `/api/projects/clues/${clue.id}/omission`,
  submitLabel: "确认漏报",
  fields: [],
  danger: true,
  done,
})}</section>`;
}
