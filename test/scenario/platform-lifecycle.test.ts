/**
 * The referral scenario of test/scenario/referral-lifecycle.test.ts on
 * each real platform (WeCom, DingTalk), against its fake, on SQLite and
 * MariaDB: pages opened through the platform's sign-in, card clicks and
 * typed commands arriving the platform's way (encrypted callbacks, Stream
 * frames), cards, reminders and digests going out through its APIs, the
 * weekly summary to the group. Every job runs each day.
 *
 * - 09-29 王建国 refers a case to the city housing bureau (form page).
 * - 10-09 张伟 signs on the card, then passes it down (form page).
 * - 10-12 the platform's connection drops; 赵磊 signs by typing
 *   "签收 文号".
 * - 11-17 first working day overdue: the leaders' digest;
 *   11-23 five working days overdue: escalation to the HRSS leader.
 * - 11-25 赵磊 submits feedback (form page); 11-26 王建国 accepts it on
 *   his tracking card.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, type JobName } from "../../jobs/registry.js";
import { loadView } from "../../src/referrals/view.js";
import { addDays, atTime, type IsoDate } from "../../src/time.js";
import { engines } from "../helpers/db.js";
import { unitId } from "../helpers/bot.js";
import { referralBody } from "../web/server.js";
import {
  dingtalkDriver,
  wecomDriver,
  type PlatformDriver,
  type Received,
} from "./platforms.js";

const TIMETABLE: [string, JobName][] = [
  ["09:00", "morning-reminder"],
  ["09:00", "weekly-summary"],
  ["09:30", "overdue-digest"],
  ["09:35", "deliver"],
];

const PLATFORMS = [
  { platform: "WeCom", start: wecomDriver, clickAnswer: "update_button" },
  { platform: "DingTalk", start: dingtalkDriver, clickAnswer: "办理中" },
];

const CASES = PLATFORMS.flatMap((p) =>
  engines().map((engine) => ({ ...p, engine, db: engine.name })),
);

describe.each(CASES)(
  "the referral lifecycle through $platform on $db",
  ({ engine, start, clickAnswer }) => {
    let p: PlatformDriver;
    let referralId = 0;
    let number = "";
    let signAnswer: string | undefined;
    const cookies: Record<string, string> = {};

    async function api(who: string, path: string, json: unknown) {
      const res = await fetch(p.base + path, {
        method: "POST",
        headers: { cookie: cookies[who], "content-type": "application/json" },
        body: JSON.stringify(json),
      });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBeLessThan(300);
      return body;
    }

    async function openPage(who: string, path: string) {
      cookies[who] = await p.openPage(who, path);
      const page = await fetch(p.base + path, {
        headers: { cookie: cookies[who] },
      });
      expect(page.status).toBe(200);
    }

    const events: Record<IsoDate, [string, () => Promise<void>][]> = {
      "2026-09-29": [
        [
          "10:00",
          async () => {
            await openPage("wangjg", "/referrals/new");
            const body = await referralBody(p.bot, {
              foundDate: "2026-09-25",
              referralDate: "2026-09-29",
              submissionId: "refer-0000001",
            });
            const created = await api("wangjg", "/api/referrals", body);
            referralId = created.referralId;
            const view = await loadView(
              p.bot.ctx,
              p.bot.ctx.store.db,
              referralId,
            );
            number = view.referral.number;
          },
        ],
      ],
      "2026-10-09": [
        [
          "10:00",
          async () => {
            await p.click(
              "zhangw",
              `referral:${referralId}:unit:`,
              "referral.sign",
            );
            signAnswer = p.lastClickAnswer;
          },
        ],
        [
          "15:00",
          async () => {
            await openPage("zhangw", `/referrals/${referralId}/pass-down`);
            await api("zhangw", `/api/referrals/${referralId}/pass-down`, {
              submissionId: "pass-down-0001",
              unitId: await unitId(p.bot, "chuanshan.housing"),
              note: "属船山区管辖项目",
            });
          },
        ],
      ],
      "2026-10-12": [
        // The connection drops just before: the message must still count.
        ["09:59", () => p.disrupt()],
        ["10:00", () => p.say("zhaol", `签收 ${number}`)],
      ],
      "2026-11-25": [
        [
          "10:00",
          async () => {
            await openPage("zhaol", `/referrals/${referralId}/feedback`);
            await api("zhaol", `/api/referrals/${referralId}/feedback`, {
              submissionId: "feedback-0001",
              handlerContact: "赵磊",
              handlerPhone: "13800000006",
              recoveredWorkers: "12",
              recoveredAmount: "35000.50",
              penalty: "责令限期支付",
              summary: "已督促总包单位足额支付 12 名农民工工资",
            });
          },
        ],
      ],
      "2026-11-26": [
        [
          "10:00",
          () =>
            p.click(
              "wangjg",
              `referral:${referralId}:referrer`,
              "referral.accept",
            ),
        ],
      ],
    };

    /** What each member got, by day. */
    const byDay: Record<string, (Received & { day: IsoDate })[]> = {};

    beforeAll(async () => {
      p = await start(await engine.open());
      let seen = 0;
      for (
        let day: IsoDate = "2026-09-29";
        day <= "2026-12-04";
        day = addDays(day, 1)
      ) {
        const steps = [
          ...TIMETABLE.map(
            ([time, job]) =>
              [time, () => runJob(job, p.bot).then(() => undefined)] as const,
          ),
          ...(events[day] ?? []),
        ].sort((a, b) => a[0].localeCompare(b[0]));
        for (const [time, step] of steps) {
          p.clock.set(atTime(day, time));
          await step();
          await p.settle();
        }
        const received = p.received();
        for (const r of received.slice(seen)) {
          (byDay[r.who] ??= []).push({ ...r, day });
        }
        seen = received.length;
      }
    }, 240_000);

    afterAll(async () => {
      await p?.close();
      await engine.release();
    });

    it("notifies the housing liaisons with a card on the day of referral", () => {
      for (const who of ["zhangw", "chenj"]) {
        const first = byDay[who][0];
        expect(first).toMatchObject({ day: "2026-09-29", kind: "card" });
        expect(first.text).toContain(number);
      }
    });

    it("answers the click at once, on the clicked card", () => {
      expect(signAnswer).toContain(clickAnswer);
    });

    it("passes down to the county unit, whose liaison signs by typing", async () => {
      const card = byDay.zhaol.find((m) => m.kind === "card");
      expect(card?.day).toBe("2026-10-09");
      const reply = byDay.zhaol.find(
        (m) => m.day === "2026-10-12" && m.kind === "text",
      );
      expect(reply?.text).toMatch(/签收/);
      const view = await loadView(p.bot.ctx, p.bot.ctx.store.db, referralId);
      expect(view.receipts.map((r) => r.signerName).sort()).toEqual([
        "张伟",
        "赵磊",
      ]);
    });

    it("sends the leaders' digest and the escalation as markdown", () => {
      const digest = byDay.sunl.filter(
        (m) => m.kind === "markdown" && m.text.includes("逾期未反馈"),
      );
      expect(digest[0]?.day).toBe("2026-11-17");
      const escalation = byDay.lihm.filter(
        (m) => m.kind === "markdown" && m.text.includes("拟报市政府办公室"),
      );
      expect(escalation.map((m) => m.day)).toEqual(["2026-11-23"]);
    });

    it("posts a weekly summary to the group each week", () => {
      const weekly = p.groupPosts();
      // 09-29 for the week before, 10-08 for the National Day week (its
      // Monday was a holiday), then each Monday from 10-12 to 11-30.
      expect(weekly).toHaveLength(10);
      expect(weekly.every((w) => w.includes("联动机制周报"))).toBe(true);
      // No full names or phone numbers in a group.
      expect(weekly.join("")).not.toMatch(/1380000\d{4}/);
      expect(weekly.join("")).not.toContain("王建国");
    });

    it("closes the case when the referrer accepts the feedback on the card", async () => {
      const view = await loadView(p.bot.ctx, p.bot.ctx.store.db, referralId);
      expect(view.referral.status).toBe("closed");
    });

    it("delivers everything, drops nothing, and handles every push", async () => {
      const { store } = p.bot.ctx;
      const outbox = await store.db.select().from(store.t.outbox);
      expect(outbox.filter((r) => r.status !== "sent")).toEqual([]);
      expect(p.dropped()).toEqual([]);
      const pushes = await store.db.select().from(store.t.inboundQueue);
      expect(pushes.map((q) => q.status)).toEqual(["done", "done", "done"]);
      // Nothing reached anyone on a weekend or holiday.
      const offDays = ["2026-10-01", "2026-10-03", "2026-10-04", "2026-11-21"];
      for (const list of Object.values(byDay)) {
        expect(list.filter((m) => offDays.includes(m.day))).toEqual([]);
      }
    });
  },
);
