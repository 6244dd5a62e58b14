/**
 * Who may do what in a reception campaign. The service enforces these;
 * the pages call the same functions to refuse on load.
 */
import { forbidden } from "../errors.js";
import type { Person } from "../units/directory.js";
import type { CampaignView, SiteView } from "./view.js";

const hasAny = (person: Person, roles: string[]) =>
  roles.some((r) => person.roles.has(r as never));

/** The city's HRSS runs campaigns: its caseworkers, leaders, administrators. */
export function canRunCampaigns(person: Person): boolean {
  return (
    person.unit.kind === "hrss" &&
    person.unit.level === "city" &&
    hasAny(person, ["caseworker", "leader", "admin"])
  );
}

export function assertCanRunCampaigns(person: Person): void {
  if (!canRunCampaigns(person)) {
    throw forbidden(
      "只有市人力资源社会保障局的经办人员、负责人或管理员可以组织集中接访。",
    );
  }
}

/** The organizer's people see and manage the whole campaign. */
export function isOrganizer(person: Person, view: CampaignView): boolean {
  return (
    person.unit.id === view.campaign.organizerUnitId &&
    hasAny(person, ["caseworker", "leader", "admin", "liaison"])
  );
}

/** A sending unit's liaisons and leaders name its officers. */
export function assertCanNominate(
  person: Person,
  view: CampaignView,
): SiteView {
  const site = view.siteOfUnit.get(person.unit.id);
  if (!site) {
    throw forbidden(
      `${person.unit.shortName}不在“${view.campaign.name}”的派员单位名单中，无需指派接访人员。`,
    );
  }
  if (!hasAny(person, ["liaison", "leader"])) {
    throw forbidden("只有本单位的联络员或分管负责人可以指派接访人员。");
  }
  return site;
}

/** The host HRSS's staff keep the site: roll, records, daily report. */
export function isSiteStaff(person: Person, site: SiteView): boolean {
  return (
    person.unit.id === site.host.id &&
    hasAny(person, ["caseworker", "leader", "liaison", "admin"])
  );
}

export function assertSiteStaff(
  person: Person,
  view: CampaignView,
  site: SiteView,
  what: string,
): void {
  if (!isSiteStaff(person, site) && !isOrganizer(person, view)) {
    throw forbidden(`只有${site.host.shortName}的工作人员可以${what}。`);
  }
}
