/**
 * What a unit has open in the referral workflow, for the 待办 command and
 * pages: cases to sign or handle, cases it supervises, and, for the
 * referring unit, returns, feedback and extension requests to decide.
 */
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Person } from "../units/directory.js";
import { deadlineStatus } from "./view.js";

export interface TodoItem {
  referralId: number;
  number: string;
  caseName: string;
  /** What the person's unit has to do, in Chinese. */
  task: string;
  /** Deadline status, e.g. "剩余 3 个工作日". */
  deadline?: string;
}

const MAX_ITEMS = 50;

export async function todoFor(
  ctx: AppContext,
  person: Person,
): Promise<TodoItem[]> {
  const { referrals, clocks, extensionRequests } = ctx.store.t;
  const unitId = person.unit.id;
  const db = ctx.store.db;
  const [handling, supervised, referred] = await Promise.all([
    db
      .select()
      .from(referrals)
      .where(
        and(
          eq(referrals.handlingUnitId, unitId),
          inArray(referrals.status, ["pending_receipt", "in_progress"]),
        ),
      )
      .orderBy(asc(referrals.id))
      .limit(MAX_ITEMS),
    db
      .select()
      .from(referrals)
      .where(
        and(
          eq(referrals.supervisingUnitId, unitId),
          ne(referrals.status, "closed"),
        ),
      )
      .orderBy(asc(referrals.id))
      .limit(MAX_ITEMS),
    db
      .select()
      .from(referrals)
      .where(
        and(
          eq(referrals.referringUnitId, unitId),
          inArray(referrals.status, [
            "returned",
            "feedback_submitted",
            "in_progress",
          ]),
        ),
      )
      .orderBy(asc(referrals.id))
      .limit(MAX_ITEMS),
  ]);

  const ids = [...handling, ...supervised, ...referred].map((r) => r.id);
  const [dueRows, pendingExtensions] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          db
            .select()
            .from(clocks)
            .where(
              and(
                eq(clocks.subjectType, "referral"),
                inArray(clocks.subjectId, ids),
                eq(clocks.rule, "referral.feedback"),
              ),
            ),
          db
            .select()
            .from(extensionRequests)
            .where(
              and(
                inArray(extensionRequests.referralId, ids),
                eq(extensionRequests.status, "pending"),
              ),
            ),
        ]);
  const cal = await ctx.calendars.get();
  const now = ctx.clock.now();
  const deadline = (id: number) => {
    const clock = dueRows.find(
      (c) => c.subjectId === id && c.status === "open",
    );
    return clock ? deadlineStatus(cal, clock.dueDate, now).text : undefined;
  };
  const item = (r: (typeof handling)[number], task: string): TodoItem => ({
    referralId: r.id,
    number: r.number,
    caseName: r.caseName,
    task,
    deadline: deadline(r.id),
  });

  const items = [
    ...handling.map((r) =>
      item(r, r.status === "pending_receipt" ? "待签收" : "待反馈"),
    ),
    ...supervised.map((r) => item(r, "督办")),
  ];
  for (const r of referred) {
    if (r.status === "returned") {
      items.push(item(r, "被退回，待改派或维持"));
    } else if (r.status === "feedback_submitted") {
      items.push(item(r, "反馈待审核"));
    } else if (pendingExtensions.some((x) => x.referralId === r.id)) {
      items.push(item(r, "延期申请待审批"));
    }
  }
  return items;
}
