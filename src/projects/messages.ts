/**
 * The texts project commands send, and the address of a project's page.
 * Texts name the project by its name and builder; the manager's name and
 * phone stay on the page, for the units the project concerns.
 */
import type { AppContext } from "../context.js";
import { formatDateCn } from "../time.js";
import { clause } from "../validation.js";
import { CLUE_SOURCES, findingsText, type ClueSource } from "./forms.js";
import type { ClueRow, ProjectRecord, SiteCheckRow } from "./view.js";

/** Projects listed one per line in a message; beyond this, counted. */
export const MAX_LISTED = 10;

export function projectLink(ctx: AppContext, id: number): string {
  return ctx.links.project(id);
}

export function clueLink(ctx: AppContext, id: number): string {
  return ctx.links.projectClue(id);
}

/** "按时报送" / "迟报 4 个工作日（应于 2026年10月13日前报送）" */
export function timelinessText(p: ProjectRecord): string {
  return p.reportLateDays > 0
    ? `迟报 ${p.reportLateDays} 个工作日（应于 ${formatDateCn(p.reportDueDate)}前报送）`
    : "按时报送";
}

/** To the HRSS the report went to: one project from the form. */
export function reportedText(
  ctx: AppContext,
  unitName: string,
  p: ProjectRecord,
  checkDue: string,
): string {
  return [
    `【新开工项目】${unitName}报送：${p.name}（建设单位：${p.builder}），` +
      `开工日期 ${formatDateCn(p.startDate)}，${timelinessText(p)}。`,
    `请于 ${formatDateCn(checkDue)}前完成现场核查：${projectLink(ctx, p.id)}`,
  ].join("\n");
}

/** To the HRSS the report went to: the projects of one upload. */
export function importedText(
  ctx: AppContext,
  unitName: string,
  stored: { project: ProjectRecord; checkDue: string }[],
): string {
  const late = stored.filter((x) => x.project.reportLateDays > 0).length;
  const lines = [
    `【新开工项目】${unitName}上传附件1，新报送 ${stored.length} 个项目` +
      (late > 0 ? `（其中迟报 ${late} 个）` : "") +
      "，请在核查期限前完成现场核查：",
  ];
  stored.slice(0, MAX_LISTED).forEach(({ project: p, checkDue }, i) => {
    lines.push(
      `${i + 1}. ${p.name}｜开工 ${formatDateCn(p.startDate)}｜` +
        `${timelinessText(p)}｜核查期限 ${formatDateCn(checkDue)}｜` +
        projectLink(ctx, p.id),
    );
  });
  if (stored.length > MAX_LISTED) {
    lines.push(`另有 ${stored.length - MAX_LISTED} 个，详见系统。`);
  }
  return lines.join("\n");
}

/** To the reporting unit: what the check found and the date to correct by. */
export function findingsNotice(
  ctx: AppContext,
  hrssName: string,
  p: ProjectRecord,
  check: SiteCheckRow,
  findings: string[],
): string {
  const note = check.note ? `核查情况：${clause(check.note)}。` : "";
  return [
    `【整改通知】${hrssName}于 ${formatDateCn(check.checkDate)}现场核查` +
      `${p.name}（建设单位：${p.builder}），发现问题：${findingsText(findings)}。` +
      note,
    `请督促建设单位和施工总包单位于 ${formatDateCn(check.correctionDeadline!)}前` +
      `整改到位，并在系统中登记整改情况：${projectLink(ctx, p.id)}`,
  ].join("\n");
}

export function correctedText(
  who: string,
  p: ProjectRecord,
  correctedDate: string,
  lateDays: number,
  note: string,
): string {
  const late = lateDays > 0 ? `，超过整改期限 ${lateDays} 个工作日` : "";
  const said = note ? `整改情况：${clause(note)}。` : "";
  return (
    `【整改完成】${who}登记：${p.name}的问题已于 ${formatDateCn(correctedDate)}` +
    `整改完成${late}。${said}`
  );
}

/** To the responsible unit: HRSS found a project it never reported. */
export function omissionText(
  ctx: AppContext,
  hrssName: string,
  clue: ClueRow,
  year: number,
  count: number,
  threshold: number,
): string {
  const builder = clue.builder ? `（建设单位：${clue.builder}）` : "";
  const source = CLUE_SOURCES[clue.source as ClueSource] ?? clue.source;
  const lines = [
    `【漏报】${hrssName}核实：${clue.name}${builder}已开工，` +
      `本单位未按规定报送（线索来源：${source}，` +
      `${formatDateCn(clue.learnedDate)}获悉）。请尽快补报该项目。`,
    `本单位 ${year} 年累计漏报 ${count} 个项目。` +
      (count >= threshold
        ? `累计漏报 ${threshold} 个以上，按联动机制报市政府办公室。`
        : `累计漏报 ${threshold} 个以上的，按联动机制报市政府办公室。`),
    clueLink(ctx, clue.id),
  ];
  return lines.join("\n");
}
