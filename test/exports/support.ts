/**
 * What the export tests share: a month of referrals made through the
 * service, and an export read back with exceljs.
 */
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import type { Bot } from "../../src/boot.js";
import {
  exportTable,
  type ExportRequest,
  type ExportResult,
  type Requester,
} from "../../src/exports/export.js";
import type { Acting } from "../../src/referrals/service.js";
import type { ManualClock } from "../../src/time.js";
import { demo, sourceCase, unitId } from "../helpers/bot.js";

export interface Exported {
  result: ExportResult;
  book: ExcelJS.Workbook;
}

/** Runs an export into memory and opens what it wrote. */
export async function exported(
  bot: Bot,
  who: Requester,
  request: ExportRequest,
): Promise<Exported> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => out.on("end", resolve));
  const result = await exportTable(bot.ctx, who, request, out);
  await ended;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.concat(chunks) as never);
  return { result, book };
}

/** Cell values of a row from column 1 to `last`, blanks as null. */
export function rowValues(
  sheet: ExcelJS.Worksheet,
  row: number,
  last: number,
): unknown[] {
  return Array.from({ length: last }, (_, i) => {
    const value = sheet.getRow(row).getCell(i + 1).value;
    return value === undefined || value === "" ? null : value;
  });
}

/** "2026-10-09" for an Excel date, whatever the machine's time zone. */
export function isoOf(value: unknown): string {
  if (!(value instanceof Date)) {
    throw new Error(`not a date: ${String(value)}`);
  }
  return value.toISOString().slice(0, 10);
}

export const SOURCE_FEEDBACK = {
  handlerContact: "张伟",
  handlerPhone: "0825-2345678",
  penalty: "责令限期支付",
  summary: "已督促总包单位代发工资",
  recoveredWorkers: "12",
  recoveredAmount: "123456.70",
  remarks: "工资已全部结清",
};

export interface Month {
  wang: Acting;
  zhang: Acting;
  zhou: Acting;
  /** Source cases, in referral-date order: A to housing, fed back… */
  a: number;
  /** …D to transport (another unit's)… */
  d: number;
  /** …F passed down from housing to Chuanshan's housing… */
  f: number;
  /** …B to housing, signed, no feedback yet. */
  b: number;
  /** A crime referred to the police, fed back and closed. */
  e: number;
  /** September's: outside October. */
  september: number;
}

/**
 * October 2026 as HRSS lived it: source cases to housing and transport,
 * one passed down to a county, one crime to the police, and a decoy in
 * September. Leaves the clock on 2026-11-03 07:30 Shanghai, the evening
 * before in New York.
 */
export async function october(bot: Bot, clock: ManualClock): Promise<Month> {
  const wang = await demo(bot, "王建国");
  const zhang = await demo(bot, "张伟");
  const zhou = await demo(bot, "周强");
  const zhao = await demo(bot, "赵磊");
  const housing = await unitId(bot, "city.housing");
  const transport = await unitId(bot, "city.transport");
  const police = await unitId(bot, "city.police");
  const chuanshan = await unitId(bot, "chuanshan.housing");

  const refer = async (on: string, unit: number, extra = {}) => {
    clock.set(`${on}T09:00`);
    const { referralId } = await bot.referrals.create(
      wang,
      sourceCase(unit, { foundDate: on, referralDate: on, ...extra }),
    );
    return referralId;
  };

  const september = await refer("2026-09-29", housing);
  const a = await refer("2026-10-09", housing);
  clock.set("2026-10-09T15:00");
  await bot.referrals.sign(zhang, a);
  await bot.referrals.submitFeedback(zhang, a, SOURCE_FEEDBACK);
  await bot.referrals.reviewFeedback(wang, a, { accept: true });

  const d = await refer("2026-10-12", transport, {
    caseName: "城北快速通道项目欠薪案",
    companyName: "四川某路桥工程有限公司",
    headCount: "40",
    amount: "560000",
  });
  const f = await refer("2026-10-15", housing, {
    caseName: "河东新区安置房项目欠薪案",
    headCount: "8",
    amount: "64000.5",
  });
  clock.set("2026-10-16T10:00");
  await bot.referrals.sign(zhang, f);
  await bot.referrals.passDown(zhang, f, { unitId: chuanshan });
  clock.set("2026-10-19T10:00");
  await bot.referrals.sign(zhao, f);

  const b = await refer("2026-10-20", housing, {
    caseName: "天悦府项目欠薪案",
    complainantName: "李四",
    headCount: "3",
    amount: "8000.05",
    exhibits: "",
  });
  clock.set("2026-10-21T10:00");
  await bot.referrals.sign(zhang, b);

  const e = await refer("2026-10-22", police, {
    kind: "crime",
    caseName: "某劳务公司拒不支付劳动报酬案",
    companyName: "遂宁某劳务有限公司",
    headCount: "25",
    amount: "310000",
  });
  clock.set("2026-10-23T10:00");
  await bot.referrals.sign(zhou, e);
  await bot.referrals.submitFeedback(zhou, e, {
    handlerContact: "周强",
    handlerPhone: "13800000008",
    caseOpened: "是",
    arrestApproved: "是",
    prosecuted: "否",
    recoveredWorkers: "25",
    recoveredAmount: "300000",
    closedDate: "2026-10-30",
  });

  clock.set("2026-11-03T07:30");
  return { wang, zhang, zhou, a, d, f, b, e, september };
}
