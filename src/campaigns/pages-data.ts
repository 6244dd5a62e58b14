/**
 * What the campaign pages read besides one campaign (view.ts): the
 * campaigns a person takes part in, the people a unit may name as duty
 * officers, one duty shift, and the daily reports.
 */
import { and, asc, desc, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import type { AppContext } from "../context.js";
import type { IsoDate } from "../time.js";
import type { Person } from "../units/directory.js";
import type { CampaignRow, DispatchRow, Officer, ShiftRow } from "./view.js";

/**
 * Campaigns ending on or after `since`, cancelled ones included, newest
 * first, in which the person's unit organizes, hosts a site or sends
 * officers, or the person is on duty.
 */
export async function campaignsOf(
  ctx: AppContext,
  q: Db,
  person: Person,
  since: IsoDate,
): Promise<CampaignRow[]> {
  const { campaigns, campaignSites, campaignUnits, dutyShifts } = ctx.store.t;
  const recent = await q
    .select()
    .from(campaigns)
    .where(gte(campaigns.endDate, since))
    .orderBy(desc(campaigns.startDate), desc(campaigns.id));
  if (recent.length === 0) {
    return [];
  }

  const ids = recent.map((c) => c.id);
  const unitId = person.unit.id;
  const [hosted, sending, onDuty] = await Promise.all([
    q
      .select({ id: campaignSites.campaignId })
      .from(campaignSites)
      .where(
        and(
          inArray(campaignSites.campaignId, ids),
          eq(campaignSites.hostUnitId, unitId),
        ),
      ),
    q
      .select({ id: campaignUnits.campaignId })
      .from(campaignUnits)
      .where(
        and(
          inArray(campaignUnits.campaignId, ids),
          eq(campaignUnits.unitId, unitId),
        ),
      ),
    q
      .selectDistinct({ id: dutyShifts.campaignId })
      .from(dutyShifts)
      .where(
        and(
          inArray(dutyShifts.campaignId, ids),
          eq(dutyShifts.personId, person.id),
        ),
      ),
  ]);
  const mine = new Set([...hosted, ...sending, ...onDuty].map((r) => r.id));
  return recent.filter((c) => c.organizerUnitId === unitId || mine.has(c.id));
}

/** Active people of a unit, to choose duty officers from. */
export async function peopleOfUnit(
  ctx: AppContext,
  q: Db,
  unitId: number,
): Promise<Officer[]> {
  const { people } = ctx.store.t;
  return q
    .select({
      id: people.id,
      name: people.name,
      title: people.title,
      phone: people.phone,
    })
    .from(people)
    .where(and(eq(people.unitId, unitId), eq(people.active, true)))
    .orderBy(asc(people.id));
}

/** One duty shift, or undefined. */
export async function findShift(
  ctx: AppContext,
  q: Db,
  shiftId: number,
): Promise<ShiftRow | undefined> {
  const { dutyShifts } = ctx.store.t;
  const [row] = await q
    .select()
    .from(dutyShifts)
    .where(eq(dutyShifts.id, shiftId));
  return row;
}

/** Every daily report of a campaign, keyed "siteId:date". */
export async function dispatchesOf(
  ctx: AppContext,
  q: Db,
  campaignId: number,
): Promise<Map<string, DispatchRow>> {
  const { dispatchReports } = ctx.store.t;
  const rows = await q
    .select()
    .from(dispatchReports)
    .where(eq(dispatchReports.campaignId, campaignId));
  return new Map(rows.map((r) => [`${r.siteId}:${r.date}`, r]));
}
