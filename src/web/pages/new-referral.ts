/**
 * 新建移送: the upper half of attachment 4 (or 3) and what is handed over.
 * The kind decides which units may receive the case: source cases go to
 * industry authorities and the like, suspected crimes to the police.
 */
import type { Unit, Person } from "../../units/directory.js";
import { CRIME_CASE_KINDS, SOURCE_CASE_KINDS } from "../../units/kinds.js";
import { html, join } from "../html.js";
import {
  apiForm,
  radioField,
  selectField,
  textArea,
  textField,
} from "./form-kit.js";
import { page } from "./layout.js";
import { groupByRegion, ofKinds } from "./units.js";

/** A label that reads differently for the two kinds of case. */
const byKind = (source: string, crime: string) =>
  join([
    html`<span data-show-when="kind=source">${source}</span>`,
    html`<span data-show-when="kind=crime">${crime}</span>`,
  ]);

export function newReferralPage(options: {
  person: Person;
  units: Unit[];
  today: string;
}): string {
  const { person, units, today } = options;
  const receiving = (kind: "source" | "crime", kinds: string[]) =>
    html`<div data-show-when="kind=${kind}">${selectField({
      name: "receivingUnitId",
      id: `f-receivingUnitId-${kind}`,
      label: "接收单位",
      required: true,
      groups: groupByRegion(ofKinds(units, kinds)),
      prompt: "请选择接收单位",
      hint: kind === "source"
        ? "源头性欠薪案件移送行业主管部门、发展改革、国资或经济和信息化部门"
        : "涉嫌拒不支付劳动报酬罪案件移送公安机关",
    })}</div>`;

  const fields = [
    radioField({
      name: "kind",
      label: "案件类型",
      required: true,
      value: "source",
      options: [
        { value: "source", label: "源头性欠薪案件" },
        { value: "crime", label: "涉嫌拒不支付劳动报酬罪" },
      ],
    }),
    receiving("source", SOURCE_CASE_KINDS),
    receiving("crime", CRIME_CASE_KINDS),
    textField({ name: "caseName", label: "案件名称", required: true, max: 200 }),
    textField({ name: "cause", label: "案由", required: true, max: 200 }),
    textField({
      name: "complainantName",
      label: "投诉人姓名",
      required: true,
      max: 64,
    }),
    textField({
      name: "companyName",
      label: byKind("被投诉单位", "涉嫌拒支单位"),
      required: true,
      max: 200,
    }),
    textField({
      name: "headCount",
      label: byKind("投诉人数", "涉及人数"),
      required: true,
      inputmode: "numeric",
    }),
    textField({
      name: "amount",
      label: byKind("投诉金额（元）", "涉及金额（元）"),
      required: true,
      inputmode: "decimal",
      hint: "单位为元，可带两位小数，如 12345.67",
    }),
    textField({
      name: "foundDate",
      label: "发现日期",
      type: "date",
      required: true,
      hint: "应在发现之日起 5 个工作日内移送",
    }),
    textField({
      name: "referralDate",
      label: "移送时间",
      type: "date",
      required: true,
      value: today,
    }),
    textField({
      name: "contactName",
      label: "移送联系人",
      required: true,
      value: person.name,
    }),
    textField({
      name: "contactPhone",
      label: "移送联系方式",
      type: "tel",
      required: true,
      value: person.phone,
    }),
    textField({
      name: "fileVolumes",
      label: "案卷册数",
      required: true,
      inputmode: "numeric",
      value: 1,
    }),
    textField({
      name: "filePages",
      label: "案卷页数",
      required: true,
      inputmode: "numeric",
    }),
    textArea({ name: "exhibits", label: "移送涉案物品", max: 500, rows: 2 }),
  ];

  return page({
    title: "新建移送",
    person,
    body: html`<p>移送单位：${person.unit.name}。带 <span class="req">*</span> 的为必填项。</p>
${apiForm({
  api: "/api/referrals",
  submitLabel: "移送",
  fields,
  done: { href: "/referrals/{id}", label: "查看移送详情" },
})}`,
  });
}
