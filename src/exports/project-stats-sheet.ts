/**
 * 新开工项目报送情况统计表: HRSS's table of how each industry authority
 * reported its new projects over a period (spec 3.1.3 and 3.1.4), with
 * the figures the city government office's list is drawn from, and a
 * total row. Not an attachment of the notice: it is compiled from
 * attachment 1 and the site checks.
 */
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import { ESCALATION_WORKDAYS, OMISSIONS_TO_ESCALATE } from "../clocks/rules.js";
import { formatInstant, type IsoDate } from "../time.js";
import {
  writeGridSheet,
  type GridColumn,
  type GridHeading,
  type GridRow,
} from "./grid-sheet.js";
import { FORMATS } from "./layout.js";
import type { Period } from "./period.js";
import type { UnitReporting } from "./project-stats-rows.js";

export const STATS_TITLE = "新开工项目报送情况统计表";
export const STATS_SHEET = "报送情况统计";

const count = (heading: string, width = 8): GridColumn => ({
  heading,
  width,
  format: FORMATS.count,
});

export const STATS_COLUMNS: GridColumn[] = [
  { heading: "序号", width: 6 },
  { heading: "单位", width: 22 },
  count("报送项目（个）"),
  count("按时报送（个）"),
  count("迟报（个）"),
  count("最长迟报（工作日）", 9),
  count("累计迟报（工作日）", 9),
  count(`迟报${ESCALATION_WORKDAYS}个工作日以上（个）`, 10),
  count("确认漏报（个）"),
  count("本年累计漏报（个）", 9),
  { heading: `本年累计漏报${OMISSIONS_TO_ESCALATE}个以上`, width: 9 },
  count("按时现场核查（个）", 9),
  count("逾期现场核查（个）", 9),
  count("逾期未核查（个）", 9),
  count("整改逾期（个）", 8),
];

export interface StatsData {
  city: string;
  /** 填报单位: the HRSS compiling it. */
  unitName: string;
  period: Period;
  units: UnitReporting[];
  now: number;
  filledOn: IsoDate;
}

/** Writes the sheet; returns the number of unit lines. */
export async function writeStatsSheet(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  data: StatsData,
  out: Writable,
): Promise<number> {
  const heading: GridHeading = {
    title: `${data.city}${STATS_TITLE}`,
    lines: [
      [`填报单位：${data.unitName}`, `统计截至：${formatInstant(data.now)}`],
      [
        `统计期间：${data.period.label}（项目按开工时间，漏报按发现时间计入）`,
        "迟报、逾期均按工作日计，“以上”含本数",
      ],
    ],
    filledOn: data.filledOn,
  };
  await writeGridSheet(
    book,
    STATS_SHEET,
    heading,
    STATS_COLUMNS,
    statsRows(data.units),
    out,
  );
  return data.units.length;
}

function* statsRows(units: UnitReporting[]): Generator<GridRow> {
  let index = 0;
  for (const u of units) {
    yield {
      values: [
        ++index,
        u.unit.shortName,
        ...figures(u),
        u.omissionsToEscalate ? "是" : "否",
        u.checksOnTime,
        u.checksLate,
        u.checksOverdue,
        u.correctionsOverdue,
      ],
    };
  }
  const flagged = units.filter((u) => u.omissionsToEscalate).length;
  const sum = (pick: (u: UnitReporting) => number) =>
    units.reduce((total, u) => total + pick(u), 0);
  yield {
    total: true,
    values: [
      "合计",
      `${units.length} 个单位`,
      sum((u) => u.reported),
      sum((u) => u.onTime),
      sum((u) => u.late),
      Math.max(0, ...units.map((u) => u.maxLateDays)),
      sum((u) => u.totalLateDays),
      sum((u) => u.lateToEscalate),
      sum((u) => u.omissions),
      sum((u) => u.omissionsInYear),
      `${flagged} 个单位`,
      sum((u) => u.checksOnTime),
      sum((u) => u.checksLate),
      sum((u) => u.checksOverdue),
      sum((u) => u.correctionsOverdue),
    ],
  };
}

/** 报送项目 to 本年累计漏报, in the columns' order. */
function figures(u: UnitReporting): number[] {
  return [
    u.reported,
    u.onTime,
    u.late,
    u.maxLateDays,
    u.totalLateDays,
    u.lateToEscalate,
    u.omissions,
    u.omissionsInYear,
  ];
}
