/**
 * A referral with everything a card, a page or a permission check needs,
 * loaded in one place.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import type { Calendar } from "../calendar/calendar.js";
import type { ClockRow } from "../clocks/engine.js";
import type { AppContext } from "../context.js";
import { forbidden, notFound } from "../errors.js";
import { dateOf, formatDateCn, type IsoDate } from "../time.js";
import type { Person, Unit } from "../units/directory.js";

type Tables = typeof import("../../db/schema.js");
export type ReferralRow = Tables["referrals"]["$inferSelect"];
export type ReceiptRow = Tables["receipts"]["$inferSelect"];
export type FeedbackRow = Tables["feedbacks"]["$inferSelect"];
export type ExtensionRow = Tables["extensionRequests"]["$inferSelect"];
export type ReturnRow = Tables["referralReturns"]["$inferSelect"];

export const STATUS_LABELS: Record<string, string> = {
  pending_receipt: "待签收",
  returned: "已退回，待移送单位处理",
  in_progress: "办理中",
  feedback_submitted: "已反馈，待移送单位审核",
  closed: "已办结",
};

export interface ReferralView {
  referral: ReferralRow;
  referringUnit: Unit;
  handlingUnit: Unit;
  supervisingUnit?: Unit;
  feedbackClock?: ClockRow;
  referClock?: ClockRow;
  receipts: ReceiptRow[];
  feedback?: FeedbackRow;
  pendingExtension?: ExtensionRow;
  openReturn?: ReturnRow;
  /** Units that returned the case at some point: they hold its card. */
  returnedBy: number[];
}

export async function loadView(
  ctx: AppContext,
  q: Db,
  id: number,
): Promise<ReferralView> {
  const t = ctx.store.t;
  const [referral] = await q
    .select()
    .from(t.referrals)
    .where(eq(t.referrals.id, id));
  if (!referral) {
    throw notFound("该移送案件");
  }
  const unit = async (unitId: number) => (await ctx.directory.unit(unitId))!;
  const [
    referringUnit,
    handlingUnit,
    clocks,
    receipts,
    feedbacks,
    extensions,
    returns,
  ] = await Promise.all([
    unit(referral.referringUnitId),
    unit(referral.handlingUnitId),
    ctx.clocks.forSubject(q, "referral", id),
    q.select().from(t.receipts).where(eq(t.receipts.referralId, id)),
    q
      .select()
      .from(t.feedbacks)
      .where(eq(t.feedbacks.referralId, id))
      .orderBy(desc(t.feedbacks.id))
      .limit(1),
    q
      .select()
      .from(t.extensionRequests)
      .where(
        and(
          eq(t.extensionRequests.referralId, id),
          eq(t.extensionRequests.status, "pending"),
        ),
      ),
    q
      .select()
      .from(t.referralReturns)
      .where(eq(t.referralReturns.referralId, id))
      .orderBy(desc(t.referralReturns.id)),
  ]);
  return {
    referral,
    referringUnit,
    handlingUnit,
    supervisingUnit: referral.supervisingUnitId
      ? await unit(referral.supervisingUnitId)
      : undefined,
    feedbackClock: clocks.find((c) => c.rule === "referral.feedback"),
    referClock: clocks.find((c) => c.rule === "referral.refer"),
    receipts,
    feedback: feedbacks[0],
    pendingExtension: extensions[0],
    openReturn: returns[0] && !returns[0].resolution ? returns[0] : undefined,
    returnedBy: [...new Set(returns.map((x) => x.unitId))],
  };
}

/** Units whose people may see the case in full. */
export function involvedUnitIds(view: ReferralView): number[] {
  const ids = [
    view.referral.referringUnitId,
    view.referral.handlingUnitId,
    ...view.receipts.map((r) => r.unitId),
  ];
  if (view.referral.supervisingUnitId) {
    ids.push(view.referral.supervisingUnitId);
  }
  return [...new Set(ids)];
}

export function assertCanView(person: Person, view: ReferralView): void {
  if (
    person.roles.has("admin") ||
    involvedUnitIds(view).includes(person.unit.id)
  ) {
    return;
  }
  throw forbidden(
    `该案件由${view.referringUnit.shortName}移送给${view.handlingUnit.shortName}，` +
      `您所在的${person.unit.shortName}无权查看。`,
  );
}

/** "剩余 3 个工作日" / "今天到期" / "已逾期 2 个工作日" for a deadline. */
export function deadlineStatus(cal: Calendar, dueDate: IsoDate, now: number) {
  const today = dateOf(now);
  if (today > dueDate) {
    const days = cal.workdaysAfter(dueDate, today);
    return { overdueDays: days, text: `已逾期 ${days} 个工作日` };
  }
  if (today === dueDate) {
    return { overdueDays: 0, text: "今天到期" };
  }
  const left = cal.workdaysAfter(today, dueDate);
  return { overdueDays: 0, text: `剩余 ${left} 个工作日` };
}

export function deadlineLine(
  cal: Calendar,
  clock: ClockRow,
  now: number,
): string {
  const due = `${formatDateCn(clock.dueDate)}前`;
  if (clock.status !== "open") {
    return clock.lateDays
      ? `${due}（逾期 ${clock.lateDays} 个工作日完成）`
      : `${due}（按期完成）`;
  }
  const warn = clock.provisional ? "，节假日数据待载入" : "";
  return `${due}（${deadlineStatus(cal, clock.dueDate, now).text}${warn}）`;
}

/**
 * The deadline as a card shows it. A card in a chat stays as it was sent
 * until the case changes, so it carries the date only; the morning
 * reminders and the pages say how many working days are left.
 */
export function cardDeadline(clock: ClockRow): string {
  const due = `${formatDateCn(clock.dueDate)}前`;
  if (clock.status !== "open") {
    return clock.lateDays
      ? `${due}（逾期 ${clock.lateDays} 个工作日完成）`
      : `${due}（按期完成）`;
  }
  return clock.provisional ? `${due}（节假日数据待载入）` : due;
}
