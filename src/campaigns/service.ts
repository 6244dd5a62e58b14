/**
 * Running a reception campaign (spec 3.5): HRSS creates it, units name
 * their duty officers, sites file the daily dispatch report and record an
 * officer's attendance when the officer could not check in. Each command
 * checks who may do it, writes the change, its audit entry and its
 * messages in one transaction, once per submission.
 */
import { createHash } from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/index.js";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { conflict, forbidden, notFound, ValidationError } from "../errors.js";
import { once } from "../once.js";
import type { Acting } from "../referrals/commands.js";
import { atTime, dateOf, parseInstant, type IsoDate } from "../time.js";
import { parse } from "../validation.js";
import {
  attendanceInput,
  attendanceLabels,
  campaignInput,
  campaignLabels,
  dispatchInput,
  dispatchLabels,
  nominationInput,
  nominationLabels,
} from "./input.js";
import {
  daysText,
  dispatchCard,
  dispatchLine,
  monthDay,
  nominationCard,
  periodText,
  sendNow,
  uncoveredDays,
} from "./messages.js";
import {
  assertCanNominate,
  assertCanRunCampaigns,
  assertSiteStaff,
  isOrganizer,
} from "./permissions.js";
import { loadCampaign, type CampaignView } from "./view.js";

export interface CampaignOutcome {
  campaignId: number;
  /** What to tell the person who acted, in Chinese. */
  message: string;
  duplicate?: boolean;
}

/** At most this many days: a campaign covers a holiday, not a season. */
const MAX_DAYS = 31;

export class CampaignService {
  constructor(private readonly ctx: AppContext) {}

  private run<T extends object>(
    acting: Acting,
    action: string,
    key: string | undefined,
    payload: unknown,
    fn: (q: Db, now: number) => Promise<T>,
  ) {
    const scoped = key ? `${action}:${acting.person.id}:${key}` : undefined;
    return once(this.ctx, scoped, acting.channel, payload, (q) =>
      fn(q, this.ctx.clock.now()),
    );
  }

  private async audit(
    q: Db,
    acting: Acting,
    now: number,
    subjectId: number,
    action: string,
    detail: Record<string, unknown>,
  ) {
    await audit(this.ctx.store, q, {
      actor: {
        personId: acting.person.id,
        name: acting.person.name,
        channel: acting.channel,
      },
      at: now,
      subjectType: "campaign",
      subjectId,
      action,
      detail,
    });
  }

  /** HRSS announces a campaign; each sending unit's liaisons get a card. */
  async create(
    acting: Acting,
    raw: unknown,
    key?: string,
  ): Promise<CampaignOutcome> {
    assertCanRunCampaigns(acting.person);
    const input = parse(campaignInput, raw, campaignLabels);
    return this.run(acting, "campaign.create", key, input, async (q, now) => {
      // Creations one after another, so two cannot both pass the overlap check.
      await this.ctx.store.lockUnit(q, acting.person.unit.id);
      const today = dateOf(now);
      const nominateBy = parseInstant(input.nominateBy);
      const issues = [];
      if (input.endDate < input.startDate) {
        issues.push({
          field: "endDate",
          message: "结束日期：不能早于开始日期",
        });
      } else if (spanDays(input.startDate, input.endDate) + 1 > MAX_DAYS) {
        issues.push({
          field: "endDate",
          message: `结束日期：一期集中接访不能超过 ${MAX_DAYS} 天`,
        });
      }
      if (input.startDate < today) {
        issues.push({
          field: "startDate",
          message: `开始日期：不能早于今天（${today}）`,
        });
      }
      if (input.dutyEnd <= input.dutyStart) {
        issues.push({
          field: "dutyEnd",
          message: "每日值班结束时间：应晚于开始时间（不支持跨夜值班）",
        });
      }
      if (nominateBy <= now) {
        issues.push({
          field: "nominateBy",
          message: "指派人员截止时间：应晚于现在，给各单位留出指派的时间",
        });
      } else if (nominateBy >= atTime(input.startDate, input.dutyStart)) {
        issues.push({
          field: "nominateBy",
          message: "指派人员截止时间：应早于第一天值班开始",
        });
      }
      const dutyMinutes =
        (atTime(input.startDate, input.dutyEnd) -
          atTime(input.startDate, input.dutyStart)) /
        60_000;
      if (
        input.dutyEnd > input.dutyStart &&
        input.escalateAfterMin >= dutyMinutes
      ) {
        issues.push({
          field: "escalateAfterMin",
          message:
            `通知单位领导（开始后分钟数）：应短于每天的值班时长（${dutyMinutes} 分钟），` +
            "否则值班结束前不会提醒",
        });
      }
      if (input.escalateAfterMin < input.remindAfterMin) {
        issues.push({
          field: "escalateAfterMin",
          message: "通知单位领导（开始后分钟数）：不能早于提醒本人",
        });
      }
      if (input.summaryAt < input.reportDue) {
        issues.push({
          field: "summaryAt",
          message: "每日汇总时间：不能早于日调度报送截止时间",
        });
      }
      issues.push(...(await this.checkSites(q, input.sites)));
      issues.push(...(await this.checkOverlap(q, input)));
      if (issues.length > 0) {
        throw new ValidationError(issues);
      }

      const t = this.ctx.store.t;
      const id = await this.ctx.store.insert(q, t.campaigns, {
        name: input.name,
        organizerUnitId: acting.person.unit.id,
        startDate: input.startDate,
        endDate: input.endDate,
        dutyStart: input.dutyStart,
        dutyEnd: input.dutyEnd,
        nominateBy,
        remindAfterMin: input.remindAfterMin,
        escalateAfterMin: input.escalateAfterMin,
        reportDue: input.reportDue,
        summaryAt: input.summaryAt,
        status: "active",
        createdBy: acting.person.id,
        createdAt: now,
        updatedAt: now,
      });
      for (const site of input.sites) {
        const siteId = await this.ctx.store.insert(q, t.campaignSites, {
          campaignId: id,
          hostUnitId: site.hostUnitId,
          address: site.address,
        });
        for (const unitId of new Set(site.unitIds)) {
          await q
            .insert(t.campaignUnits)
            .values({ campaignId: id, unitId, siteId });
        }
      }
      await this.audit(q, acting, now, id, "campaign.create", { input });

      const view = await loadCampaign(this.ctx, q, id);
      let units = 0;
      const unreached: string[] = [];
      for (const site of view.sites) {
        for (const unit of site.units) {
          const card = nominationCard(this.ctx, view, unit);
          const people = await this.people(unit.id, ["liaison"]);
          if (people.length === 0) {
            unreached.push(unit.shortName);
          }
          await sendNow(
            this.ctx,
            q,
            now,
            `campaign:${id}:nominate:${unit.id}`,
            people,
            {
              type: "card",
              card,
            },
          );
          units++;
        }
        const hosts = await this.people(site.host.id, [
          "liaison",
          "caseworker",
        ]);
        const names = site.units.map((u) => u.shortName).join("、") || "（无）";
        await sendNow(
          this.ctx,
          q,
          now,
          `campaign:${id}:host:${site.site.id}`,
          hosts,
          {
            type: "text",
            text:
              `【集中接访】“${input.name}”在${site.host.shortName}设接访点（${periodText(view)}）。` +
              `派员单位：${names}。活动期间每天会收到日调度填报卡片；发送“今日到岗”可随时查看到岗情况。`,
          },
        );
      }
      return {
        campaignId: id,
        message:
          `已创建“${input.name}”（编号 #${id}）：${view.sites.length} 个接访点、` +
          `${units} 个派员单位，已通知各单位联络员指派接访人员。` +
          (unreached.length > 0
            ? `其中 ${unreached.length} 个单位没有登记联络员，未能通知：` +
              `${unreached.join("、")}。请电话通知，或请管理员补充人员名单。`
            : ""),
      };
    });
  }

  /**
   * One campaign at a time: a second one over the same days would give an
   * officer two duties and one check-in. A name used before is refused too,
   * so that chat commands and exports can name a campaign by its name.
   */
  private async checkOverlap(
    q: Db,
    input: { name: string; startDate: IsoDate; endDate: IsoDate },
  ) {
    const { campaigns } = this.ctx.store.t;
    const rows = await q
      .select()
      .from(campaigns)
      .where(eq(campaigns.status, "active"));
    const issues: { field: string; message: string }[] = [];
    const same = rows.find((c) => c.name === input.name);
    if (same) {
      issues.push({
        field: "name",
        message: `活动名称：已有同名的集中接访活动（编号 #${same.id}），请换一个名称`,
      });
    }
    const overlap = rows.find(
      (c) => c.startDate <= input.endDate && c.endDate >= input.startDate,
    );
    if (overlap) {
      issues.push({
        field: "startDate",
        message:
          `开始日期：与“${overlap.name}”（编号 #${overlap.id}，${overlap.startDate} 至 ` +
          `${overlap.endDate}）时间重叠。同一时段只能有一期集中接访；如需调整，请先取消原活动`,
      });
    }
    return issues;
  }

  /** Host units must be HRSS units, each once; a unit goes to one site. */
  private async checkSites(
    q: Db,
    sites: { hostUnitId: number; unitIds: number[] }[],
  ) {
    const issues: { field: string; message: string }[] = [];
    const ids = [
      ...new Set(sites.flatMap((s) => [s.hostUnitId, ...s.unitIds])),
    ];
    const { units } = this.ctx.store.t;
    const rows = ids.length
      ? await q.select().from(units).where(inArray(units.id, ids))
      : [];
    const unit = new Map(rows.filter((u) => u.active).map((u) => [u.id, u]));
    const hosts = new Set<number>();
    const placed = new Map<number, number>();
    const labelOf = (i: number) => {
      const host = unit.get(sites[i].hostUnitId);
      return host ? `${host.shortName}接访点` : `第 ${i + 1} 个接访点`;
    };
    sites.forEach((site, i) => {
      const label = labelOf(i);
      const host = unit.get(site.hostUnitId);
      if (!host || host.kind !== "hrss") {
        issues.push({
          field: `sites.${i}.hostUnitId`,
          message: `${label}：接访点应设在人力资源社会保障部门`,
        });
      } else if (hosts.has(host.id)) {
        issues.push({
          field: `sites.${i}.hostUnitId`,
          message: `${label}：${host.shortName}已经是接访点，不能重复设置`,
        });
      }
      hosts.add(site.hostUnitId);
      for (const uid of site.unitIds) {
        const u = unit.get(uid);
        if (!u) {
          issues.push({
            field: `sites.${i}.unitIds`,
            message: `${label}：派员单位中有不存在或已停用的单位`,
          });
        } else if (placed.has(uid) && placed.get(uid) !== i) {
          issues.push({
            field: `sites.${i}.unitIds`,
            message: `${label}：${u.shortName}已派往另一个接访点，一个单位只派往一个接访点`,
          });
        }
        placed.set(uid, i);
      }
    });
    sites.forEach((site, i) => {
      for (const uid of site.unitIds) {
        if (hosts.has(uid)) {
          issues.push({
            field: `sites.${i}.unitIds`,
            message:
              `${labelOf(i)}：${unit.get(uid)?.shortName ?? "该单位"}本身是接访点，` +
              "不需要再作为派员单位",
          });
        }
      }
    });
    if (issues.length === 0 && placed.size === 0) {
      issues.push({
        field: "sites",
        message: "接访点：请至少选择一个派员单位",
      });
    }
    return issues;
  }

  /** The organizer calls a campaign off: no more reminders; cards say so. */
  async cancel(
    acting: Acting,
    id: number,
    key?: string,
  ): Promise<CampaignOutcome> {
    return this.run(acting, "campaign.cancel", key, { id }, async (q, now) => {
      const view = await loadCampaign(this.ctx, q, id);
      if (!isOrganizer(acting.person, view)) {
        throw forbidden(`只有${view.organizer.shortName}可以取消该活动。`);
      }
      if (view.campaign.status === "cancelled") {
        return { campaignId: id, message: "该活动已经取消。" };
      }
      const { campaigns } = this.ctx.store.t;
      const result = await q
        .update(campaigns)
        .set({
          status: "cancelled",
          updatedAt: now,
          version: view.campaign.version + 1,
        })
        .where(and(eq(campaigns.id, id), eq(campaigns.status, "active")));
      if (this.ctx.store.changes(result) !== 1) {
        return { campaignId: id, message: "该活动已经取消。" };
      }
      await this.audit(q, acting, now, id, "campaign.cancel", {});
      const after = await loadCampaign(this.ctx, q, id);
      for (const site of after.sites) {
        for (const unit of site.units) {
          const card = nominationCard(this.ctx, after, unit);
          await this.ctx.outbox.refreshCard(
            q,
            card,
            after.campaign.version,
            now,
          );
        }
      }
      const officers = [
        ...new Set(
          after.shifts
            .filter((s) => s.date >= dateOf(now))
            .map((s) => s.personId),
        ),
      ];
      await sendNow(this.ctx, q, now, `campaign:${id}:cancelled`, officers, {
        type: "text",
        text: `【集中接访】“${after.campaign.name}”已取消，您的值班安排随之取消。`,
      });
      // Everyone the campaign addressed hears that it is off.
      const told = new Set<number>(officers);
      for (const site of after.sites) {
        const units = [site.host, ...site.units];
        for (const unit of units) {
          const roles: ("liaison" | "leader" | "caseworker")[] =
            unit.id === site.host.id
              ? ["liaison", "caseworker", "leader"]
              : ["liaison", "leader"];
          const people = (await this.people(unit.id, roles)).filter(
            (pid) => !told.has(pid),
          );
          people.forEach((pid) => told.add(pid));
          await sendNow(this.ctx, q, now, `campaign:${id}:cancelled`, people, {
            type: "text",
            text:
              `【集中接访】“${after.campaign.name}”（${periodText(after)}）已取消，` +
              "不再指派人员、签到和报送日调度，此前的提醒作废。",
          });
        }
      }
      return { campaignId: id, message: `已取消“${after.campaign.name}”。` };
    });
  }

  /**
   * A sending unit names its officers and their days. The list replaces
   * the unit's days from today on; days already past, and shifts checked
   * in, stay as they are.
   */
  async nominate(
    acting: Acting,
    id: number,
    raw: unknown,
    key?: string,
  ): Promise<CampaignOutcome> {
    const input = parse(nominationInput, raw, nominationLabels);
    return this.run(
      acting,
      "campaign.nominate",
      key,
      { id, input },
      async (q, now) => {
        const view = await loadCampaign(this.ctx, q, id);
        const c = view.campaign;
        if (c.status !== "active") {
          throw conflict(
            "campaign_cancelled",
            "该集中接访活动已取消，无需指派。",
          );
        }
        const site = assertCanNominate(acting.person, view);
        const unit = acting.person.unit;
        // A day whose duty has ended is on record: who was absent stays so.
        const editable = (d: IsoDate) => atTime(d, c.dutyEnd) > now;
        if (!editable(c.endDate)) {
          throw conflict(
            "campaign_over",
            "该集中接访活动已经结束，不能再修改指派。",
          );
        }
        const issues: { field: string; message: string }[] = [];
        const wanted = new Map<number, IsoDate[]>();
        const days = new Set(view.days);
        for (const [i, officer] of input.officers.entries()) {
          const label = `第 ${i + 1} 名接访人员`;
          const personId = await this.officerId(
            q,
            acting,
            officer,
            { label, field: `officers.${i}` },
            issues,
            now,
          );
          for (const d of officer.dates) {
            if (!days.has(d)) {
              issues.push({
                field: `officers.${i}.dates`,
                message: `${label}：${d} 不在活动期间（${c.startDate} 至 ${c.endDate}）`,
              });
            } else if (!editable(d)) {
              issues.push({
                field: `officers.${i}.dates`,
                message: `${label}：${monthDay(d)}的值班已经结束，不能再指派`,
              });
            }
          }
          if (personId === undefined) {
            continue;
          }
          if (wanted.has(personId)) {
            issues.push({
              field: `officers.${i}.personId`,
              message: `${label}：与前面的人员重复，请合并为一行`,
            });
            continue;
          }
          wanted.set(personId, [...new Set(officer.dates)]);
        }
        const { dutyShifts } = this.ctx.store.t;
        const current = view.shifts.filter(
          (s) => s.unitId === unit.id && editable(s.date),
        );
        for (const s of current) {
          const kept = wanted.get(s.personId)?.includes(s.date);
          if (!kept && s.checkedInAt !== null) {
            const name = view.officers.get(s.personId)?.name ?? "";
            issues.push({
              field: "officers",
              message: `${name}已于${monthDay(s.date)}签到，不能从该日名单中移除`,
            });
          }
        }
        if (issues.length > 0) {
          throw new ValidationError(issues);
        }
        const removed = current.filter(
          (s) =>
            s.checkedInAt === null && !wanted.get(s.personId)?.includes(s.date),
        );
        if (removed.length > 0) {
          await q.delete(dutyShifts).where(
            inArray(
              dutyShifts.id,
              removed.map((s) => s.id),
            ),
          );
        }
        const have = new Set(current.map((s) => `${s.personId}:${s.date}`));
        let added = 0;
        for (const [personId, dates] of wanted) {
          for (const date of dates) {
            if (have.has(`${personId}:${date}`)) {
              continue;
            }
            // Two liaisons saving at once may both add a day: one row stays.
            const fresh = await this.ctx.store.insertIfAbsent(q, dutyShifts, {
              campaignId: id,
              siteId: site.site.id,
              unitId: unit.id,
              personId,
              date,
              nominatedBy: acting.person.id,
              nominatedAt: now,
            });
            added += fresh ? 1 : 0;
          }
        }
        await this.audit(q, acting, now, id, "campaign.nominate", {
          unitId: unit.id,
          officers: [...wanted].map(([personId, dates]) => ({
            personId,
            dates,
          })),
          added,
          removed: removed.map((s) => ({ personId: s.personId, date: s.date })),
        });
        const after = await loadCampaign(this.ctx, q, id);
        const card = nominationCard(this.ctx, after, unit);
        // Each saved list is a new state of the card; the instant names it.
        await this.ctx.outbox.refreshCard(q, card, now, now);
        for (const [personId, dates] of wanted) {
          await sendNow(
            this.ctx,
            q,
            now,
            `campaign:${id}:named:${digest(dates)}`,
            [personId],
            {
              type: "text",
              text:
                `【集中接访】${unit.shortName}指派您参加“${c.name}”，到${site.label}值班：` +
                `${daysText(dates, view.days)}，每日 ${c.dutyStart}–${c.dutyEnd}` +
                (site.site.address ? `，地点：${site.site.address}` : "") +
                "。到岗后请向我发送“签到”，结束时发送“签退”。",
            },
          );
        }
        // Officers taken off days are told which, so nobody comes in vain.
        const dropped = new Map<number, IsoDate[]>();
        for (const s of removed) {
          dropped.set(s.personId, [...(dropped.get(s.personId) ?? []), s.date]);
        }
        for (const [personId, dates] of dropped) {
          await sendNow(
            this.ctx,
            q,
            now,
            `campaign:${id}:unnamed:${digest(dates)}:${now}`,
            [personId],
            {
              type: "text",
              text:
                `【集中接访】${unit.shortName}已调整“${c.name}”的值班安排：` +
                `您${daysText(dates, view.days)}不再到${site.label}值班。`,
            },
          );
        }
        const missing = uncoveredDays(after, unit.id);
        const unbound = await this.unbound(q, [...wanted.keys()]);
        return {
          campaignId: id,
          message:
            `已保存${unit.shortName}的接访人员：${wanted.size} 人。` +
            (missing.length > 0
              ? `还有 ${missing.length} 天没有人值班：${daysText(missing, view.days)}。`
              : "活动期间每天都有人值班。") +
            (unbound.length > 0
              ? unbound.map((pid) => after.officers.get(pid)?.name).join("、") +
                "还没有绑定企业微信或钉钉账号，收不到提醒，也无法发消息签到：" +
                "请联系管理员将其加入人员名单，或到岗后由接访点人社部门补登。"
              : ""),
        };
      },
    );
  }

  /** People with no chat account bound: they can only be recorded by the site. */
  private async unbound(q: Db, personIds: number[]): Promise<number[]> {
    if (personIds.length === 0) {
      return [];
    }
    const { personBindings } = this.ctx.store.t;
    const rows = await q
      .select({ personId: personBindings.personId })
      .from(personBindings)
      .where(inArray(personBindings.personId, personIds));
    const bound = new Set(rows.map((r) => r.personId));
    return personIds.filter((pid) => !bound.has(pid));
  }

  /** Someone on the unit's list, or a new person added to the unit. */
  private async officerId(
    q: Db,
    acting: Acting,
    officer: { personId?: number; name: string; title: string; phone?: string },
    where: { label: string; field: string },
    issues: { field: string; message: string }[],
    now: number,
  ): Promise<number | undefined> {
    const { label, field } = where;
    const unit = acting.person.unit;
    const { people } = this.ctx.store.t;
    if (officer.personId !== undefined) {
      const [row] = await q
        .select()
        .from(people)
        .where(and(eq(people.id, officer.personId), eq(people.active, true)));
      if (!row || row.unitId !== unit.id) {
        issues.push({
          field: `${field}.personId`,
          message: `${label}：只能从${unit.shortName}的人员中选择`,
        });
        return undefined;
      }
      return row.id;
    }
    const blanks = [
      ["name", !officer.name && "姓名"],
      ["title", !officer.title && "职务"],
      ["phone", !officer.phone && "联系电话"],
    ].filter(([, what]) => what);
    const missing = blanks.map(([, what]) => what);
    if (missing.length > 0) {
      issues.push({
        field: `${field}.${blanks[0][0]}`,
        message: `${label}：请从名单中选择，或填写新人员的${missing.join("、")}`,
      });
      return undefined;
    }
    const [same] = await q
      .select()
      .from(people)
      .where(
        and(
          eq(people.unitId, unit.id),
          eq(people.phone, officer.phone!),
          eq(people.active, true),
        ),
      );
    if (same) {
      if (same.name !== officer.name) {
        issues.push({
          field: `${field}.phone`,
          message:
            `${label}：联系电话 ${officer.phone} 已登记为本单位${same.name}的号码。` +
            `如指派${same.name}，请从名单中选择；否则请核对号码`,
        });
        return undefined;
      }
      return same.id;
    }
    const id = await this.ctx.store.insert(q, people, {
      unitId: unit.id,
      name: officer.name,
      title: officer.title,
      phone: officer.phone!,
      demo: acting.person.demo,
      active: true,
    });
    if (acting.person.demo) {
      // In the simulator a new officer can be picked and check in at once.
      await q.insert(this.ctx.store.t.personBindings).values({
        personId: id,
        channel: "sim",
        externalId: `demo-added-${id}`,
      });
    }
    await audit(this.ctx.store, q, {
      actor: {
        personId: acting.person.id,
        name: acting.person.name,
        channel: acting.channel,
      },
      at: now,
      subjectType: "person",
      subjectId: id,
      action: "person.add_duty_officer",
      detail: { unitId: unit.id, name: officer.name, title: officer.title },
    });
    return id;
  }

  /** A site's daily dispatch report; filing again corrects it. */
  async submitDispatch(
    acting: Acting,
    id: number,
    siteId: number,
    date: IsoDate,
    raw: unknown,
    key?: string,
  ): Promise<CampaignOutcome> {
    const input = parse(dispatchInput, raw, dispatchLabels);
    const payload = { id, siteId, date, input };
    return this.run(
      acting,
      "campaign.dispatch",
      key,
      payload,
      async (q, now) => {
        const view = await loadCampaign(this.ctx, q, id);
        const site = siteOf(view, siteId);
        assertSiteStaff(acting.person, view, site, "报送日调度");
        assertActive(view);
        if (!view.days.includes(date)) {
          throw notFound("该日期的日调度");
        }
        if (date > dateOf(now)) {
          throw conflict(
            "dispatch_future",
            `${monthDay(date)}还没到，不能提前报送日调度。`,
          );
        }
        if (input.visitors < input.visits) {
          throw new ValidationError([
            { field: "visitors", message: "接待来访人数：不能少于来访批次" },
          ]);
        }
        const { dispatchReports } = this.ctx.store.t;
        const [old] = await q
          .select()
          .from(dispatchReports)
          .where(
            and(
              eq(dispatchReports.campaignId, id),
              eq(dispatchReports.siteId, siteId),
              eq(dispatchReports.date, date),
            ),
          );
        const values = {
          visits: input.visits,
          visitors: input.visitors,
          cases: input.cases,
          amountFen: input.amount,
          incidents: input.incidents,
          remarks: input.remarks,
          submittedBy: acting.person.id,
          updatedAt: now,
        };
        if (old) {
          const result = await q
            .update(dispatchReports)
            .set({ ...values, version: old.version + 1 })
            .where(
              and(
                eq(dispatchReports.id, old.id),
                eq(dispatchReports.version, old.version),
              ),
            );
          if (this.ctx.store.changes(result) !== 1) {
            throw conflict(
              "dispatch_changed",
              "日调度刚被他人修改过，请刷新后再试。",
            );
          }
        } else {
          const fresh = await this.ctx.store.insertIfAbsent(
            q,
            dispatchReports,
            {
              campaignId: id,
              siteId,
              date,
              ...values,
              submittedAt: now,
            },
          );
          if (!fresh) {
            throw conflict(
              "dispatch_changed",
              "日调度刚被他人报送过，请刷新后核对，需要时再更正。",
            );
          }
        }
        await this.audit(
          q,
          acting,
          now,
          id,
          old ? "dispatch.correct" : "dispatch.submit",
          {
            siteId,
            date,
            before: old ?? null,
            values,
          },
        );
        const [row] = await q
          .select()
          .from(dispatchReports)
          .where(
            and(
              eq(dispatchReports.campaignId, id),
              eq(dispatchReports.siteId, siteId),
              eq(dispatchReports.date, date),
            ),
          );
        const card = dispatchCard(this.ctx, view, site, date, row);
        await this.ctx.outbox.refreshCard(q, card, row.version, now);
        return {
          campaignId: id,
          message: `已${old ? "更正" : "报送"}${site.label}${monthDay(date)}日调度：${dispatchLine(row)}。`,
        };
      },
    );
  }

  /**
   * The site records an officer's attendance (补登) when the officer could
   * not check in by message; the reason is kept and shown on the sheet.
   */
  async recordAttendance(
    acting: Acting,
    shiftId: number,
    raw: unknown,
    key?: string,
  ): Promise<CampaignOutcome> {
    const input = parse(attendanceInput, raw, attendanceLabels);
    const payload = { shiftId, input };
    return this.run(acting, "campaign.record", key, payload, async (q, now) => {
      const { dutyShifts } = this.ctx.store.t;
      const [shift] = await q
        .select()
        .from(dutyShifts)
        .where(eq(dutyShifts.id, shiftId));
      if (!shift) {
        throw notFound("该值班安排");
      }
      const view = await loadCampaign(this.ctx, q, shift.campaignId);
      const site = siteOf(view, shift.siteId);
      assertSiteStaff(acting.person, view, site, "补登或更正到岗");
      assertActive(view);
      // A record already there (a check-in by message, a mistaken 签退, an
      // earlier record) is corrected; the old times stay in the audit trail.
      const correcting = shift.checkedInAt !== null;
      const inAt = atTime(shift.date, input.checkedIn);
      const outAt = input.checkedOut
        ? atTime(shift.date, input.checkedOut)
        : null;
      if (inAt > now) {
        throw new ValidationError([
          { field: "checkedIn", message: "到岗时间：不能晚于现在" },
        ]);
      }
      if (outAt !== null && (outAt <= inAt || outAt > now)) {
        throw new ValidationError([
          {
            field: "checkedOut",
            message: "离岗时间：应晚于到岗时间，且不能晚于现在",
          },
        ]);
      }
      // Only over the record the page showed: a check-in by message or
      // another record arriving meanwhile is kept, and this one refused.
      const result = await q
        .update(dutyShifts)
        .set({
          checkedInAt: inAt,
          checkInChannel: acting.channel,
          checkedOutAt: outAt,
          checkOutChannel: outAt === null ? null : acting.channel,
          recordedBy: acting.person.id,
          remarks: input.remarks,
        })
        .where(
          and(
            eq(dutyShifts.id, shiftId),
            shift.checkedInAt === null
              ? isNull(dutyShifts.checkedInAt)
              : eq(dutyShifts.checkedInAt, shift.checkedInAt),
            shift.checkedOutAt === null
              ? isNull(dutyShifts.checkedOutAt)
              : eq(dutyShifts.checkedOutAt, shift.checkedOutAt),
          ),
        );
      if (this.ctx.store.changes(result) !== 1) {
        throw conflict(
          "attendance_changed",
          "该人员的到岗记录刚刚有了变化（本人签到或他人补登），请刷新后核对。",
        );
      }
      await this.audit(
        q,
        acting,
        now,
        view.campaign.id,
        correcting ? "duty.correct" : "duty.record",
        {
          shiftId,
          personId: shift.personId,
          date: shift.date,
          ...input,
          before: correcting
            ? {
                checkedInAt: shift.checkedInAt,
                checkedOutAt: shift.checkedOutAt,
              }
            : null,
        },
      );
      const name = view.officers.get(shift.personId)?.name ?? "";
      const span = `${input.checkedIn}${input.checkedOut ? `–${input.checkedOut}` : ""}`;
      const what = correcting ? "更正" : "补登";
      await sendNow(
        this.ctx,
        q,
        now,
        `campaign:${view.campaign.id}:recorded:${shiftId}:${now}`,
        [shift.personId],
        {
          type: "text",
          text:
            `【集中接访】${site.label}已为您${what}${monthDay(shift.date)}的到岗记录：` +
            `${span}（原因：${input.remarks}）。如有出入，请联系该接访点。`,
        },
      );
      return {
        campaignId: view.campaign.id,
        message: `已为${name}${what}${monthDay(shift.date)}的到岗记录：${span}。`,
      };
    });
  }

  private async people(
    unitId: number,
    roles: ("liaison" | "leader" | "caseworker")[],
  ) {
    return (await this.ctx.directory.peopleWithRole(unitId, roles)).map(
      (p) => p.id,
    );
  }
}

/** Days from one date to another, counted without walking them. */
function spanDays(from: IsoDate, to: IsoDate): number {
  return Math.round(
    (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) /
      86_400_000,
  );
}

/** A short stable name for a list of dates, for dedupe keys of bounded length. */
function digest(dates: IsoDate[]): string {
  return createHash("sha256")
    .update(dates.join(","))
    .digest("hex")
    .slice(0, 16);
}

function assertActive(view: CampaignView): void {
  if (view.campaign.status !== "active") {
    throw conflict("campaign_cancelled", "该集中接访活动已取消，不再办理。");
  }
}

export function siteOf(view: CampaignView, siteId: number) {
  const site = view.sites.find((s) => s.site.id === siteId);
  if (!site) {
    throw notFound("该接访点");
  }
  return site;
}
