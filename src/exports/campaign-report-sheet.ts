/**
 * The city's report on a reception campaign to the government office
 * (集中接访情况报告表), one workbook of three sheets: each site's daily
 * figures from the daily reports with the campaign's totals; each sending
 * unit's attendance; the units and days with nobody sent. Amounts are
 * added in fen and shown in yuan with two decimals.
 */
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import { daysText, monthDay, periodText } from "../campaigns/messages.js";
import type { CampaignView } from "../campaigns/view.js";
import { formatInstant, type IsoDate } from "../time.js";
import {
  totalsOf,
  type DailyLine,
  type DispatchTotals,
  type UnitTally,
} from "./campaign-report-rows.js";
import {
  writeGridSheet,
  type GridColumn,
  type GridHeading,
  type GridRow,
} from "./grid-sheet.js";
import { FORMATS, yuan } from "./layout.js";

export const REPORT_SHEETS = {
  daily: "一、每日接访情况",
  units: "二、各单位到岗情况",
  uncovered: "三、未派员情况",
};

export const DAILY_COLUMNS: GridColumn[] = [
  { heading: "序号", width: 6 },
  { heading: "日期", width: 10 },
  { heading: "接访点", width: 24 },
  { heading: "接待来访批次", width: 10, format: FORMATS.count },
  { heading: "接待来访人数", width: 10, format: FORMATS.count },
  { heading: "处理欠薪案件（件）", width: 10, format: FORMATS.count },
  { heading: "追回工资（元）", width: 15, format: FORMATS.money },
  { heading: "突发事件（起）", width: 9, format: FORMATS.count },
  { heading: "备注", width: 30 },
];

export const UNIT_COLUMNS: GridColumn[] = [
  { heading: "序号", width: 6 },
  { heading: "接访点", width: 20 },
  { heading: "派员单位", width: 22 },
  { heading: "应派天数", width: 8, format: FORMATS.count },
  { heading: "派员人次", width: 8, format: FORMATS.count },
  { heading: "到岗人次", width: 8, format: FORMATS.count },
  { heading: "迟到人次", width: 8, format: FORMATS.count },
  { heading: "迟到分钟", width: 8, format: FORMATS.count },
  { heading: "早退人次", width: 8, format: FORMATS.count },
  { heading: "早退分钟", width: 8, format: FORMATS.count },
  { heading: "未到岗人次", width: 8, format: FORMATS.count },
  { heading: "未派员天数", width: 8, format: FORMATS.count },
  { heading: "备注", width: 22 },
];

export const UNCOVERED_COLUMNS: GridColumn[] = [
  { heading: "序号", width: 6 },
  { heading: "接访点", width: 24 },
  { heading: "派员单位", width: 24 },
  { heading: "未派员天数", width: 10, format: FORMATS.count },
  { heading: "未派员日期", width: 30 },
  { heading: "情况", width: 16 },
];

export interface ReportData {
  city: string;
  view: CampaignView;
  daily: DailyLine[];
  units: UnitTally[];
  now: number;
  filledOn: IsoDate;
}

/** "遂宁市2026年国庆节集中接访情况报告表" */
export function reportTitle(city: string, name: string): string {
  const campaign = name.endsWith("集中接访") ? name : `${name}集中接访`;
  return `${city}${campaign}情况报告表`;
}

/** Writes the three sheets; returns the number of daily lines. */
export async function writeCampaignReport(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  data: ReportData,
  out: Writable,
): Promise<number> {
  const heading = (marker: string): GridHeading => ({
    marker,
    title: reportTitle(data.city, data.view.campaign.name),
    lines: [
      [
        `报送单位：${data.view.organizer.name}`,
        `统计截至：${formatInstant(data.now)}`,
      ],
      [
        `活动期间：${periodText(data.view)}`,
        `接访点 ${data.view.sites.length} 个，派员单位 ${data.units.length} 个`,
      ],
    ],
    filledOn: data.filledOn,
  });
  const { daily, units, uncovered } = REPORT_SHEETS;
  await writeGridSheet(
    book,
    daily,
    heading(daily),
    DAILY_COLUMNS,
    dailyRows(data),
    out,
  );
  await writeGridSheet(
    book,
    units,
    heading(units),
    UNIT_COLUMNS,
    unitRows(data.units),
    out,
  );
  await writeGridSheet(
    book,
    uncovered,
    heading(uncovered),
    UNCOVERED_COLUMNS,
    uncoveredRows(data),
    out,
  );
  return data.daily.length;
}

/** The site-days, then a 小计 for each site, then the 合计. */
function dailyRows(data: ReportData): GridRow[] {
  const rows: GridRow[] = data.daily.map((line, i) => {
    const r = line.report;
    return {
      values: r
        ? [
            i + 1,
            monthDay(line.date),
            line.site.label,
            r.visits,
            r.visitors,
            r.cases,
            yuan(r.amountFen),
            r.incidents,
            r.remarks,
          ]
        : [
            i + 1,
            monthDay(line.date),
            line.site.label,
            ...[null, null, null, null, null],
            line.missing === "overdue" ? "未报送" : "待报送",
          ],
    };
  });
  for (const site of data.view.sites) {
    const t = totalsOf(data.daily.filter((l) => l.site === site));
    rows.push(totalRow("小计", site.label, t));
  }
  const all = totalsOf(data.daily);
  rows.push(totalRow("合计", `${data.view.sites.length} 个接访点`, all));
  return rows;
}

function totalRow(what: string, whose: string, t: DispatchTotals): GridRow {
  const owed = t.filed + t.overdue + t.pending;
  const notes = [`应报 ${owed} 份，已报 ${t.filed} 份`];
  if (t.overdue > 0) {
    notes.push(`未报送 ${t.overdue} 份`);
  }
  if (t.pending > 0) {
    notes.push(`待报送 ${t.pending} 份`);
  }
  return {
    total: true,
    values: [
      null,
      what,
      whose,
      t.visits,
      t.visitors,
      t.cases,
      yuan(t.amountFen),
      t.incidents,
      notes.join("，"),
    ],
  };
}

function unitRows(tallies: UnitTally[]): GridRow[] {
  const rows: GridRow[] = tallies.map((t, i) => ({
    values: [i + 1, t.site.label, t.unit.name, ...figures(t), unitNotes(t)],
  }));
  const sum = (pick: (t: UnitTally) => number) =>
    tallies.reduce((n, t) => n + pick(t), 0);
  const all: Figures = {
    daysRequired: sum((t) => t.daysRequired),
    named: sum((t) => t.named),
    present: sum((t) => t.present),
    late: sum((t) => t.late),
    lateMinutes: sum((t) => t.lateMinutes),
    early: sum((t) => t.early),
    earlyMinutes: sum((t) => t.earlyMinutes),
    absent: sum((t) => t.absent),
    notCheckedOut: sum((t) => t.notCheckedOut),
    recorded: sum((t) => t.recorded),
    uncovered: tallies.flatMap((t) => t.uncovered),
  };
  rows.push({
    total: true,
    values: [
      null,
      "合计",
      `${tallies.length} 个单位`,
      ...figures(all),
      unitNotes(all),
    ],
  });
  return rows;
}

type Figures = Omit<UnitTally, "site" | "unit">;

function figures(t: Figures): number[] {
  return [
    t.daysRequired,
    t.named,
    t.present,
    t.late,
    t.lateMinutes,
    t.early,
    t.earlyMinutes,
    t.absent,
    t.uncovered.length,
  ];
}

function unitNotes(t: Figures): string {
  const notes: string[] = [];
  if (t.recorded > 0) {
    notes.push(`接访点补登 ${t.recorded} 人次`);
  }
  if (t.notCheckedOut > 0) {
    notes.push(`未签退 ${t.notCheckedOut} 人次`);
  }
  return notes.join("；");
}

/** Units with days nobody was sent, those who sent nobody at all first. */
function uncoveredRows(data: ReportData): GridRow[] {
  const days = data.view.days;
  const short = data.units.filter((t) => t.uncovered.length > 0);
  const ordered = [
    ...short.filter((t) => t.uncovered.length === days.length),
    ...short.filter((t) => t.uncovered.length < days.length),
  ];
  if (ordered.length === 0) {
    return [{ values: [null, "各派员单位每天均已派员"] }];
  }
  return ordered.map((t, i) => ({
    values: [
      i + 1,
      t.site.label,
      t.unit.name,
      t.uncovered.length,
      daysText(t.uncovered, days),
      t.uncovered.length === days.length ? "全程未派员" : "部分日期未派员",
    ],
  }));
}
