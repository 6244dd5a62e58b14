/**
 * New projects around National Day 2026 as units reported them, for the
 * export tests of attachment 1 and of how units report. Projects started
 * on 09-30 are due at the end of 10-13 (10-01..10-07 are holidays,
 * Saturday 10-10 is a working day).
 *
 * - City housing (张伟): 河东安置房一期, started 10-09, reported that day
 *   (99999.999999 万元, 85.5 %), then 城南污水管网改造, started the day
 *   before (1 fen, 0 %); 天悦府二期, started 09-30, reported 10-13, on
 *   time; in November, 城北学校, started 11-02.
 * - City housing (陈静): 滨江花园三期, started 09-30, reported 10-20: 5
 *   working days late.
 * - City transport (郑涛): 涪江大桥改建工程, started 09-30, reported 10-19:
 *   4 working days late.
 * - Chuanshan housing (赵磊): 明月小区, started on the make-up Saturday
 *   10-10, reported 10-12 to Chuanshan's HRSS.
 * - HRSS checks 天悦府二期 on 10-29, 2 working days late, with findings to
 *   correct by 11-06, never corrected; 涪江大桥改建工程 on 10-30, on time.
 * - HRSS confirms five omissions of transport and four of natural
 *   resources, learned of on 10-30, and one of transport learned of on
 *   09-28.
 *
 * Leaves the clock at 2026-11-10 09:00 Shanghai, the evening before in
 * New York.
 */
import type { Bot } from "../../src/boot.js";
import type { Acting } from "../../src/projects/service.js";
import type { ManualClock } from "../../src/time.js";
import { typed } from "../projects/support.js";
import { demo, unitId } from "../helpers/bot.js";

export interface Reported {
  people: Record<string, Acting>;
  units: Record<"housing" | "transport" | "natres" | "chuanshan", number>;
  /** Project ids by name. */
  ids: Record<string, number>;
}

export const PEOPLE = [
  "王建国",
  "李红梅",
  "张伟",
  "陈静",
  "刘洋",
  "赵磊",
  "郑涛",
  "马晓林",
  "周强",
  "钱进",
  "系统管理员",
];

/** What each project differs in from typed()'s defaults. */
export const PROJECTS: Record<string, Record<string, unknown>> = {
  河东安置房一期: {
    jurisdiction: "河东新区",
    address: "河东新区五彩缤纷路 8 号",
    builder: "遂宁某投资集团有限公司",
    startDate: "2026-10-09",
    duration: "2026-10-09至2027-12-31",
    government: "是",
    manager: "李四",
    phone: "0825-2345678",
    contractPrice: "99999.999999",
    paymentMethod: "按节点支付，竣工验收后付至 97%",
    paymentProgress: "85.5",
    remarks: "含人工费专用账户",
  },
  天悦府二期: {},
  城南污水管网改造: {
    jurisdiction: "市本级",
    builder: "遂宁市城市建设投资有限公司",
    startDate: "2026-10-08",
    government: "是",
    contractPrice: "0.000001",
    paymentProgress: "0",
  },
  滨江花园三期: { builder: "四川某房地产开发有限公司" },
  涪江大桥改建工程: {
    jurisdiction: "射洪市",
    builder: "遂宁市交通运输局",
    contractor: "四川某路桥工程有限公司",
    manager: "王五",
    phone: "13800000021",
    contractPrice: "56000",
    paymentProgress: "100",
  },
  明月小区: { startDate: "2026-10-10", builder: "遂宁某地产有限公司" },
  城北学校: { startDate: "2026-11-02", builder: "遂宁市教育和体育局" },
};

export async function reported(
  bot: Bot,
  clock: ManualClock,
): Promise<Reported> {
  const people: Record<string, Acting> = {};
  for (const name of PEOPLE) {
    people[name] = await demo(bot, name);
  }
  const units = {
    housing: await unitId(bot, "city.housing"),
    transport: await unitId(bot, "city.transport"),
    natres: await unitId(bot, "city.natres"),
    chuanshan: await unitId(bot, "chuanshan.housing"),
  };
  const ids: Record<string, number> = {};
  const report = async (when: string, who: string, name: string) => {
    clock.set(when);
    const outcome = await bot.projects.report(
      people[who],
      typed(name, PROJECTS[name]),
    );
    ids[name] = outcome.projectId;
  };

  await report("2026-10-09T10:00", "张伟", "河东安置房一期");
  await report("2026-10-09T11:00", "张伟", "城南污水管网改造");
  await report("2026-10-12T10:00", "赵磊", "明月小区");
  await report("2026-10-13T16:00", "张伟", "天悦府二期");
  await report("2026-10-19T10:00", "郑涛", "涪江大桥改建工程");
  await report("2026-10-20T10:00", "陈静", "滨江花园三期");

  const wang = people["王建国"];
  clock.set("2026-10-29T15:00");
  await bot.projects.recordCheck(wang, ids["天悦府二期"], {
    checkDate: "2026-10-29",
    findings: ["转包"],
    correctionDeadline: "2026-11-06",
  });
  clock.set("2026-10-30T15:00");
  await bot.projects.recordCheck(wang, ids["涪江大桥改建工程"], {
    checkDate: "2026-10-30",
  });

  const omission = async (unit: number, name: string, learnedDate: string) => {
    const { clueId } = await bot.projects.recordClue(wang, {
      source: "自行巡查",
      learnedDate,
      name,
      responsibleUnitId: unit,
    });
    await bot.projects.confirmOmission(wang, clueId);
  };
  clock.set("2026-11-02T10:00");
  await omission(units.transport, "物流园0号仓库", "2026-09-28");
  for (let i = 1; i <= 5; i++) {
    await omission(units.transport, `物流园${i}号仓库`, "2026-10-30");
  }
  for (let i = 1; i <= 4; i++) {
    await omission(units.natres, `安置小区${i}期`, "2026-10-30");
  }

  await report("2026-11-03T10:00", "张伟", "城北学校");
  clock.set("2026-11-10T09:00");
  return { people, units, ids };
}
