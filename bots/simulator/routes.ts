/**
 * The simulator in the browser (/sim): choose a demo person, then see their
 * chat as the outbox delivered it, click card buttons (which arrive as
 * neutral actions, like a platform's callbacks), open form links in an
 * in-chat webview, and move the bot's clock. Mounted only in simulator
 * mode, never next to a real platform.
 */
import { randomUUID } from "node:crypto";
import { Router } from "@koa/router";
import { and, asc, desc, eq } from "drizzle-orm";
import type Koa from "koa";
import { z } from "zod";
import { isJobName, runJob, type JobName } from "../../jobs/registry.js";
import type { Bot } from "../../src/boot.js";
import type { NeutralAction } from "../../src/channels/types.js";
import { AppError, forbidden, unknownPerson } from "../../src/errors.js";
import {
  dateOf,
  formatInstant,
  isValidDate,
  ManualClock,
  parseInstant,
  timeOf,
  weekdayOf,
} from "../../src/time.js";
import type { Person } from "../../src/units/directory.js";
import { parse, stripInvisible } from "../../src/validation.js";
import { canRefer } from "../../src/web/guards.js";
import { rolesText } from "../../src/web/pages/layout.js";
import {
  currentPerson,
  requirePerson,
  startSession,
} from "../../src/web/session.js";
import type { WebState } from "../../src/web/state.js";
import { staticFiles } from "../../src/web/static.js";
import { chatPage, pickerPage } from "./pages.js";

/** The jobs a button can run now, with their Chinese names. */
export const JOB_LABELS: Record<JobName, string> = {
  "morning-reminder": "晨间提醒",
  "overdue-digest": "逾期汇总",
  "weekly-summary": "每周汇总",
  "campaign-tick": "集中接访提醒",
  deliver: "投递",
};

/** How many messages of an inbox the chat shows, newest kept. */
const INBOX_LIMIT = 200;

const loginInput = z.object({
  personId: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z
      .string({ error: "请选择身份" })
      .regex(/^[1-9]\d{0,9}$/, "请选择身份")
      .transform(Number),
  ),
});

const clickInput = z.object({
  cardKey: z.string().min(1).max(128),
  action: z.string().min(1).max(64),
});

const sayInput = z.object({
  text: z.preprocess(
    (v) => (typeof v === "string" ? stripInvisible(v) : v),
    z
      .string({ error: "请输入内容" })
      .trim()
      .min(1, "请输入内容")
      .max(500, "不能超过 500 个字"),
  ),
});

const clockInput = z.object({
  instant: z
    .string({ error: "请填写日期和时间" })
    .regex(
      /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/,
      "请填写日期和时间，如 2026-10-09T10:00",
    )
    .refine((v) => isValidDate(v.slice(0, 10)), "没有这一天，请核对日期"),
});

const labels = {
  personId: "身份",
  cardKey: "卡片",
  action: "按钮",
  instant: "模拟时间",
  text: "消息",
};

export function mountSimulator(app: Koa<WebState>): void {
  app.use(
    staticFiles("/sim/static", new URL("./public/", import.meta.url), [
      "sim.css",
      "sim.js",
    ]),
  );
  const router = simulatorRoutes();
  app.use(router.routes());
  app.use(router.allowedMethods());
}

function simulatorRoutes(): Router<WebState> {
  const router = new Router<WebState>({ prefix: "/sim" });

  router.get("/", async (ctx) => {
    const { bot } = ctx.state;
    const person = ctx.query.switch ? undefined : await currentPerson(ctx);
    ctx.type = "html";
    if (!person) {
      ctx.body = pickerPage(await bot.ctx.directory.demoPeople());
      return;
    }
    ctx.body = chatPage({
      person,
      canRefer: canRefer(person),
      manualClock: bot.ctx.clock instanceof ManualClock,
      jobs: JOB_LABELS,
    });
  });

  router.post("/login", async (ctx) => {
    const { personId } = parse(loginInput, ctx.state.body, labels);
    const person = await ctx.state.bot.ctx.directory.person(personId);
    if (!person?.demo) {
      throw forbidden("只能以演示人员的身份进入模拟器。");
    }
    startSession(ctx, person.id);
    ctx.status = 303;
    ctx.redirect("/sim");
  });

  router.get("/api/state", async (ctx) => {
    const person = await requirePerson(ctx);
    ctx.body = await chatState(ctx.state.bot, person);
  });

  router.post("/api/click", async (ctx) => {
    const person = await requirePerson(ctx);
    const input = parse(clickInput, ctx.state.body, labels);
    const { bot } = ctx.state;
    const action: NeutralAction = {
      channel: "sim",
      // Each click is a new user action; a platform's redelivery would
      // repeat its key, a second click does not.
      eventKey: randomUUID(),
      externalUserId: await simUserId(bot, person),
      cardKey: input.cardKey,
      action: input.action,
      values: {},
    };
    const outcome = await bot.actions.handle(action);
    await bot.deliverNow();
    ctx.body = outcome;
  });

  router.post("/api/say", async (ctx) => {
    const person = await requirePerson(ctx);
    const { text } = parse(sayInput, ctx.state.body, labels);
    const { bot } = ctx.state;
    const eventKey = randomUUID();
    await showOwnMessage(bot, person, text);

    const reply = await bot.commands.handle({
      channel: "sim",
      externalUserId: await simUserId(bot, person),
      eventKey,
      text,
    });
    // The answer is a message like any other: it goes through the outbox.
    const now = bot.ctx.clock.now();
    await bot.ctx.store.tx((q) =>
      bot.ctx.outbox.enqueue(
        q,
        {
          dedupeKey: `reply:sim:${eventKey}`,
          target: { type: "person", id: person.id },
          body: { type: "text", text: reply },
          notBefore: now,
        },
        now,
      ),
    );
    await bot.deliverNow();
    ctx.body = { message: reply };
  });

  router.post("/api/clock", async (ctx) => {
    await requirePerson(ctx);
    const clock = ctx.state.bot.ctx.clock;
    if (!(clock instanceof ManualClock)) {
      throw new AppError(
        "clock_not_manual",
        "机器人使用系统时间运行，不能在模拟器中调整时间。",
        409,
      );
    }
    const { instant } = parse(clockInput, ctx.state.body, labels);
    const cal = await ctx.state.bot.ctx.calendars.get();
    const years = cal.coveredYears();
    // Up to the year after the last schedule, or wherever time has run on
    // to, so the clock can always be set again.
    const [first, last] = [
      years[0],
      Math.max(
        years[years.length - 1] + 1,
        Number(dateOf(clock.now()).slice(0, 4)),
      ),
    ];
    const year = Number(instant.slice(0, 4));
    if (year < first || year > last) {
      throw new AppError(
        "clock_out_of_range",
        `模拟时间：请选择 ${first} 年至 ${last} 年之间的时间（日历只能计算这些年份）。`,
        422,
        "instant",
      );
    }
    const target = parseInstant(instant);
    const lastAction = await lastActionAt(ctx.state.bot);
    if (lastAction !== undefined && target < lastAction) {
      throw new AppError(
        "clock_before_records",
        `模拟时间：不能早于最近一次办理的时间 ${formatInstant(lastAction)}，` +
          "否则记录的先后顺序会混乱。",
        422,
        "instant",
      );
    }
    clock.set(target);
    ctx.body = { message: `模拟时间已设为 ${formatInstant(clock.now())}。` };
  });

  router.post("/api/jobs/:name", async (ctx) => {
    await requirePerson(ctx);
    const name = ctx.params.name;
    if (!isJobName(name)) {
      throw new AppError("unknown_job", "没有这个任务。", 404);
    }
    // A person pressing "run now" means it, even if today's run is done;
    // dedupe keys still keep every message single.
    const result = await runJob(name, ctx.state.bot, { force: true });
    const label = JOB_LABELS[name];
    ctx.body = {
      message: result.ran
        ? `已运行：${label}。${jobOutcome(name, result.counts)}`
        : `${label}今天无需运行：不是工作日，或不是本周汇总的发送日。`,
    };
  });

  return router;
}

/** When the latest audit entry was written, if any. */
async function lastActionAt(bot: Bot): Promise<number | undefined> {
  const { auditLog } = bot.ctx.store.t;
  const [row] = await bot.ctx.store.db
    .select({ at: auditLog.at })
    .from(auditLog)
    .orderBy(desc(auditLog.at))
    .limit(1);
  return row?.at;
}

/** What a job did, in words a demo user reads. */
function jobOutcome(name: JobName, counts: Record<string, number>): string {
  const n = (key: string) => counts[key] ?? 0;
  switch (name) {
    case "morning-reminder":
      return `排队提醒 ${n("queued")} 条（${n("units")} 个单位，${n("items")} 项）。`;
    case "overdue-digest":
      return (
        `新逾期 ${n("overdue")} 件，告知负责人 ${n("digests")} 条；` +
        `逾期 5 个工作日以上 ${n("escalated")} 件，名单 ${n("escalationLists")} 条。`
      );
    case "weekly-summary":
      return n("queued")
        ? "本周汇总已排队发送到工作群。"
        : "本周汇总此前已发送。";
    case "campaign-tick":
      return n("campaigns")
        ? `集中接访 ${n("campaigns")} 期，排队提醒 ${n("queued")} 条。`
        : "没有需要提醒的集中接访活动。";
    case "deliver":
      return `投递 ${n("sent")} 条，失败 ${n("failed")} 条。`;
  }
}

/** What the person typed stays in their chat, as in a real client. */
async function showOwnMessage(bot: Bot, person: Person, text: string) {
  const now = bot.ctx.clock.now();
  const { simMessages } = bot.ctx.store.t;
  await bot.ctx.store.tx((q) =>
    bot.ctx.store.insert(q, simMessages, {
      inbox: `person:${person.id}`,
      cardKey: null,
      payload: JSON.stringify({ type: "text", text, from: "me" }),
      createdAt: now,
      updatedAt: now,
    }),
  );
}

/** The person's id in the simulator, as the platform would send it. */
async function simUserId(bot: Bot, person: Person): Promise<string> {
  const { personBindings } = bot.ctx.store.t;
  const [binding] = await bot.ctx.store.db
    .select({ externalId: personBindings.externalId })
    .from(personBindings)
    .where(
      and(
        eq(personBindings.personId, person.id),
        eq(personBindings.channel, "sim"),
      ),
    );
  if (!binding) {
    throw unknownPerson();
  }
  return binding.externalId;
}

const WEEKDAYS = [
  "",
  "星期一",
  "星期二",
  "星期三",
  "星期四",
  "星期五",
  "星期六",
  "星期日",
];

/** Everything the chat page shows, polled every few seconds. */
async function chatState(bot: Bot, person: Person) {
  const now = bot.ctx.clock.now();
  const cal = await bot.ctx.calendars.get();
  const today = dateOf(now);
  const day = cal.day(today);
  const dayText = {
    workday: "工作日",
    weekend: "周末",
    holiday: `节假日（${day.name ?? ""}）`,
    makeup: `调休上班（${day.name ?? ""}）`,
  }[day.kind];

  // Outside office hours the outbox holds what can wait: say so, or a
  // demo user thinks the bot is broken.
  const opensAt = bot.ctx.outbox.officeTime(cal, now);
  const { start, end } = bot.ctx.config.officeHours;
  const officeNote =
    opensAt === now
      ? null
      : `现在是非办公时间（工作日 ${start}–${end} 以外）。通知、提醒等可以等待的消息` +
        `将于 ${formatInstant(opensAt)} 送达；要立即看到效果，可在“模拟时间”中调到工作日上午。` +
        "集中接访的提醒和回复不受影响，节假日照常即时送达。";

  const group = await mechanismGroup(bot);
  return {
    me: {
      id: person.id,
      name: person.name,
      unit: person.unit.shortName,
      roles: rolesText(person),
    },
    clock: {
      now: `${formatInstant(now)}（${WEEKDAYS[weekdayOf(today)]}，${dayText}）`,
      value: `${today}T${timeOf(now)}`,
      manual: bot.ctx.clock instanceof ManualClock,
      officeNote,
    },
    person: await inboxState(bot, "person", person.id, now),
    group: group
      ? { name: group.name, ...(await inboxState(bot, "group", group.id, now)) }
      : null,
  };
}

async function mechanismGroup(bot: Bot) {
  const { chatGroups } = bot.ctx.store.t;
  const [group] = await bot.ctx.store.db
    .select()
    .from(chatGroups)
    .where(eq(chatGroups.code, "mechanism"));
  return group;
}

/** Delivered messages, and those the outbox still holds for later. */
async function inboxState(
  bot: Bot,
  type: "person" | "group",
  id: number,
  now: number,
) {
  const { simMessages, outbox } = bot.ctx.store.t;
  const { db } = bot.ctx.store;
  const delivered = await db
    .select()
    .from(simMessages)
    .where(eq(simMessages.inbox, `${type}:${id}`))
    .orderBy(desc(simMessages.id))
    .limit(INBOX_LIMIT);
  const waiting = await db
    .select()
    .from(outbox)
    .where(
      and(
        eq(outbox.targetType, type),
        eq(outbox.targetId, id),
        eq(outbox.status, "pending"),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(INBOX_LIMIT);

  return {
    messages: delivered.reverse().map((m) => ({
      id: m.id,
      at: formatInstant(m.createdAt),
      updatedAt:
        formatInstant(m.updatedAt) !== formatInstant(m.createdAt)
          ? formatInstant(m.updatedAt)
          : null,
      message: JSON.parse(m.payload) as unknown,
    })),
    pending: waiting.map((m) => ({
      id: m.id,
      when:
        m.nextAttemptAt > now
          ? `将于 ${formatInstant(m.nextAttemptAt)} 送达`
          : "即将送达",
      message: JSON.parse(m.payload) as unknown,
    })),
  };
}
