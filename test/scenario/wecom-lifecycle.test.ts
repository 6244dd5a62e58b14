/**
 * The referral scenario of test/scenario/referral-lifecycle.test.ts, with
 * WeCom as the only platform: pages opened through WeCom's sign-in, card
 * clicks and typed commands arriving as encrypted callbacks, cards,
 * reminders and digests going out through the fake WeCom server, the
 * weekly summary through the group robot. Every job runs each day.
 *
 * - 09-29 王建国 refers a case to the city housing bureau (form page).
 * - 10-09 张伟 signs on the card, then passes it down (form page).
 * - 10-12 赵磊 signs by typing "签收 文号".
 * - 11-17 first working day overdue: the leaders' digest;
 *   11-23 five working days overdue: escalation to the HRSS leader.
 * - 11-25 赵磊 submits feedback (form page); 11-26 王建国 accepts it on
 *   his tracking card.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob, type JobName } from "../../jobs/registry.js";
import { loadView } from "../../src/referrals/view.js";
import { addDays, atTime, type IsoDate } from "../../src/time.js";
import { textOf } from "../../bots/wecom/xml.js";
import { engines } from "../helpers/db.js";
import { unitId } from "../helpers/bot.js";
import { referralBody } from "../web/server.js";
import { startWecomWorld, wx, type WecomWorld } from "../wecom/harness.js";

const TIMETABLE: [string, JobName][] = [
  ["09:00", "morning-reminder"],
  ["09:00", "weekly-summary"],
  ["09:30", "overdue-digest"],
  ["09:35", "deliver"],
];

describe.each(engines())(
  "the referral lifecycle through WeCom on $name",
  (engine) => {
    let world: WecomWorld;
    let referralId = 0;
    let number = "";
    const cookies: Record<string, string> = {};
    const notes: Record<string, unknown> = {};

    async function api(who: string, path: string, json: unknown) {
      const res = await fetch(world.base + path, {
        method: "POST",
        headers: { cookie: cookies[who], "content-type": "application/json" },
        body: JSON.stringify(json),
      });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBeLessThan(300);
      return body;
    }

    /** Signs in through WeCom's OAuth, as a card link would. */
    async function openPage(who: string, path: string) {
      const { cookie, location } = await world.signIn(wx(who), path);
      expect(location).toBe(path);
      cookies[who] = cookie;
      const page = await fetch(world.base + path, { headers: { cookie } });
      expect(page.status).toBe(200);
    }

    function newestTask(userid: string): string {
      return String(world.lastCard(userid).body.task_id);
    }

    const events: Record<IsoDate, [string, () => Promise<void>][]> = {
      "2026-09-29": [
        [
          "10:00",
          async () => {
            await openPage("wangjg", "/referrals/new");
            const body = await referralBody(world.bot, {
              foundDate: "2026-09-25",
              referralDate: "2026-09-29",
              submissionId: "refer-0000001",
            });
            const created = await api("wangjg", "/api/referrals", body);
            referralId = created.referralId;
            const view = await loadView(
              world.bot.ctx,
              world.bot.ctx.store.db,
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
            const result = await world.push(
              world.click(
                wx("zhangw"),
                newestTask(wx("zhangw")),
                "referral.sign",
              ),
            );
            expect(result.status).toBe(200);
            notes.signReply = result.reply && textOf(result.reply, "MsgType");
          },
        ],
        [
          "15:00",
          async () => {
            await openPage("zhangw", `/referrals/${referralId}/pass-down`);
            await api("zhangw", `/api/referrals/${referralId}/pass-down`, {
              submissionId: "pass-down-0001",
              unitId: await unitId(world.bot, "chuanshan.housing"),
              note: "属船山区管辖项目",
            });
          },
        ],
      ],
      "2026-10-12": [
        [
          "10:00",
          async () => {
            const result = await world.push(
              world.text(wx("zhaol"), `签收 ${number}`),
            );
            expect(result.status).toBe(200);
          },
        ],
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
          async () => {
            const result = await world.push(
              world.click(
                wx("wangjg"),
                newestTask(wx("wangjg")),
                "referral.accept",
              ),
            );
            expect(result.status).toBe(200);
          },
        ],
      ],
    };

    /** What each member got, by day. */
    const byDay: Record<
      string,
      { day: IsoDate; msgtype: string; text: string }[]
    > = {};

    beforeAll(async () => {
      world = await startWecomWorld(await engine.open());
      let seen = 0;
      for (
        let day: IsoDate = "2026-09-29";
        day <= "2026-12-04";
        day = addDays(day, 1)
      ) {
        const steps = [
          ...TIMETABLE.map(
            ([time, job]) =>
              [
                time,
                () => runJob(job, world.bot).then(() => undefined),
              ] as const,
          ),
          ...(events[day] ?? []),
        ].sort((a, b) => a[0].localeCompare(b[0]));
        for (const [time, step] of steps) {
          world.clock.set(atTime(day, time));
          await step();
          await world.settle();
        }
        for (const d of world.fake.delivered.slice(seen)) {
          (byDay[d.userid] ??= []).push({
            day,
            msgtype: d.msgtype,
            text: JSON.stringify(d.body),
          });
        }
        seen = world.fake.delivered.length;
      }
    }, 240_000);

    afterAll(async () => {
      await world?.close();
      await engine.release();
    });

    it("notifies the housing liaisons with a card on the day of referral", () => {
      for (const who of ["zhangw", "chenj"]) {
        const first = byDay[wx(who)][0];
        expect(first).toMatchObject({
          day: "2026-09-29",
          msgtype: "template_card",
        });
        expect(first.text).toContain(number);
      }
    });

    it("greys out the clicked card at once and updates every copy", () => {
      expect(notes.signReply).toBe("update_button");
      const updated = world.fake.cardUpdates.map((u) => u.userids[0]);
      expect(updated).toContain(wx("zhangw"));
      expect(updated).toContain(wx("chenj"));
    });

    it("passes down to the county unit, whose liaison signs by typing", async () => {
      const card = byDay[wx("zhaol")].find(
        (m) => m.msgtype === "template_card",
      );
      expect(card?.day).toBe("2026-10-09");
      const reply = byDay[wx("zhaol")].find(
        (m) => m.day === "2026-10-12" && m.msgtype === "text",
      );
      expect(reply?.text).toMatch(/签收/);
      const view = await loadView(
        world.bot.ctx,
        world.bot.ctx.store.db,
        referralId,
      );
      expect(view.receipts.map((r) => r.signerName).sort()).toEqual([
        "张伟",
        "赵磊",
      ]);
    });

    it("sends the leaders' digest and the escalation as markdown", () => {
      const digest = byDay[wx("sunl")].filter(
        (m) => m.msgtype === "markdown" && m.text.includes("逾期未反馈"),
      );
      expect(digest[0]?.day).toBe("2026-11-17");
      const escalation = byDay[wx("lihm")].filter(
        (m) => m.msgtype === "markdown" && m.text.includes("拟报市政府办公室"),
      );
      expect(escalation.map((m) => m.day)).toEqual(["2026-11-23"]);
    });

    it("posts a weekly summary through the group robot each week", () => {
      const weekly = world.fake.robotMessages.map((m) =>
        JSON.stringify(m.body),
      );
      // 09-29 for the week before, 10-08 for the National Day week (its
      // Monday was a holiday), then each Monday from 10-12 to 11-30.
      expect(weekly).toHaveLength(10);
      expect(weekly.every((w) => w.includes("联动机制周报"))).toBe(true);
      // No full names or phone numbers in a group.
      expect(weekly.join("")).not.toMatch(/1380000\d{4}/);
      expect(weekly.join("")).not.toContain("王建国");
    });

    it("closes the case when the referrer accepts the feedback on the card", async () => {
      const view = await loadView(
        world.bot.ctx,
        world.bot.ctx.store.db,
        referralId,
      );
      expect(view.referral.status).toBe("closed");
    });

    it("delivers everything, drops nothing, and handles every push", async () => {
      const { store } = world.bot.ctx;
      const outbox = await store.db.select().from(store.t.outbox);
      expect(outbox.filter((r) => r.status !== "sent")).toEqual([]);
      expect(world.fake.dropped).toEqual([]);
      const pushes = await store.db.select().from(store.t.inboundQueue);
      expect(pushes.map((p) => p.status)).toEqual(["done", "done", "done"]);
      // Nothing reached anyone on a weekend or holiday but direct answers.
      const offDays = ["2026-10-01", "2026-10-03", "2026-10-04", "2026-11-21"];
      for (const list of Object.values(byDay)) {
        expect(list.filter((m) => offDays.includes(m.day))).toEqual([]);
      }
    });
  },
);
