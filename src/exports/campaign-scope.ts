/**
 * Which reception campaign, and which of its sites, an export of the
 * campaign's tables is for, and whether the person asking may have it.
 * Users name a campaign as they know it: its name ("2026年国庆节集中接访"),
 * its number ("#3", "编号3", or just 3) or a month, quarter or year it
 * falls in ("2026-10"); a site by its host ("船山区", "船山区人社局",
 * "船山区人社局接访点", the unit's code) after the campaign, or by the
 * unit picked on the page.
 *
 * The organizer (the city's HRSS) and administrators export everything;
 * a site's HRSS exports its own site's attendance sheet; nobody else gets
 * a file, since the sheet lists officers' phones in full.
 */
import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { AppError, forbidden } from "../errors.js";
import { isOrganizer, isSiteStaff } from "../campaigns/permissions.js";
import {
  loadCampaign,
  type CampaignRow,
  type CampaignView,
  type SiteView,
} from "../campaigns/view.js";
import { formatDateCn } from "../time.js";
import type { Person } from "../units/directory.js";
import { personOf, type Requester } from "./access.js";
import { parsePeriod, type Period } from "./period.js";
import { normalizeTyped, type CampaignTable } from "./tables.js";

export interface CampaignRequest {
  /** The campaign as typed, maybe followed by a site after a space. */
  campaign?: string;
  campaignId?: number;
  /** A site as typed: its host's name, short name or code. */
  site?: string;
  /** A site by its host unit, as the page's unit list picks it. */
  unitId?: number;
}

export interface CampaignScope {
  view: CampaignView;
  /** One site's sheet; undefined for the whole campaign. */
  site?: SiteView;
}

export const CAMPAIGN_EXAMPLE = "2026年国庆节集中接访";

/**
 * The campaign and site a request is for, once the requester is known to
 * be allowed them. Errors are AppErrors in Chinese, raised before any
 * officer's details are read.
 */
export async function campaignScope(
  ctx: AppContext,
  who: Requester,
  table: CampaignTable,
  request: CampaignRequest,
): Promise<CampaignScope> {
  const person = personOf(who);
  if (person) {
    assertMayAsk(person);
  }
  const found = await findCampaign(ctx, request);
  if (found.campaign.status === "cancelled") {
    // A sheet of a called-off campaign would list every unit as absent.
    throw new AppError(
      "campaign_cancelled",
      `“${found.campaign.name}”（编号 #${found.campaign.id}）已取消，` +
        "没有考勤表和接访报告可以导出。",
      409,
    );
  }
  const view = await loadCampaign(ctx, ctx.store.db, found.campaign.id);
  let site = pickSite(view, request, found.siteText);

  const all = !person || person.roles.has("admin") || isOrganizer(person, view);
  if (table === "campaign-report") {
    if (!all) {
      throw forbidden(
        `集中接访情况报告表由组织单位${view.organizer.shortName}汇总报市政府办公室，` +
          `${person!.unit.shortName}不能导出。接访点可以导出本接访点的考勤表。`,
      );
    }
    if (site) {
      throw new AppError(
        "site_not_applicable",
        "接访点：接访报告按整期活动汇总各接访点，请不要指定接访点。",
        422,
        "site",
      );
    }
    return { view };
  }
  if (!all) {
    const own = view.sites.find((s) => isSiteStaff(person!, s));
    if (!own) {
      throw forbidden(
        `${person!.unit.shortName}不是“${view.campaign.name}”的接访点，` +
          `考勤表由${view.organizer.shortName}和各接访点人社部门导出。`,
      );
    }
    if (site && site !== own) {
      throw forbidden(
        `您只能导出${own.label}的考勤表，不能导出${site.label}的。`,
      );
    }
    site = own;
  }
  return { view, site };
}

/**
 * Campaign tables go to HRSS people with a role there, or administrators:
 * refused before any campaign is looked up for anyone else.
 */
function assertMayAsk(person: Person): void {
  if (person.roles.has("admin")) {
    return;
  }
  if (person.unit.kind !== "hrss") {
    throw forbidden(
      "考勤表和接访报告由组织集中接访的市人力资源社会保障局和各接访点人社部门导出，" +
        `${person.unit.shortName}不能导出。本单位的值班情况请发送“今日到岗”查看。`,
    );
  }
  if (person.roles.size === 0) {
    throw forbidden(
      `您在${person.unit.shortName}没有登记联络员、负责人或经办人角色，不能导出表格。`,
    );
  }
}

interface Found {
  campaign: CampaignRow;
  /** What followed the campaign in the text, to read as a site. */
  siteText?: string;
}

type Match =
  | { kind: "one"; campaign: CampaignRow }
  | { kind: "many"; campaigns: CampaignRow[] }
  | { kind: "none" };

async function findCampaign(
  ctx: AppContext,
  request: CampaignRequest,
): Promise<Found> {
  const { campaigns } = ctx.store.t;
  if (request.campaignId !== undefined) {
    const [row] = await ctx.store.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.id, request.campaignId));
    if (!row) {
      throw campaignNotFound(`编号 ${request.campaignId}`);
    }
    return { campaign: row };
  }
  const typed = request.campaign?.trim().replace(/\s+/g, " ") ?? "";
  if (!typed) {
    throw campaignRequired();
  }
  const rows = await ctx.store.db
    .select()
    .from(campaigns)
    .orderBy(asc(campaigns.startDate), asc(campaigns.id));

  const whole = matchCampaign(rows, typed);
  if (whole.kind === "one") {
    return { campaign: whole.campaign };
  }
  // "2026年国庆节集中接访 船山区": the last word may be the site.
  const words = typed.split(" ");
  if (whole.kind === "none" && words.length > 1) {
    const head = matchCampaign(rows, words.slice(0, -1).join(" "));
    if (head.kind === "one") {
      return { campaign: head.campaign, siteText: words.at(-1) };
    }
  }
  // "2026年国庆节集中接访船山区": a campaign's whole name, then the site.
  const flat = key(typed);
  const prefixed = rows
    .filter((c) => flat.startsWith(key(c.name)) && flat !== key(c.name))
    .sort((a, b) => key(b.name).length - key(a.name).length);
  if (whole.kind === "none" && prefixed.length > 0) {
    const [c] = prefixed;
    return { campaign: c, siteText: flat.slice(key(c.name).length) };
  }
  if (whole.kind === "many") {
    throw ambiguous(typed, whole.campaigns);
  }
  throw campaignNotFound(`“${shorten(typed)}”`);
}

/** By number, by period, by name, then by part of a name. */
function matchCampaign(rows: CampaignRow[], typed: string): Match {
  const text = key(typed);
  const number = /^(?:#|编号|活动)?(\d{1,9})号?$/.exec(text);
  const period = readPeriod(text);
  if (number && !(period && /^\d+$/.test(text))) {
    const id = Number(number[1]);
    const row = rows.find((c) => c.id === id);
    return row ? { kind: "one", campaign: row } : { kind: "none" };
  }
  if (period) {
    return pick(
      rows.filter(
        (c) =>
          c.status === "active" &&
          c.startDate <= period.to &&
          c.endDate >= period.from,
      ),
    );
  }
  const named = pick(rows.filter((c) => key(c.name) === text));
  if (named.kind !== "none") {
    return named;
  }
  return pick(
    rows.filter((c) => c.status === "active" && key(c.name).includes(text)),
  );
}

/** One campaign, or the active ones among several when that settles it. */
function pick(rows: CampaignRow[]): Match {
  if (rows.length === 1) {
    return { kind: "one", campaign: rows[0] };
  }
  const active = rows.filter((c) => c.status === "active");
  if (active.length === 1) {
    return { kind: "one", campaign: active[0] };
  }
  return rows.length === 0
    ? { kind: "none" }
    : { kind: "many", campaigns: active.length > 0 ? active : rows };
}

function readPeriod(text: string): Period | undefined {
  if (!/^\d{4}/.test(text)) {
    return undefined;
  }
  try {
    return parsePeriod(text);
  } catch {
    return undefined;
  }
}

/** The site named in the request or after the campaign, if any. */
function pickSite(
  view: CampaignView,
  request: CampaignRequest,
  siteText: string | undefined,
): SiteView | undefined {
  if (request.unitId !== undefined) {
    const site = view.sites.find((s) => s.host.id === request.unitId);
    if (!site) {
      throw unknownSite(view, "所选单位");
    }
    return site;
  }
  const typed = request.site?.trim() || siteText;
  if (!typed) {
    return undefined;
  }
  const text = key(typed);
  const names = (s: SiteView) =>
    [
      s.host.code,
      s.host.name,
      s.host.shortName,
      s.host.shortName.replace("人力资源社会保障局", "人社局"),
      s.label,
    ].map(key);
  const exact = view.sites.filter((s) => names(s).includes(text));
  const found =
    exact.length > 0
      ? exact
      : view.sites.filter((s) =>
          names(s).some((n) => n.startsWith(text) || n.includes(text)),
        );
  if (found.length !== 1) {
    throw unknownSite(view, `“${shorten(typed)}”`);
  }
  return found[0];
}

/** Names compared without spaces, case or full-width forms. */
const key = (text: string) => normalizeTyped(text).toLowerCase();

const shorten = (text: string) => [...text].slice(0, 30).join("");

const listed = (rows: CampaignRow[]) =>
  rows
    .slice(0, 5)
    .map(
      (c) =>
        `编号 ${c.id}：${c.name}（${formatDateCn(c.startDate)}至${formatDateCn(c.endDate)}）`,
    )
    .join("；");

export function campaignRequired(): AppError {
  return new AppError(
    "campaign_required",
    `集中接访活动：请写明要导出哪一期活动，如 ${CAMPAIGN_EXAMPLE}，` +
      "也可以写活动编号或月份（如 2026-10）。",
    422,
    "campaign",
  );
}

function campaignNotFound(what: string): AppError {
  return new AppError(
    "campaign_not_found",
    `集中接访活动：没有找到${what}的集中接访活动，请核对活动名称或编号，` +
      `如 ${CAMPAIGN_EXAMPLE}。`,
    404,
    "campaign",
  );
}

function ambiguous(typed: string, rows: CampaignRow[]): AppError {
  return new AppError(
    "campaign_ambiguous",
    `集中接访活动：“${shorten(typed)}”对应多期活动，请写明活动编号或完整名称：` +
      `${listed(rows)}。`,
    422,
    "campaign",
  );
}

function unknownSite(view: CampaignView, what: string): AppError {
  const sites = view.sites.map((s) => s.label).join("、");
  return new AppError(
    "unknown_site",
    `接访点：${what}不是“${view.campaign.name}”的接访点。本期接访点：${sites}。`,
    422,
    "site",
  );
}
