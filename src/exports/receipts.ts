/**
 * The receipts of one referral (attachment 2), found by its id or by the
 * number people type, with the unit each was addressed to.
 */
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { AppError, conflict } from "../errors.js";
import type { ReferralView } from "../referrals/view.js";
import type { ReceiptData } from "./receipt-sheet.js";

export const NUMBER_EXAMPLE = "遂人社移〔2026〕12号";

/** "遂人社移(2026)12" and the like, in the form referrals are numbered. */
export function normalizeNumber(typed: string): string | undefined {
  const normal = typed
    .replace(/\s/g, "")
    .replace(/[[(（【〔]/g, "〔")
    .replace(/[\])）】〕]/g, "〕");
  const match = /^(.+)〔(\d{4})〕(\d+)号?$/.exec(normal);
  return match ? `${match[1]}〔${match[2]}〕${Number(match[3])}号` : undefined;
}

export async function referralIdByNumber(
  ctx: AppContext,
  typed: string,
): Promise<number> {
  const number = normalizeNumber(typed);
  if (!number) {
    throw new AppError(
      "bad_number",
      `案件文号：“${typed}”格式不对，应如 ${NUMBER_EXAMPLE}。`,
      422,
      "referral",
    );
  }
  const { referrals } = ctx.store.t;
  const year = Number(/〔(\d{4})〕/.exec(number)![1]);
  const [row] = await ctx.store.db
    .select({ id: referrals.id })
    .from(referrals)
    .where(and(eq(referrals.number, number), eq(referrals.year, year)));
  if (!row) {
    throw new AppError(
      "not_found",
      `没有找到文号为 ${number} 的移送案件，请核对。`,
      404,
      "referral",
    );
  }
  return row.id;
}

export function referralRequired(): AppError {
  return new AppError(
    "referral_required",
    `案件文号：导出回执要写明是哪个案件，如：导出 回执 ${NUMBER_EXAMPLE}`,
    422,
    "referral",
  );
}

/**
 * The receipts to print, oldest first: every unit's that signed (the city
 * unit, then the county unit it passed the case to), or one unit's.
 */
export async function receiptsOf(
  ctx: AppContext,
  view: ReferralView,
  unitId?: number,
): Promise<ReceiptData[]> {
  const r = view.referral;
  const chosen = view.receipts
    .filter((x) => unitId === undefined || x.unitId === unitId)
    .sort((a, b) => a.signedAt - b.signedAt || a.id - b.id);
  if (chosen.length === 0) {
    throw conflict(
      "not_signed",
      view.receipts.length === 0
        ? `${r.number}（${r.caseName}）尚未签收，还没有签收回执。`
        : `${r.number}（${r.caseName}）没有该单位的签收回执。`,
    );
  }
  const unit = async (id: number) => (await ctx.directory.unit(id))!;
  return Promise.all(
    chosen.map(async (receipt) => ({
      referral: r,
      receipt,
      signingUnit: await unit(receipt.unitId),
      // A unit the case was passed down to signed for what its city
      // unit handed over; the city unit signed for the referrer's.
      addressee:
        r.supervisingUnitId !== null && receipt.unitId !== r.supervisingUnitId
          ? await unit(r.supervisingUnitId)
          : view.referringUnit,
    })),
  );
}
