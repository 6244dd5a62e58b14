/**
 * The columns of attachments 3 and 4, in the notice's order and wording.
 * Each table has a 序号 column, then two bands: the referral's basic
 * information (upper half of the form) and how it was handled (lower
 * half, what the handling unit fed back).
 */
import type ExcelJS from "exceljs";
import { excelDate, FORMATS, yuan } from "./layout.js";
import type { FeedbackLine } from "./feedback-rows.js";
import type { FeedbackTable } from "./tables.js";

export interface Column {
  heading: string;
  /** Excel column units; headings wrap to at most two lines. */
  width: number;
  format?: string;
  /** Summed on the 合计 row. */
  total?: boolean;
  value(line: FeedbackLine): ExcelJS.CellValue;
}

export interface TableLayout {
  /** Title without the city: the city's name goes in front. */
  title: string;
  attachment: number;
  sheetName: string;
  bands: { heading: string; columns: Column[] }[];
}

export const INDEX_HEADING = "序号";
export const INDEX_WIDTH = 6;

const text =
  (pick: (line: FeedbackLine) => string | undefined) =>
  (line: FeedbackLine): ExcelJS.CellValue =>
    pick(line) || null;

/** A field of the feedback form, blank while nobody has fed back. */
const fed = (field: string) =>
  text((line) => {
    const value = line.feedback?.data[field];
    return typeof value === "string" ? value : undefined;
  });

const yesNo = (field: string) =>
  text((line) => {
    const value = line.feedback?.data[field];
    return typeof value === "boolean" ? (value ? "是" : "否") : undefined;
  });

const date =
  (pick: (line: FeedbackLine) => unknown) => (line: FeedbackLine) => {
    const value = pick(line);
    return typeof value === "string" && value ? excelDate(value) : null;
  };

/** The upper half: the same nine columns in both tables, two named apart. */
function basicColumns(company: string, heads: string, amount: string) {
  return [
    { heading: "案件名称", width: 18, value: text((l) => l.referral.caseName) },
    {
      heading: "投诉人姓名",
      width: 8,
      value: text((l) => l.referral.complainantName),
    },
    { heading: company, width: 18, value: text((l) => l.referral.companyName) },
    {
      heading: heads,
      width: 8,
      format: FORMATS.count,
      total: true,
      value: (l: FeedbackLine) => l.referral.headCount,
    },
    {
      heading: amount,
      width: 15,
      format: FORMATS.money,
      total: true,
      value: (l: FeedbackLine) => yuan(l.referral.amountFen),
    },
    {
      heading: "移送时间",
      width: 11,
      format: FORMATS.date,
      value: date((l) => l.referral.referralDate),
    },
    {
      heading: "移送单位",
      width: 16,
      value: text((l) => l.referringUnit.name),
    },
    {
      heading: "移送联系人",
      width: 8,
      value: text((l) => l.referral.contactName),
    },
    {
      heading: "移送联系方式",
      width: 14,
      value: text((l) => l.referral.contactPhone),
    },
  ] satisfies Column[];
}

/** Who handled it, and its contact, named by the table's verb. */
function handlerColumns(verb: string): Column[] {
  return [
    {
      heading: `${verb}单位`,
      width: 16,
      value: text((l) => l.handlingUnit.name),
    },
    { heading: `${verb}联系人`, width: 8, value: fed("handlerContact") },
    { heading: `${verb}联系方式`, width: 14, value: fed("handlerPhone") },
  ];
}

const recovered: Column[] = [
  {
    heading: "追薪人数",
    width: 8,
    format: FORMATS.count,
    total: true,
    value: (l) => l.feedback?.recoveredWorkers ?? null,
  },
  {
    heading: "追薪金额",
    width: 15,
    format: FORMATS.money,
    total: true,
    value: (l) => (l.feedback ? yuan(l.feedback.recoveredFen) : null),
  },
];

const BASIC_BAND = "移送案件基本信息";
const HANDLING_BAND = "移送案件办理情况";

export const LAYOUTS: Record<FeedbackTable, TableLayout> = {
  "feedback-crime": {
    title: "涉嫌拒不支付劳动报酬罪犯罪案件移送查处情况反馈表",
    attachment: 3,
    sheetName: "附件3 犯罪案件反馈",
    bands: [
      {
        heading: BASIC_BAND,
        columns: basicColumns("涉嫌拒支单位", "涉及人数", "涉及金额"),
      },
      {
        heading: HANDLING_BAND,
        columns: [
          ...handlerColumns("侦办"),
          { heading: "是否立案", width: 7, value: yesNo("caseOpened") },
          ...recovered,
          { heading: "是否批捕", width: 7, value: yesNo("arrestApproved") },
          { heading: "是否起诉", width: 7, value: yesNo("prosecuted") },
          {
            heading: "结案时间",
            width: 11,
            format: FORMATS.date,
            value: date((l) => l.feedback?.data.closedDate),
          },
        ],
      },
    ],
  },
  "feedback-source": {
    title: "源头性欠薪案件移送查办情况反馈表",
    attachment: 4,
    sheetName: "附件4 源头性案件反馈",
    bands: [
      {
        heading: BASIC_BAND,
        columns: basicColumns("被投诉单位", "投诉人数", "投诉金额"),
      },
      {
        heading: HANDLING_BAND,
        columns: [
          ...handlerColumns("承办"),
          {
            heading: "对违法行为行政处（理）罚情况",
            width: 16,
            value: fed("penalty"),
          },
          { heading: "办理概况及结果", width: 24, value: fed("summary") },
          ...recovered,
          { heading: "备注", width: 12, value: fed("remarks") },
        ],
      },
    ],
  },
};

/** Every column after 序号, band by band. */
export function columnsOf(layout: TableLayout): Column[] {
  return layout.bands.flatMap((band) => band.columns);
}
