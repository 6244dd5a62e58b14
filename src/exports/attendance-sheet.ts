/**
 * Attachment 6, 保障农民工工资支付集中接访考勤表, as the notice prints it:
 * "附件6", the title, then 序号 接访单位 接访时间 接访人员姓名 职务 联系电话
 * 备注. Each site files its own sheet, so a campaign's export has one
 * sheet per site; the line under the title says which site and campaign.
 */
import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";
import { periodText } from "../campaigns/messages.js";
import type { CampaignView, SiteView } from "../campaigns/view.js";
import type { IsoDate } from "../time.js";
import type { AttendanceLine } from "./attendance-rows.js";
import { writeGridSheet, type GridColumn } from "./grid-sheet.js";

export const ATTENDANCE_TITLE = "保障农民工工资支付集中接访考勤表";

/** The notice's columns, in its order and words. */
export const ATTENDANCE_COLUMNS: GridColumn[] = [
  { heading: "序号", width: 6 },
  { heading: "接访单位", width: 22 },
  { heading: "接访时间", width: 20 },
  { heading: "接访人员姓名", width: 12 },
  { heading: "职务", width: 18 },
  { heading: "联系电话", width: 15 },
  { heading: "备注", width: 30 },
];

export interface AttendanceHeading {
  city: string;
  view: CampaignView;
  site: SiteView;
  filledOn: IsoDate;
}

/** Writes one site's sheet; returns its number of rows. */
export function writeAttendanceSheet(
  book: ExcelJS.stream.xlsx.WorkbookWriter,
  heading: AttendanceHeading,
  lines: AttendanceLine[],
  out: Writable,
): Promise<number> {
  const { view, site } = heading;
  const place = site.site.address
    ? `${site.label}（${site.site.address}）`
    : site.label;
  const rows = lines.map((line, i) => ({
    values: [
      i + 1,
      line.unit.name,
      line.time,
      line.officer?.name ?? null,
      line.officer?.title ?? null,
      line.officer?.phone ?? null,
      line.remarks,
    ],
  }));
  return writeGridSheet(
    book,
    site.label,
    {
      marker: "附件6",
      title: `${heading.city}${ATTENDANCE_TITLE}`,
      lines: [
        [`填报单位：${site.host.name}`, `接访点：${place}`],
        [`活动：${view.campaign.name}`, `接访期间：${periodText(view)}`],
      ],
      filledOn: heading.filledOn,
    },
    ATTENDANCE_COLUMNS,
    rows,
    out,
  );
}
