/**
 * Checks on what a referral is sent to and when, with the Chinese answer
 * for each way it can be wrong.
 */
import type { Calendar } from "../calendar/calendar.js";
import { AppError, ValidationError } from "../errors.js";
import type { Unit } from "../units/directory.js";
import { CRIME_CASE_KINDS, SOURCE_CASE_KINDS } from "../units/kinds.js";
import { REFERRAL_KINDS, referralLabels, type ReferralKind } from "./input.js";
import type { ReferralView } from "./view.js";

/** Short status words for sentences ("当前状态为“办理中”"). */
export function statusText(status: string): string {
  return (
    {
      pending_receipt: "待签收",
      returned: "已退回",
      in_progress: "办理中",
      feedback_submitted: "已反馈待审核",
      closed: "已办结",
    }[status] ?? status
  );
}

/** Source cases go to the authorities of their field, crimes to police. */
export function checkTarget(
  kind: ReferralKind,
  target: Unit | undefined,
  field = "receivingUnitId",
  label = "接收单位",
): asserts target is Unit {
  if (!target || !target.active) {
    throw new ValidationError([
      {
        field,
        message: `${label}：该单位不存在或已停用，请从列表中选择`,
      },
    ]);
  }
  const allowed = kind === "crime" ? CRIME_CASE_KINDS : SOURCE_CASE_KINDS;
  if (!allowed.includes(target.kind)) {
    const should =
      kind === "crime"
        ? "公安机关"
        : "行业主管部门、发展改革、国资或经济和信息化部门";
    throw new ValidationError([
      {
        field,
        message:
          `${label}：${REFERRAL_KINDS[kind]}应移送${should}，` +
          `${target.shortName}不能接收`,
      },
    ]);
  }
}

/**
 * After a return, the case may go to another unit that can take it; a
 * case passed down goes to another county's unit of the same kind.
 */
export function checkRedirect(
  view: ReferralView,
  target: Unit | undefined,
): asserts target is Unit {
  const supervisor = view.supervisingUnit;
  if (supervisor) {
    if (!target || target.kind !== supervisor.kind || target.level === "city") {
      throw new ValidationError([
        {
          field: "unitId",
          message:
            "改派给：请选择另一个县（市、区）或园区的同类部门，或收回本单位自办",
        },
      ]);
    }
  } else {
    checkTarget(view.referral.kind as ReferralKind, target, "unitId", "改派给");
  }
  if (target.id === view.referral.handlingUnitId) {
    throw new ValidationError([
      {
        field: "unitId",
        message: "改派给：不能是退回的单位；如坚持由其办理，请选择“维持原移送”",
      },
    ]);
  }
}

/**
 * The case was found before it was referred, neither in the future, and
 * both days in years the calendar can count.
 */
export function checkDates(
  cal: Calendar,
  found: string,
  referral: string,
  today: string,
): void {
  const issues = [];
  if (found > today) {
    issues.push({ field: "foundDate", message: "发现日期：不能晚于今天" });
  }
  if (referral > today) {
    issues.push({ field: "referralDate", message: "移送时间：不能晚于今天" });
  } else if (referral < found) {
    issues.push({
      field: "referralDate",
      message: "移送时间：不能早于发现日期",
    });
  }
  if (issues.length) {
    throw new ValidationError(issues);
  }
  const dates = [
    ["foundDate", found],
    ["referralDate", referral],
  ] as const;
  for (const [field, date] of dates) {
    if (!cal.canCount(date)) {
      throw new AppError(
        "calendar_year_missing",
        `${referralLabels[field]}：${date.slice(0, 4)} 年的节假日安排尚未载入，` +
          "无法计算期限。请核对日期，或请管理员载入该年节假日安排。",
        422,
        field,
      );
    }
  }
}
