/**
 * The new-project list. An industry authority sees the projects it
 * reported in a year, how timely each report was, the checks and the
 * corrections it owes; HRSS sees the checks and corrections due, its
 * clues, each unit's timeliness and omissions, and the units to report
 * to the city government office.
 */
import type { Calendar } from "../../calendar/calendar.js";
import { CLUE_SOURCES, type ClueSource } from "../../projects/forms.js";
import type { OfficeList, UnitTimeliness } from "../../projects/service.js";
import {
  CLUE_STATUS,
  PROJECT_STATUS,
  type ClueRow,
  type ProjectRecord,
  type SiteCheckRow,
} from "../../projects/view.js";
import { deadlineLine } from "../../referrals/view.js";
import { formatDateCn } from "../../time.js";
import type { Person, Unit } from "../../units/directory.js";
import { html, type SafeHtml } from "../html.js";
import { LIST_LIMIT, type OpenItem } from "../project-data.js";
import { page } from "./layout.js";
import { clueHref, projectHref, STYLES } from "./project-forms.js";

/** Years the list offers, back from the current one. */
const YEARS_SHOWN = 4;

interface ListBase {
  person: Person;
  year: number;
  thisYear: number;
  cal: Calendar;
  now: number;
  units: Map<number, Unit>;
}

export interface UnitListData extends ListBase {
  canReport: boolean;
  projects: { project: ProjectRecord; check?: SiteCheckRow }[];
  corrections: OpenItem[];
  omissions: number;
}

export interface HrssListData extends ListBase {
  canRecordClues: boolean;
  checks: OpenItem[];
  corrections: OpenItem[];
  clues: ClueRow[];
  timeliness: UnitTimeliness[];
  office: OfficeList;
}

const unitName = (units: Map<number, Unit>, id: number) =>
  units.get(id)?.shortName ?? `单位${id}`;

/** The year picker: a plain GET form, no script needed. */
function yearPicker(data: ListBase): SafeHtml {
  const years = Array.from({ length: YEARS_SHOWN }, (_, i) => data.thisYear - i);
  return html`<form class="year-form" method="get" action="/projects">
<label for="f-year">年度</label>
<select id="f-year" name="year">${years.map(
    (y) =>
      html`<option value="${y}"${y === data.year ? html` selected` : ""}>${y} 年</option>`,
  )}</select>
<button type="submit">查看</button>
</form>`;
}

function more(list: unknown[]): SafeHtml {
  return list.length > LIST_LIMIT
    ? html`<p class="hint">仅显示前 ${LIST_LIMIT} 个。</p>`
    : html``;
}

export function unitListPage(data: UnitListData): string {
  const { person, year } = data;
  const buttons = data.canReport
    ? html`<p class="links"><a class="button primary" href="/projects/new">报送新项目</a>
<a class="button" href="/projects/upload">上传附件1</a></p>`
    : "";
  const items = data.projects.slice(0, LIST_LIMIT).map(({ project: p, check }) => {
    const late =
      p.reportLateDays > 0
        ? html`<span class="late">迟报 ${p.reportLateDays} 个工作日</span>`
        : html`按时报送`;
    const deadline =
      p.status === "correcting" && check?.correctionDeadline
        ? html`；整改期限 ${formatDateCn(check.correctionDeadline)}`
        : "";
    return html`<li><a href="${projectHref(p.id)}">${p.name}</a>
<span class="status-text">${PROJECT_STATUS[p.status] ?? p.status}</span>
<span class="when">开工 ${formatDateCn(p.startDate)}，${formatDateCn(
      p.reportedDate,
    )}报送，${late}${deadline}</span></li>
`;
  });
  const list = items.length
    ? html`<ul class="history project-list">${items}</ul>${more(data.projects)}`
    : html`<p class="empty">${year} 年开工的项目中，本单位尚未报送。</p>`;
  const omissions =
    data.omissions > 0
      ? html`<p class="late">${year} 年经人社部门核实漏报 ${data.omissions} 个项目。</p>`
      : "";
  return page({
    title: "新开工项目",
    person,
    styles: STYLES,
    body: html`${buttons}<p class="hint">新开工的建设工程项目应在开工之日起 5 个工作日内报送；${
      "迟报 5 个工作日以上或年度累计漏报 5 个以上的，报市政府办公室。"
    }</p>
${corrections(data, data.corrections, "本单位待整改的项目")}
<h2>${year} 年报送的项目</h2>
${yearPicker(data)}
<section>${omissions}${list}</section>`,
  });
}

export function hrssListPage(data: HrssListData): string {
  const { person } = data;
  const clueButton = data.canRecordClues
    ? html`<p class="links"><a class="button primary" href="/projects/clues/new">登记项目线索</a>
<a class="button" href="/projects/clues">全部线索</a></p>`
    : "";
  return page({
    title: "新开工项目",
    person,
    styles: STYLES,
    body: html`${clueButton}${checks(data)}
${corrections(data, data.corrections, "待整改的项目")}
${openClues(data)}
<h2>${data.year} 年各单位报送情况</h2>
${yearPicker(data)}
${timelinessTable(data)}
${officeList(data)}`,
  });
}

function checks(data: HrssListData): SafeHtml {
  const items = data.checks.slice(0, LIST_LIMIT).map(
    ({ project: p, clock }) => html`<li><a href="${projectHref(p.id)}">${p.name}</a>
<span class="when">${unitName(data.units, p.unitId)}报送，核查期限 ${deadlineLine(
      data.cal,
      clock,
      data.now,
    )}</span></li>
`,
  );
  return html`<h2>待现场核查</h2><section>${
    items.length
      ? html`<ul class="history project-list">${items}</ul>${more(data.checks)}`
      : html`<p class="empty">没有待现场核查的项目。</p>`
  }</section>`;
}

function corrections(
  data: ListBase,
  list: OpenItem[],
  heading: string,
): SafeHtml {
  if (list.length === 0) {
    return html``;
  }
  const items = list.slice(0, LIST_LIMIT).map(
    ({ project: p, clock }) => html`<li><a href="${projectHref(p.id)}">${p.name}</a>
<span class="when">${unitName(data.units, p.unitId)}，整改期限 ${deadlineLine(
      data.cal,
      clock,
      data.now,
    )}</span></li>
`,
  );
  return html`<h2>${heading}</h2><section><ul class="history project-list">${items}</ul>${more(
    list,
  )}</section>`;
}

export function clueItem(clue: ClueRow, units: Map<number, Unit>): SafeHtml {
  const source = CLUE_SOURCES[clue.source as ClueSource] ?? clue.source;
  const tone = clue.status === "omission" ? "late" : "";
  return html`<li><a href="${clueHref(clue.id)}">${clue.name}</a>
<span class="status-text ${tone}">${CLUE_STATUS[clue.status] ?? clue.status}</span>
<span class="when">${source}，${formatDateCn(clue.learnedDate)}获悉；应报送单位：${unitName(
    units,
    clue.responsibleUnitId,
  )}</span></li>
`;
}

function openClues(data: HrssListData): SafeHtml {
  const open = data.clues.filter((c) => c.status === "unmatched");
  return html`<h2>待核对的线索</h2><section>${
    open.length
      ? html`<ul class="history project-list">${open.map((c) =>
          clueItem(c, data.units),
        )}</ul>`
      : html`<p class="empty">没有待核对的线索。</p>`
  }</section>`;
}

function timelinessTable(data: HrssListData): SafeHtml {
  if (data.timeliness.length === 0) {
    return html`<section><p class="empty">${data.year} 年尚无报送和漏报记录。</p></section>`;
  }
  const rows = data.timeliness.map(
    (t) => html`<tr><th scope="row">${t.unitName}</th><td>${t.reported}</td><td>${
      t.late
    }</td><td${t.lateToEscalate ? html` class="late"` : ""}>${t.lateToEscalate}</td><td${
      t.omissions ? html` class="late"` : ""
    }>${t.omissions}</td></tr>
`,
  );
  return html`<section class="table-wrap"><table class="figures">
<thead><tr><th scope="col">单位</th><th scope="col">报送</th><th scope="col">迟报</th>${
    html`<th scope="col">迟报5个工作日以上</th><th scope="col">漏报</th></tr></thead>`
  }
<tbody>${rows}</tbody></table></section>`;
}

function officeList(data: HrssListData): SafeHtml {
  const { office } = data;
  const late = office.lateReports.map(
    (u) => html`<li><strong>${u.unitName}</strong>：${u.projects.map(
      (p, i) => html`${i ? "；" : ""}<a href="${projectHref(p.projectId)}">${
        p.name
      }</a>（迟报 ${p.lateDays} 个工作日）`,
    )}</li>
`,
  );
  const omitted = office.omissions.map(
    (u) => html`<li><strong>${u.unitName}</strong>：累计漏报 ${u.omissions} 个</li>\n`,
  );
  const empty = late.length === 0 && omitted.length === 0;
  return html`<h2>报市政府办公室名单（${office.year} 年）</h2><section>
<p class="hint">迟报 5 个工作日以上的单位，年度累计漏报 5 个以上的单位。</p>
${empty ? html`<p class="empty">暂无。</p>` : ""}${
    late.length
      ? html`<h3>迟报 5 个工作日以上</h3><ul class="history">${late}</ul>`
      : ""
  }${
    omitted.length
      ? html`<h3>累计漏报 5 个以上</h3><ul class="history">${omitted}</ul>`
      : ""
  }</section>`;
}
