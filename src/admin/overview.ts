/**
 * What an administrator watches: messages the bot could not deliver (and
 * why), the register of cases reported to the city government office,
 * returns per unit, and whether the calendar covers the coming deadlines.
 */
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { audit } from "../audit.js";
import type { AppContext } from "../context.js";
import { conflict, forbidden, notFound } from "../errors.js";
import type { Person } from "../units/directory.js";

const LIST_LIMIT = 200;

const CHANNEL_NAMES: Record<string, string> = {
  wecom: "企业微信",
  dingtalk: "钉钉",
};

export function requireAdmin(person: Person): void {
  if (!person.roles.has("admin")) {
    throw forbidden("只有管理员可以查看此页面。");
  }
}

export async function adminOverview(ctx: AppContext) {
  const t = ctx.store.t;
  const db = ctx.store.db;
  const [failed, pending, escalations, returns, provisional, cal, pushes] =
    await Promise.all([
      db
        .select()
        .from(t.outbox)
        .where(eq(t.outbox.status, "failed"))
        .orderBy(desc(t.outbox.id))
        .limit(LIST_LIMIT),
      db
        .select({ n: count() })
        .from(t.outbox)
        .where(eq(t.outbox.status, "pending")),
      db
        .select({
          escalatedOn: t.escalations.escalatedOn,
          overdueDays: t.escalations.overdueDays,
          unitId: t.escalations.unitId,
          referralId: t.escalations.subjectId,
          number: t.referrals.number,
          caseName: t.referrals.caseName,
          status: t.referrals.status,
        })
        .from(t.escalations)
        .innerJoin(t.referrals, eq(t.referrals.id, t.escalations.subjectId))
        .where(eq(t.escalations.subjectType, "referral"))
        .orderBy(desc(t.escalations.id))
        .limit(LIST_LIMIT),
      db
        .select({ unitId: t.referralReturns.unitId, n: count() })
        .from(t.referralReturns)
        .groupBy(t.referralReturns.unitId),
      db
        .select({ n: count() })
        .from(t.clocks)
        .where(
          and(eq(t.clocks.status, "open"), eq(t.clocks.provisional, true)),
        ),
      ctx.calendars.get(),
      db
        .select()
        .from(t.inboundQueue)
        .where(eq(t.inboundQueue.status, "failed"))
        .orderBy(desc(t.inboundQueue.id))
        .limit(LIST_LIMIT),
    ]);

  // New projects on the office list: reports 5+ working days late, and
  // units with 5+ omissions in a year.
  const [lateProjects, omissionUnits] = await Promise.all([
    db
      .select({
        escalatedOn: t.escalations.escalatedOn,
        overdueDays: t.escalations.overdueDays,
        unitId: t.escalations.unitId,
        projectId: t.escalations.subjectId,
        name: t.projects.name,
      })
      .from(t.escalations)
      .innerJoin(t.projects, eq(t.projects.id, t.escalations.subjectId))
      .where(eq(t.escalations.subjectType, "project"))
      .orderBy(desc(t.escalations.id))
      .limit(LIST_LIMIT),
    db
      .select()
      .from(t.omissionEscalations)
      .orderBy(desc(t.omissionEscalations.escalatedOn))
      .limit(LIST_LIMIT),
  ]);

  const unitIds = [
    ...new Set([
      ...escalations.map((e) => e.unitId),
      ...returns.map((r) => r.unitId),
      ...lateProjects.map((e) => e.unitId),
      ...omissionUnits.map((e) => e.unitId),
    ]),
  ];
  const units = unitIds.length
    ? await db.select().from(t.units).where(inArray(t.units.id, unitIds))
    : [];
  const unitName = (id: number) =>
    units.find((u) => u.id === id)?.shortName ?? `#${id}`;
  const recipients = await recipientNames(ctx, failed);

  return {
    failed: failed.map((m) => ({
      id: m.id,
      to:
        recipients.get(`${m.targetType}:${m.targetId}`) ??
        `${m.targetType} ${m.targetId}`,
      kind: (JSON.parse(m.payload) as { type: string }).type,
      attempts: m.attempts,
      reason: m.lastError ?? "",
      createdAt: m.createdAt,
    })),
    pendingCount: Number(pending[0]?.n ?? 0),
    /** Clicks and messages from a platform the bot could not handle. */
    failedPushes: pushes.map((p) => ({
      id: p.id,
      channel: CHANNEL_NAMES[p.channel] ?? p.channel,
      receivedAt: p.receivedAt,
      attempts: p.attempts,
      reason: p.lastError ?? "",
    })),
    escalations: escalations.map((e) => ({ ...e, unit: unitName(e.unitId) })),
    lateProjects: lateProjects.map((e) => ({ ...e, unit: unitName(e.unitId) })),
    omissionUnits: omissionUnits.map((e) => ({ ...e, unit: unitName(e.unitId) })),
    returnsByUnit: returns
      .map((r) => ({ unit: unitName(r.unitId), count: Number(r.n) }))
      .sort((a, b) => b.count - a.count),
    calendarYears: cal.coveredYears(),
    provisionalClocks: Number(provisional[0]?.n ?? 0),
  };
}

async function recipientNames(
  ctx: AppContext,
  rows: { targetType: string; targetId: number }[],
): Promise<Map<string, string>> {
  const t = ctx.store.t;
  const personIds = rows
    .filter((r) => r.targetType === "person")
    .map((r) => r.targetId);
  const groupIds = rows
    .filter((r) => r.targetType === "group")
    .map((r) => r.targetId);
  const [people, groups] = await Promise.all([
    personIds.length
      ? ctx.store.db
          .select()
          .from(t.people)
          .where(inArray(t.people.id, personIds))
      : [],
    groupIds.length
      ? ctx.store.db
          .select()
          .from(t.chatGroups)
          .where(inArray(t.chatGroups.id, groupIds))
      : [],
  ]);
  return new Map([
    ...people.map((p) => [`person:${p.id}`, p.name] as const),
    ...groups.map((g) => [`group:${g.id}`, g.name] as const),
  ]);
}

/** Puts a failed message back in the queue, after the cause was fixed. */
export async function retryMessage(
  ctx: AppContext,
  admin: Person,
  id: number,
): Promise<void> {
  requireAdmin(admin);
  const { outbox } = ctx.store.t;
  const now = ctx.clock.now();
  await ctx.store.tx(async (q) => {
    const [row] = await q.select().from(outbox).where(eq(outbox.id, id));
    if (!row) {
      throw notFound("该消息");
    }
    if (row.status !== "failed") {
      throw conflict("not_failed", "只有投递失败的消息可以重新投递。");
    }
    await q
      .update(outbox)
      .set({
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, "failed")));
    await audit(ctx.store, q, {
      actor: { personId: admin.id, name: admin.name, channel: "web" },
      at: now,
      subjectType: "outbox",
      subjectId: id,
      action: "outbox.retry",
      detail: { lastError: row.lastError },
    });
  });
}

/** Hands a failed push to the platform's inbox again. */
export async function retryPush(
  ctx: AppContext,
  admin: Person,
  id: number,
): Promise<void> {
  requireAdmin(admin);
  const { inboundQueue } = ctx.store.t;
  const now = ctx.clock.now();
  await ctx.store.tx(async (q) => {
    const [row] = await q
      .select()
      .from(inboundQueue)
      .where(eq(inboundQueue.id, id));
    if (!row) {
      throw notFound("该推送");
    }
    if (row.status !== "failed") {
      throw conflict("not_failed", "只有处理失败的推送可以重新处理。");
    }
    await q
      .update(inboundQueue)
      .set({ status: "pending", attempts: 0, lastError: null })
      .where(and(eq(inboundQueue.id, id), eq(inboundQueue.status, "failed")));
    await audit(ctx.store, q, {
      actor: { personId: admin.id, name: admin.name, channel: "web" },
      at: now,
      subjectType: "inbound",
      subjectId: id,
      action: "inbound.retry",
      detail: { lastError: row.lastError },
    });
  });
}
