/**
 * A reception campaign over National Day 2026 through each real platform
 * (WeCom, DingTalk), against its fake, on SQLite and MariaDB. Officers
 * check in by typing to the bot (encrypted callbacks, Stream frames) and,
 * on WeCom, by sharing a location; notices, reminders, rolls and the
 * daily dispatch card go out through the platform's APIs. The campaign
 * job runs every 15 minutes from 07:00 to 19:00, holidays and weekends
 * included, as the clock moves across the holiday.
 *
 * - 09-25 王建国 (city HRSS) creates the campaign: the city's site, with
 *   the city's housing bureau, police and transport; Chuanshan's site,
 *   with Chuanshan's housing bureau.
 * - 09-26 the units name officers: 钱进 (Chuanshan housing) and 冯敏
 *   (city housing) every day, 周强 (police) on 10-01; transport nobody.
 * - 10-01 (holiday): 周强 and 钱进 check in early, 钱进 twice; someone
 *   nobody bound sends 签到; 冯敏 is late; 马晓林 asks for the roll and
 *   files Chuanshan's daily dispatch; 钱进 and 冯敏 check out.
 * - 10-02 and 10-04: nobody checks in.
 * - 10-03 (Saturday): 钱进 shares his location to check in; 冯敏 checks
 *   in by typing, then shares hers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../jobs/registry.js";
import type { Acting } from "../../src/referrals/service.js";
import { loadCampaign } from "../../src/campaigns/view.js";
import { dispatchCardKey } from "../../src/campaigns/messages.js";
import { addDays, atTime, type IsoDate } from "../../src/time.js";
import { demo, unitId } from "../helpers/bot.js";
import { engines } from "../helpers/db.js";
import { ALL_DAYS, nationalDayInput } from "../campaigns/support.js";
import {
  dingtalkDriver,
  wecomDriver,
  type Place,
  type PlatformDriver,
  type Received,
} from "./platforms.js";

const PLATFORMS = [
  { platform: "WeCom", start: wecomDriver, locations: true },
  // DingTalk's robot receives no location messages.
  { platform: "DingTalk", start: dingtalkDriver, locations: false },
];

const CASES = PLATFORMS.flatMap((p) =>
  engines().map((engine) => ({ ...p, engine, db: engine.name })),
);

const FIRST_DAY: IsoDate = "2026-09-25";
const LAST_DAY: IsoDate = "2026-10-05";

/** 07:00, 07:15, … 19:00: when the campaign job runs. */
const TICKS = Array.from({ length: 49 }, (_, i) => {
  const minutes = 7 * 60 + i * 15;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  return `${hh}:${String(minutes % 60).padStart(2, "0")}`;
});

const QIAN_PLACE: Place = {
  latitude: 30.5133,
  longitude: 105.5927,
  label: "船山区人社局",
};
const FENG_PLACE: Place = {
  latitude: 30.5021,
  longitude: 105.5736,
  label: "遂宁市人社大厦",
};

const DISPATCH = {
  visits: "3",
  visitors: "11",
  cases: "2",
  amount: "56000",
  incidents: "0",
  remarks: "",
};

const UNREAD = /^机器人暂时只能读懂文字指令/;

interface Got extends Received {
  day: IsoDate;
  time: string;
  /** The text as the person reads it (cards: their JSON). */
  body: string;
}

describe.each(CASES)(
  "a reception campaign through $platform on $db",
  ({ engine, start, locations }) => {
    let p: PlatformDriver;
    let campaignId = 0;
    let citySite = 0;
    let chuanshanSite = 0;
    const got: Got[] = [];

    const acting = async (name: string): Promise<Acting> => ({
      ...(await demo(p.bot, name)),
      channel: "web",
    });

    async function nominate(
      liaison: string,
      officer: string,
      dates: IsoDate[],
    ) {
      const person = (await demo(p.bot, officer)).person;
      await p.bot.campaigns.nominate(await acting(liaison), campaignId, {
        officers: [{ personId: String(person.id), dates }],
      });
    }

    const events: Record<IsoDate, [string, () => Promise<void>][]> = {
      "2026-09-25": [
        [
          "10:05",
          async () => {
            const input = await nationalDayInput(p.bot);
            const out = await p.bot.campaigns.create(
              await acting("王建国"),
              input,
            );
            campaignId = out.campaignId;
            const view = await loadCampaign(
              p.bot.ctx,
              p.bot.ctx.store.db,
              campaignId,
            );
            const site = async (code: string) => {
              const host = await unitId(p.bot, code);
              return view.sites.find((s) => s.host.id === host)!.site.id;
            };
            citySite = await site("city.hrss");
            chuanshanSite = await site("chuanshan.hrss");
          },
        ],
      ],
      "2026-09-26": [
        [
          "10:05",
          async () => {
            await nominate("赵磊", "钱进", ALL_DAYS);
            await nominate("张伟", "冯敏", ALL_DAYS);
            await nominate("周强", "周强", ["2026-10-01"]);
          },
        ],
      ],
      "2026-10-01": [
        ["08:45", () => p.say("zhouq", "签到")],
        ["08:50", () => p.say("qianj", "签到")],
        ["08:52", () => p.say("qianj", "签到")],
        ["08:53", () => p.say("stranger", "签到")],
        ["09:40", () => p.say("fengm", "签到")],
        ["10:05", () => p.say("maxl", "今日到岗")],
        [
          "16:35",
          async () => {
            await p.bot.campaigns.submitDispatch(
              await acting("马晓林"),
              campaignId,
              chuanshanSite,
              "2026-10-01",
              DISPATCH,
              "dispatch-0001",
            );
          },
        ],
        ["17:05", () => p.say("qianj", "签退")],
        ["17:10", () => p.say("fengm", "签退")],
      ],
      "2026-10-03": [
        ["08:55", () => p.shareLocation("qianj", QIAN_PLACE)],
        // Where the location could not check him in, he types.
        [
          "08:56",
          () => (locations ? Promise.resolve() : p.say("qianj", "签到")),
        ],
        ["08:58", () => p.say("fengm", "签到")],
        ["09:02", () => p.shareLocation("fengm", FENG_PLACE)],
      ],
    };

    beforeAll(async () => {
      p = await start(await engine.open());
      let seen = 0;
      for (let day = FIRST_DAY; day <= LAST_DAY; day = addDays(day, 1)) {
        const steps = [
          ...TICKS.map(
            (time) =>
              [
                time,
                () => runJob("campaign-tick", p.bot).then(() => undefined),
              ] as const,
          ),
          ...(events[day] ?? []),
        ].sort((a, b) => a[0].localeCompare(b[0]));
        for (const [time, step] of steps) {
          p.clock.set(atTime(day, time));
          await step();
          await p.settle();
          const received = p.received();
          for (const r of received.slice(seen)) {
            got.push({ ...r, day, time, body: readable(r) });
          }
          seen = received.length;
        }
      }
    }, 240_000);

    afterAll(async () => {
      await p?.close();
      await engine.release();
    });

    /** What one person got, optionally only what matches. */
    const to = (who: string, match?: string | RegExp) =>
      got.filter(
        (g) =>
          g.who === who &&
          (match === undefined ||
            (typeof match === "string"
              ? g.body.includes(match)
              : match.test(g.body))),
      );
    const when = (list: Got[]) => list.map((g) => `${g.day} ${g.time}`);

    async function shifts() {
      const { store } = p.bot.ctx;
      const rows = await store.db.select().from(store.t.dutyShifts);
      const name = new Map<number, string>();
      for (const n of ["钱进", "冯敏", "周强"]) {
        name.set((await demo(p.bot, n)).person.id, n);
      }
      return rows.map((r) => ({ ...r, name: name.get(r.personId) }));
    }

    it("sends each officer the duty notice at 08:00 on holidays and weekends", () => {
      for (const who of ["qianj", "fengm"]) {
        const notices = to(who, "【集中接访】今天（");
        expect(when(notices)).toEqual(ALL_DAYS.map((d) => `${d} 08:00`));
        expect(notices.every((n) => n.kind === "text")).toBe(true);
      }
      expect(to("qianj", "【集中接访】今天（")[0].body).toBe(
        "【集中接访】今天（10月1日）您在船山区人社局接访点值班，09:00–17:00，" +
          "地点：船山区人社局信访接待室。到岗后请向我发送“签到”，结束时发送“签退”。",
      );
      expect(when(to("zhouq", "【集中接访】今天（"))).toEqual([
        "2026-10-01 08:00",
      ]);
    });

    it("answers 签到 with the site, the time and who else is on duty", () => {
      const [first, second] = to("qianj", /签到/).filter(
        (g) => g.day === "2026-10-01" && g.time.startsWith("08:5"),
      );
      expect(first.time).toBe("08:50");
      expect(first.body).toBe(
        [
          "签到成功：10月1日 08:50，船山区人社局接访点（船山区人社局信访接待室）。",
          "今天本接访点只有您一人值班。",
          "值班至 17:00，结束时请发送“签退”。",
        ].join("\n"),
      );
      expect(second.time).toBe("08:52");
      expect(second.body).toBe(
        "您今天已于 08:50 签到，无需重复签到。值班结束时请发送“签退”。",
      );
      const [late] = to("fengm", /^签到成功/);
      expect(`${late.day} ${late.time}`).toBe("2026-10-01 09:40");
      expect(late.body).toBe(
        [
          "签到成功：10月1日 09:40，市人力资源社会保障局接访点（遂宁市河东新区人社大厦一楼）。" +
            "比值班开始（09:00）晚 40 分钟，记为迟到。",
          "今天同在本接访点值班：市公安局 周强（08:45 签到）",
          "值班至 17:00，结束时请发送“签退”。",
        ].join("\n"),
      );
    });

    it("checks officers out", () => {
      expect(to("qianj", /^签退成功/).map((g) => g.body)).toEqual([
        "签退成功：10月1日 17:05（08:50 签到）。辛苦了！",
      ]);
      expect(to("fengm", /^签退成功/).map((g) => g.body)).toEqual([
        "签退成功：10月1日 17:10（09:40 签到）。辛苦了！",
      ]);
    });

    it("tells someone nobody bound that they are unknown, and stores nothing", async () => {
      const replies = to("stranger");
      expect(replies.map((g) => [g.time, g.body])).toEqual([
        [
          "08:53",
          "系统中没有您的人员信息，无法办理。请联系本单位联络员或市人力资源社会保障局管理员登记。",
        ],
      ]);
      const checkedIn = (await shifts())
        .filter((s) => s.checkedInAt !== null)
        .map((s) => `${s.name} ${s.date}`)
        .sort();
      expect(checkedIn).toEqual([
        "冯敏 2026-10-01",
        "冯敏 2026-10-03",
        "周强 2026-10-01",
        "钱进 2026-10-01",
        "钱进 2026-10-03",
      ]);
    });

    it(
      locations
        ? "checks in with a shared location, and keeps a later one with the check-in"
        : "answers a shared location as a message it cannot read; typing 签到 works",
      async () => {
        const rows = await shifts();
        const row = (name: string) =>
          rows.find((s) => s.name === name && s.date === "2026-10-03")!;
        const qian = to("qianj").filter((g) => g.day === "2026-10-03");
        const feng = to("fengm").filter((g) => g.day === "2026-10-03");
        if (locations) {
          const [answer] = qian.filter((g) => g.time === "08:55");
          expect(answer.body).toBe(
            [
              "签到成功：10月3日 08:55，船山区人社局接访点（船山区人社局信访接待室）。",
              "位置：船山区人社局（30.51330, 105.59270）",
              "今天本接访点只有您一人值班。",
              "值班至 17:00，结束时请发送“签退”。",
            ].join("\n"),
          );
          expect(JSON.parse(row("钱进").checkInLocation!)).toEqual(QIAN_PLACE);
          expect(row("钱进").checkInChannel).toBe("wecom");
          const [attached] = feng.filter((g) => g.time === "09:02");
          expect(attached.body).toBe(
            "已记录您的签到位置：遂宁市人社大厦（30.50210, 105.57360）。",
          );
          expect(JSON.parse(row("冯敏").checkInLocation!)).toEqual(FENG_PLACE);
        } else {
          for (const [list, time] of [
            [qian, "08:55"],
            [feng, "09:02"],
          ] as const) {
            const [answer] = list.filter((g) => g.time === time);
            expect(answer.body).toMatch(UNREAD);
          }
          const [typed] = qian.filter((g) => g.time === "08:56");
          expect(typed.body).toMatch(
            /^签到成功：10月3日 08:56，船山区人社局接访点/,
          );
          expect(row("钱进").checkInLocation).toBeNull();
          expect(row("钱进").checkInChannel).toBe("dingtalk");
          expect(row("冯敏").checkInLocation).toBeNull();
        }
        expect(row("冯敏").checkedInAt).toBe(atTime("2026-10-03", "08:58"));
      },
    );

    it("reminds a late officer at 09:15, then tells the unit's liaisons and leader", () => {
      expect(when(to("fengm", "还没有签到"))).toEqual([
        "2026-10-01 09:15",
        "2026-10-02 09:15",
        "2026-10-04 09:15",
      ]);
      expect(when(to("qianj", "还没有签到"))).toEqual([
        "2026-10-02 09:15",
        "2026-10-04 09:15",
      ]);
      for (const who of ["zhangw", "chenj", "liuy"]) {
        const absent = to(who, "值班开始 30 分钟后仍未签到");
        expect(when(absent)).toEqual([
          "2026-10-01 09:30",
          "2026-10-02 09:30",
          "2026-10-04 09:30",
        ]);
        expect(absent[0].body).toBe(
          "【集中接访】10月1日“2026年国庆节集中接访”：市住房城乡建设局指派到" +
            "市人力资源社会保障局接访点的冯敏，值班开始 30 分钟后仍未签到（09:00 开始）。" +
            "请立即落实到岗或安排替班，并在名单中修改指派。",
        );
      }
      for (const who of ["zhaol", "sunl"]) {
        expect(when(to(who, "仍未签到"))).toEqual([
          "2026-10-02 09:30",
          "2026-10-04 09:30",
        ]);
      }
      // The unit that named nobody hears so each day; police after 10-01.
      expect(when(to("zhengt", "今天没有指派人员"))).toHaveLength(4);
      expect(when(to("zhouq", "今天没有指派人员"))).toEqual([
        "2026-10-02 09:30",
        "2026-10-03 09:30",
        "2026-10-04 09:30",
      ]);
    });

    it("reminds units that named nobody after the deadline, then their leaders", () => {
      expect(when(to("zhengt", "指派截止时间"))).toEqual(["2026-09-28 18:00"]);
      expect(when(to("zhouq", "指派截止时间"))).toEqual(["2026-09-28 18:00"]);
      expect(to("zhouq", "指派截止时间")[0].body).toContain(
        "市公安局还有 3 天没有指派接访人员（10月2日—10月4日）",
      );
      expect(when(to("huangz", "联络员已提醒过"))).toEqual([
        "2026-09-29 18:00",
      ]);
      expect(to("zhaol", "指派截止时间")).toEqual([]);
    });

    it("sends the sites their dispatch card at 09:00; filing updates every copy", async () => {
      for (const who of ["maxl", "wangjg"]) {
        const cards = to(who, "集中接访日调度").filter(
          (g) => g.kind === "card",
        );
        expect(when(cards)).toEqual([
          "2026-10-01 09:00",
          "2026-10-02 09:00",
          "2026-10-03 09:00",
          "2026-10-04 09:00",
        ]);
      }
      const filed = dispatchCardKey(campaignId, chuanshanSite, "2026-10-01");
      expect(await p.cardStatuses("maxl", filed)).toEqual([
        "已于 2026-10-01 16:35 报送",
      ]);
      const city = dispatchCardKey(campaignId, citySite, "2026-10-01");
      expect(await p.cardStatuses("wangjg", city)).toEqual(["待报送"]);
      const next = dispatchCardKey(campaignId, chuanshanSite, "2026-10-02");
      expect(await p.cardStatuses("maxl", next)).toEqual(["待报送"]);
      // Reports not filed by 17:00 are chased; the one filed is not.
      expect(when(to("maxl", "的日调度应于 17:00 前报送"))).toEqual([
        "2026-10-02 17:00",
        "2026-10-03 17:00",
        "2026-10-04 17:00",
      ]);
      expect(when(to("wangjg", "的日调度应于 17:00 前报送"))).toHaveLength(4);
    });

    it("answers 今日到岗 from the site's HRSS with the roll", () => {
      const [roll] = to("maxl", "到岗情况（");
      expect(`${roll.day} ${roll.time}`).toBe("2026-10-01 10:05");
      expect(roll.body).toBe(
        [
          "船山区人社局接访点 10月1日 到岗情况（09:00–17:00）：",
          "1. 船山区住建局 钱进 138****0014：08:50 签到",
        ].join("\n"),
      );
    });

    it("asks officers to check out at 17:00; the organizer's summary at 18:00", () => {
      expect(when(to("qianj", "离开时请发送“签退”"))).toEqual([
        "2026-10-01 17:00",
        "2026-10-03 17:00",
      ]);
      for (const who of ["wangjg", "lihm"]) {
        const summaries = to(who, "汇总**").filter(
          (g) => g.kind === "markdown",
        );
        expect(when(summaries)).toEqual([
          "2026-10-01 18:00",
          "2026-10-02 18:00",
          "2026-10-03 18:00",
          "2026-10-04 18:00",
        ]);
        expect(summaries[0].body).toContain(
          "到岗：应到 3 人，到岗 3 人（迟到 1 人），未到岗 0 人；未派员 1 个单位次。",
        );
        expect(summaries[0].body).toContain(
          "日调度：1/2 个接访点已报送；合计来访 3 批 11 人",
        );
      }
    });

    it("delivers everything once, fails nothing and handles every push", async () => {
      const { store } = p.bot.ctx;
      const outbox = await store.db.select().from(store.t.outbox);
      expect(outbox.filter((r) => r.status !== "sent")).toEqual([]);
      expect(p.dropped()).toEqual([]);
      const pushes = await store.db.select().from(store.t.inboundQueue);
      expect(pushes.filter((q) => q.status !== "done")).toEqual([]);
      // Eight messages on 10-01, three on 10-03 (one more on DingTalk,
      // where 钱进 types after his location could not check him in).
      expect(pushes).toHaveLength(locations ? 11 : 12);
      const seen = new Set<string>();
      const twice = got.filter((g) => {
        const key = `${g.day}|${g.who}|${g.kind}|${g.body}`;
        const repeated = seen.has(key);
        seen.add(key);
        return repeated;
      });
      expect(twice).toEqual([]);
      // Campaign messages name people: none went to a group.
      expect(p.groupPosts()).toEqual([]);
    });
  },
);

/** A text or markdown message as its reader sees it; cards stay JSON. */
function readable(r: Received): string {
  try {
    const json = JSON.parse(r.text) as Record<string, unknown>;
    const text = r.kind === "card" ? undefined : (json.content ?? json.text);
    return typeof text === "string" ? text : r.text;
  } catch {
    return r.text;
  }
}
