/**
 * Which campaign page a person may open, checked when the page loads so
 * that someone who may not act sees a refusal instead of a form that
 * would fail. Who may act is the service's rule (campaigns/permissions.ts);
 * this adds who may look, and whose phone numbers they see whole.
 */
import {
  assertCanNominate,
  assertSiteStaff,
  isOrganizer,
  isSiteStaff,
} from "../campaigns/permissions.js";
import { monthDay } from "../campaigns/messages.js";
import type { CampaignView, ShiftRow, SiteView } from "../campaigns/view.js";
import { conflict, forbidden, notFound } from "../errors.js";
import type { IsoDate } from "../time.js";
import type { Person } from "../units/directory.js";

export {
  assertCanRunCampaigns,
  canRunCampaigns,
  isOrganizer,
  isSiteStaff,
} from "../campaigns/permissions.js";

/** The organizer, a site's host, a sending unit, or an officer on duty. */
export function takesPart(person: Person, view: CampaignView): boolean {
  const unitId = person.unit.id;
  return (
    view.campaign.organizerUnitId === unitId ||
    view.sites.some((s) => s.host.id === unitId) ||
    view.siteOfUnit.has(unitId) ||
    view.shifts.some((s) => s.personId === person.id)
  );
}

export function assertCanViewCampaign(
  person: Person,
  view: CampaignView,
): void {
  if (!takesPart(person, view)) {
    throw forbidden(
      `${person.unit.shortName}不参与“${view.campaign.name}”，无权查看。`,
    );
  }
}

/**
 * An officer's phone, whole: for the organizer, the staff of the site
 * the officer serves at, and the officer's own unit. Others see it masked.
 */
export function seesPhone(
  person: Person,
  view: CampaignView,
  shift: ShiftRow,
): boolean {
  if (person.unit.id === shift.unitId || isOrganizer(person, view)) {
    return true;
  }
  const site = view.sites.find((s) => s.site.id === shift.siteId);
  return site !== undefined && isSiteStaff(person, site);
}

/** The officers form: the unit's liaison or leader, while it can change. */
export function assertCanOpenOfficers(
  person: Person,
  view: CampaignView,
  today: IsoDate,
): SiteView {
  const site = assertCanNominate(person, view);
  assertActive(view, "无需指派");
  if (view.campaign.endDate < today) {
    throw conflict("campaign_over", "该集中接访活动已经结束，不能再修改指派。");
  }
  return site;
}

export function canNominate(person: Person, view: CampaignView): boolean {
  try {
    assertCanNominate(person, view);
    return true;
  } catch {
    return false;
  }
}

/** The site's staff (or the organizer) may keep its roll and reports. */
export function keepsSite(
  person: Person,
  view: CampaignView,
  site: SiteView,
): boolean {
  return isSiteStaff(person, site) || isOrganizer(person, view);
}

/** The daily report of a site: its staff, on a campaign day that came. */
export function assertCanOpenDispatch(
  person: Person,
  view: CampaignView,
  site: SiteView,
  date: IsoDate,
  today: IsoDate,
): void {
  assertSiteStaff(person, view, site, "报送日调度");
  assertCampaignDay(view, date, "该日期的日调度");
  assertActive(view, "不需要报送日调度");
  if (date > today) {
    throw conflict(
      "dispatch_future",
      `${monthDay(date)}还没到，不能提前报送日调度。`,
    );
  }
}

/** The roll of a site on a day: its staff and the organizer. */
export function assertCanOpenRoll(
  person: Person,
  view: CampaignView,
  site: SiteView,
  date: IsoDate,
): void {
  assertSiteStaff(person, view, site, "查看到岗情况");
  assertCampaignDay(view, date, "该日期的到岗情况");
}

function assertCampaignDay(view: CampaignView, date: IsoDate, what: string) {
  if (!view.days.includes(date)) {
    throw notFound(what);
  }
}

function assertActive(view: CampaignView, why: string) {
  if (view.campaign.status !== "active") {
    throw conflict("campaign_cancelled", `该集中接访活动已取消，${why}。`);
  }
}
