/**
 * The forms of new projects: an industry authority reports one project
 * (the fourteen columns of attachment 1), HRSS records the site check and
 * its findings, the unit or HRSS records the correction, and HRSS records
 * a project it learned of elsewhere (a clue). Each posts to the JSON API;
 * the service is the judge of every field, and its errors show in place.
 */
import {
  CLUE_SOURCES,
  FINDING_GROUPS,
  FINDINGS,
  checkLabels,
  clueLabels,
  correctionLabels,
  findingsText,
} from "../../projects/forms.js";
import { projectLabels as labels } from "../../projects/input.js";
import { coversUnit } from "../../projects/permissions.js";
import {
  findingsOf,
  type ProjectView,
} from "../../projects/view.js";
import { formatDateCn, type IsoDate } from "../../time.js";
import type { Person, Unit } from "../../units/directory.js";
import { INDUSTRY_KINDS } from "../../units/kinds.js";
import { html, type SafeHtml } from "../html.js";
import {
  apiForm,
  radioField,
  selectField,
  textArea,
  textField,
  type Option,
} from "./form-kit.js";
import { page } from "./layout.js";
import { groupByRegion } from "./units.js";

export const STYLES = ["/static/project.css"];

export const projectHref = (id: number) => `/projects/${id}`;
export const clueHref = (id: number) => `/projects/clues/${id}`;

// ---------------------------------------------------------------------
// 报送新开工项目

/**
 * The areas a unit may report in, by the names units write in 管辖区域:
 * its own, or every area for a city authority (市本级 first).
 */
export function areaOptions(person: Person, units: Unit[]): Option[] {
  const seen = new Map<string, Option>();
  const ordered = [
    ...units.filter((u) => u.level === "city"),
    ...units.filter((u) => u.level !== "city"),
  ];
  for (const unit of ordered) {
    const mine =
      person.unit.level === "city" || unit.region === person.unit.region;
    if (mine && !seen.has(unit.region)) {
      seen.set(unit.region, { value: unit.regionName, label: unit.regionName });
    }
  }
  return [...seen.values()];
}

export function reportPage(options: {
  person: Person;
  units: Unit[];
  today: IsoDate;
}): string {
  const { person, today } = options;
  const areas = areaOptions(person, options.units);
  const text = (name: keyof typeof labels, max: number, hint?: string) =>
    textField({ name, label: labels[name], required: true, max, hint });

  const fields = [
    selectField({
      name: "jurisdiction",
      label: labels.jurisdiction,
      required: true,
      groups: [{ label: "", options: areas }],
      value: areas.length === 1 ? areas[0].value : undefined,
      prompt: "请选择项目所在的县（市、区）或园区",
    }),
    text("name", 200, "与施工许可证或合同上的名称一致"),
    text("address", 200),
    text("builder", 200),
    textField({
      name: "startDate",
      label: labels.startDate,
      type: "date",
      required: true,
      hint: `应在开工之日起 5 个工作日内报送；不能晚于今天（${today}）`,
    }),
    text("duration", 100, "如：365天，或 2026-10-01至2027-09-30"),
    radioField({
      name: "government",
      label: labels.government,
      required: true,
      options: [
        { value: "是", label: "是" },
        { value: "否", label: "否" },
      ],
    }),
    text("contractor", 200),
    text("manager", 64),
    textField({
      name: "phone",
      label: labels.phone,
      type: "tel",
      inputmode: "tel",
      required: true,
      hint: "项目负责人的手机或座机，如 13800000001 或 0825-2345678",
    }),
    textField({
      name: "contractPrice",
      label: labels.contractPrice,
      inputmode: "decimal",
      required: true,
      hint: "单位为万元，如 1234.56",
    }),
    text("paymentMethod", 200, "如：按月进度付款"),
    textField({
      name: "paymentProgress",
      label: labels.paymentProgress,
      inputmode: "decimal",
      required: true,
      hint: "0 到 100 之间的百分数，如 30 或 12.5",
    }),
    textArea({ name: "remarks", label: labels.remarks, max: 500, rows: 2 }),
  ];

  return page({
    title: "报送新开工项目",
    person,
    styles: STYLES,
    body: html`<p>报送单位：${person.unit.name}。带 <span class="req">*</span> 的为必填项。${
      "报送后，人力资源社会保障部门将在 10 个工作日内现场核查。"
    }</p>
<p class="links"><a class="button" href="/projects/upload">改为上传附件1表格</a></p>
${apiForm({
  api: "/api/projects",
  submitLabel: "报送",
  fields,
  done: { href: "/projects/{projectId}", label: "查看项目" },
})}`,
  });
}

// ---------------------------------------------------------------------
// 现场核查 and 整改完成

/** The project in a few lines, above its forms. */
function summary(view: ProjectView): SafeHtml {
  const p = view.project;
  return html`<section class="summary"><dl class="facts">
<dt>项目名称</dt><dd><a href="${projectHref(p.id)}">${p.name}</a></dd>
<dt>建设单位</dt><dd>${p.builder}</dd>
<dt>项目地址</dt><dd>${p.address}</dd>
<dt>报送单位</dt><dd>${view.unit.shortName}</dd>
<dt>开工时间</dt><dd>${formatDateCn(p.startDate)}</dd>
</dl></section>
`;
}

/** A checkbox, big enough to tap. */
function box(name: string, value: string, label: string, id: string) {
  return html`<label class="choice" for="${id}"><input type="checkbox" id="${
    id
  }" name="${name}" value="${value}"> ${label}</label>`;
}

function findingBoxes(): SafeHtml {
  const groups = FINDING_GROUPS.map(
    (g) => html`<p class="group-heading">${g.heading}</p>
<div class="choices">${g.findings.map((f) =>
      box("findings[]", f, FINDINGS[f], `f-findings-${f}`),
    )}</div>
`,
  );
  return html`<fieldset class="field" data-field="findings">
<legend>${checkLabels.findings}</legend>
<p class="hint">未发现问题的不勾选。</p>
${groups}<p class="issue" data-issue-for="findings" role="alert" hidden></p>
</fieldset>
`;
}

export function checkPage(options: {
  person: Person;
  view: ProjectView;
  today: IsoDate;
  checkDue?: string;
}): string {
  const { person, view, today } = options;
  const id = view.project.id;
  const fields = [
    textField({
      name: "checkDate",
      label: checkLabels.checkDate,
      type: "date",
      required: true,
      value: today,
      hint: options.checkDue ? `核查期限：${options.checkDue}` : undefined,
    }),
    textField({
      name: "inspectors",
      label: checkLabels.inspectors,
      max: 200,
      value: person.name,
      hint: "多人请用顿号分隔，如：王建国、李明",
    }),
    findingBoxes(),
    textField({
      name: "correctionDeadline",
      label: checkLabels.correctionDeadline,
      type: "date",
      hint:
        `发现问题时必填：${view.unit.shortName}会收到整改通知，` +
        "到期未整改的会被提醒",
    }),
    textArea({ name: "note", label: checkLabels.note, max: 1000, rows: 3 }),
  ];
  return page({
    title: "记录现场核查",
    person,
    styles: STYLES,
    body: html`${summary(view)}${apiForm({
      api: `/api/projects/${id}/check`,
      submitLabel: "保存核查记录",
      fields,
      nested: true,
      done: { href: projectHref(id), label: "查看项目" },
    })}`,
  });
}

export function correctedPage(options: {
  person: Person;
  view: ProjectView;
  today: IsoDate;
}): string {
  const { person, view, today } = options;
  const id = view.project.id;
  const check = view.check!;
  const fields = [
    textField({
      name: "correctedDate",
      label: correctionLabels.correctedDate,
      type: "date",
      required: true,
      value: today,
    }),
    textArea({
      name: "note",
      label: correctionLabels.note,
      max: 1000,
      rows: 3,
      hint: "如：已开设农民工工资专用账户并上传证明材料",
    }),
  ];
  return page({
    title: "登记整改完成",
    person,
    styles: STYLES,
    body: html`${summary(view)}<section><dl class="facts">
<dt>发现问题</dt><dd>${findingsText(findingsOf(check))}</dd>
<dt>整改期限</dt><dd>${formatDateCn(check.correctionDeadline!)}前</dd>
</dl></section>
${apiForm({
  api: `/api/projects/${id}/corrected`,
  submitLabel: "整改完成",
  fields,
  done: { href: projectHref(id), label: "查看项目" },
})}`,
  });
}

// ---------------------------------------------------------------------
// 登记项目线索

/** The industry authorities whose area the person's HRSS covers. */
export function responsibleUnits(person: Person, units: Unit[]): Unit[] {
  return units.filter(
    (u) => INDUSTRY_KINDS.includes(u.kind) && coversUnit(person, u),
  );
}

export function newCluePage(options: {
  person: Person;
  units: Unit[];
  today: IsoDate;
}): string {
  const { person, today } = options;
  const sources = Object.entries(CLUE_SOURCES).map(([value, label]) => ({
    value,
    label,
  }));
  const fields = [
    radioField({
      name: "source",
      label: clueLabels.source,
      required: true,
      options: sources,
    }),
    textField({
      name: "learnedDate",
      label: clueLabels.learnedDate,
      type: "date",
      required: true,
      value: today,
    }),
    textField({ name: "name", label: clueLabels.name, required: true, max: 200 }),
    textField({
      name: "builder",
      label: clueLabels.builder,
      max: 200,
      hint: "不清楚的可不填；填写后比对更准确",
    }),
    textField({ name: "address", label: clueLabels.address, max: 200 }),
    selectField({
      name: "responsibleUnitId",
      label: clueLabels.responsibleUnitId,
      required: true,
      groups: groupByRegion(responsibleUnits(person, options.units)),
      prompt: "请选择应报送该项目的行业主管部门",
    }),
    textArea({ name: "note", label: clueLabels.note, max: 1000, rows: 3 }),
  ];
  return page({
    title: "登记项目线索",
    person,
    styles: STYLES,
    body: html`<p>从其他渠道获悉的新开工项目，登记后系统列出可能相同的已报送项目，由您核对确认：${
      "是同一项目的不计漏报，确属未报送的计入应报送单位的漏报。"
    }</p>
${apiForm({
  api: "/api/projects/clues",
  submitLabel: "登记线索",
  fields,
  done: { href: "/projects/clues/{clueId}", label: "核对线索" },
})}`,
  });
}
