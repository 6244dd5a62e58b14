/**
 * The referrals a feedback table lists, read page by page so that a year
 * of a province's referrals never sits in memory: each with its units and
 * the feedback that stands (the latest one not sent back).
 */
import { and, asc, eq, gt, gte, inArray, lte, or, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { ReferralKind } from "../referrals/input.js";
import type { FeedbackRow, ReferralRow } from "../referrals/view.js";
import type { IsoDate } from "../time.js";
import type { Unit } from "../units/directory.js";

export const PAGE_SIZE = 500;

export interface FeedbackLine {
  referral: ReferralRow;
  referringUnit: Unit;
  /** Who fed back, or the unit handling the case while none has. */
  handlingUnit: Unit;
  feedback?: {
    /** The form's values (src/referrals/input.ts, per kind). */
    data: Record<string, unknown>;
    recoveredWorkers: number;
    recoveredFen: number;
  };
}

export interface LineFilter {
  kind: ReferralKind;
  from: IsoDate;
  to: IsoDate;
  /** Referrals this unit sent, handles or supervises; all when absent. */
  unitId?: number;
}

/** Lines in the order of their referral date, then of their number. */
export async function* feedbackLines(
  ctx: AppContext,
  filter: LineFilter,
  pageSize = PAGE_SIZE,
): AsyncGenerator<FeedbackLine> {
  const units = await unitsById(ctx);
  let after: { date: IsoDate; id: number } | undefined;
  for (;;) {
    const page = await referralPage(ctx, filter, after, pageSize);
    if (page.length === 0) {
      return;
    }
    const feedbacks = await standingFeedbacks(
      ctx,
      page.map((r) => r.id),
    );
    for (const referral of page) {
      const feedback = feedbacks.get(referral.id);
      yield {
        referral,
        referringUnit: unitOf(units, referral.referringUnitId),
        handlingUnit: unitOf(
          units,
          feedback?.unitId ?? referral.handlingUnitId,
        ),
        feedback: feedback && {
          data: JSON.parse(feedback.data) as Record<string, unknown>,
          recoveredWorkers: feedback.recoveredWorkers,
          recoveredFen: feedback.recoveredFen,
        },
      };
    }
    const last = page[page.length - 1];
    after = { date: last.referralDate, id: last.id };
  }
}

async function referralPage(
  ctx: AppContext,
  filter: LineFilter,
  after: { date: IsoDate; id: number } | undefined,
  pageSize: number,
): Promise<ReferralRow[]> {
  const { referrals: r } = ctx.store.t;
  const conditions: (SQL | undefined)[] = [
    eq(r.kind, filter.kind),
    gte(r.referralDate, filter.from),
    lte(r.referralDate, filter.to),
  ];
  if (filter.unitId !== undefined) {
    conditions.push(
      or(
        eq(r.referringUnitId, filter.unitId),
        eq(r.handlingUnitId, filter.unitId),
        eq(r.supervisingUnitId, filter.unitId),
      ),
    );
  }
  if (after) {
    // Keyset paging: no OFFSET, so each page costs the same.
    conditions.push(
      or(
        gt(r.referralDate, after.date),
        and(eq(r.referralDate, after.date), gt(r.id, after.id)),
      ),
    );
  }
  return ctx.store.db
    .select()
    .from(r)
    .where(and(...conditions))
    .orderBy(asc(r.referralDate), asc(r.id))
    .limit(pageSize);
}

/** Per referral, its latest feedback that was not sent back. */
async function standingFeedbacks(
  ctx: AppContext,
  referralIds: number[],
): Promise<Map<number, FeedbackRow>> {
  const { feedbacks: f } = ctx.store.t;
  const rows = await ctx.store.db
    .select()
    .from(f)
    .where(
      and(
        inArray(f.referralId, referralIds),
        inArray(f.status, ["submitted", "accepted"]),
      ),
    )
    .orderBy(asc(f.id));
  return new Map(rows.map((row) => [row.referralId, row]));
}

/** Every unit, retired ones too: old referrals still name them. */
async function unitsById(ctx: AppContext): Promise<Map<number, Unit>> {
  const rows = await ctx.store.db.select().from(ctx.store.t.units);
  return new Map(rows.map((u) => [u.id, u]));
}

function unitOf(units: Map<number, Unit>, id: number): Unit {
  const unit = units.get(id);
  if (!unit) {
    throw new Error(`referral names missing unit ${id}`);
  }
  return unit;
}
