/**
 * What people type for a reception campaign (spec 3.5): the campaign
 * itself, the officers a unit names, the daily dispatch report and an
 * attendance the site records for an officer. The same schemas serve the
 * form pages, the API and the tests.
 */
import { z } from "zod";
import { isValidDate } from "../time.js";
import {
  choice,
  isoDate,
  moneyFen,
  optionalText,
  phone,
  requiredText,
  submissionId,
  wholeNumber,
} from "../validation.js";

/** "HH:MM", 00:00–23:59; "9:00" is accepted and padded. */
export const timeOfDay = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace("：", ":") : v),
  z
    .string({ error: "请填写时间" })
    .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "不是有效时间，应为 时:分，如 09:00")
    .transform((s) => s.padStart(5, "0")),
);

/** "2026-09-28T18:00" or "2026-09-28 18:00", Shanghai time. */
export const localDateTime = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(" ", "T") : v),
  z
    .string({ error: "请填写日期和时间" })
    .min(1, "请填写")
    .regex(
      /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/,
      "不是有效的日期时间，应为 年-月-日 时:分，如 2026-09-28 18:00",
    )
    .refine((s) => isValidDate(s.slice(0, 10)), "没有这一天，请核对年月日"),
);

const idList = (what: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null || v === "" ? [] : [v].flat()),
    z
      .array(choice(what), { error: `请选择${what}` })
      .max(500, `${what}不能超过 500 个`),
  );

const dateList = z.preprocess(
  (v) => (v === undefined || v === null || v === "" ? [] : [v].flat()),
  z.array(isoDate).min(1, "请至少选择一天").max(62, "值班日期不能超过 62 天"),
);

export const siteInput = z.object({
  hostUnitId: choice("接访点（人社部门）"),
  address: optionalText(200),
  unitIds: idList("派员单位"),
});

export const campaignInput = z.object({
  submissionId,
  name: requiredText(100),
  startDate: isoDate,
  endDate: isoDate,
  dutyStart: timeOfDay,
  dutyEnd: timeOfDay,
  nominateBy: localDateTime,
  remindAfterMin: wholeNumber(0, 240).default(15),
  escalateAfterMin: wholeNumber(0, 480).default(30),
  reportDue: timeOfDay.default("17:00"),
  summaryAt: timeOfDay.default("18:00"),
  sites: z
    .array(siteInput, { error: "请至少设置一个接访点" })
    .min(1, "请至少设置一个接访点")
    .max(50, "接访点不能超过 50 个"),
});

export type CampaignInput = z.infer<typeof campaignInput>;

export const campaignLabels: Record<string, string> = {
  name: "活动名称",
  startDate: "开始日期",
  endDate: "结束日期",
  dutyStart: "每日值班开始时间",
  dutyEnd: "每日值班结束时间",
  nominateBy: "指派人员截止时间",
  remindAfterMin: "未签到提醒（开始后分钟数）",
  escalateAfterMin: "通知单位领导（开始后分钟数）",
  reportDue: "日调度报送截止时间",
  summaryAt: "每日汇总时间",
  sites: "接访点",
  hostUnitId: "接访点（人社部门）",
  address: "接访点地址",
  unitIds: "派员单位",
  submissionId: "提交编号",
};

/** One officer a unit names: someone on its list, or a new person. */
export const officerInput = z.object({
  personId: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    choice("接访人员").optional(),
  ),
  name: optionalText(64),
  title: optionalText(64),
  phone: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    phone.optional(),
  ),
  dates: dateList,
});

export const nominationInput = z.object({
  submissionId,
  officers: z
    .array(officerInput, { error: "请至少指派一名接访人员" })
    .min(1, "请至少指派一名接访人员")
    .max(60, "一次最多指派 60 人"),
});

export type NominationInput = z.infer<typeof nominationInput>;

export const nominationLabels: Record<string, string> = {
  officers: "接访人员",
  personId: "接访人员",
  name: "姓名",
  title: "职务",
  phone: "联系电话",
  dates: "值班日期",
  submissionId: "提交编号",
};

/** The daily dispatch report (日调度) of one site for one day. */
export const dispatchInput = z.object({
  submissionId,
  visits: wholeNumber(0, 100_000),
  visitors: wholeNumber(0, 1_000_000),
  cases: wholeNumber(0, 100_000),
  amount: moneyFen,
  incidents: wholeNumber(0, 1_000),
  remarks: optionalText(1000),
});

export type DispatchInput = z.infer<typeof dispatchInput>;

export const dispatchLabels: Record<string, string> = {
  visits: "接待来访批次",
  visitors: "接待来访人数",
  cases: "处理欠薪案件数",
  amount: "为农民工追回工资（元）",
  incidents: "突发事件数",
  remarks: "情况说明",
  submissionId: "提交编号",
};

/** The site's HRSS records an officer's attendance on their behalf (补登). */
export const attendanceInput = z.object({
  submissionId,
  checkedIn: timeOfDay,
  checkedOut: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    timeOfDay.optional(),
  ),
  remarks: requiredText(200),
});

export type AttendanceInput = z.infer<typeof attendanceInput>;

export const attendanceLabels: Record<string, string> = {
  checkedIn: "到岗时间",
  checkedOut: "离岗时间",
  remarks: "补登原因",
  submissionId: "提交编号",
};
