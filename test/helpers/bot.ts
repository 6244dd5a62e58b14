/**
 * A whole bot on a test database: seed units, demo people, the simulator
 * channel, and a clock the test moves.
 */
import { eq } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import { boot, type Bot } from "../../src/boot.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/logger.js";
import type { Acting } from "../../src/referrals/service.js";
import type { ManualClock } from "../../src/time.js";
import type { TestEngine } from "./db.js";

export async function openBot(
  engine: TestEngine,
  clock: ManualClock,
  env: Record<string, string> = {},
): Promise<Bot> {
  const store = await engine.open();
  const config = loadConfig({ SIMULATOR: "on", JOBS: "false", ...env });
  return boot(config, { clock, log: silentLogger, store });
}

/** A demo person acting in the simulator, by name. */
export async function demo(bot: Bot, name: string): Promise<Acting> {
  const person = (await bot.ctx.directory.demoPeople()).find(
    (p) => p.name === name,
  );
  if (!person) {
    throw new Error(`no demo person ${name}`);
  }
  return { person, channel: "sim" };
}

export async function unitId(bot: Bot, code: string): Promise<number> {
  const unit = await bot.ctx.directory.unitByCode(code);
  if (!unit) {
    throw new Error(`no unit ${code}`);
  }
  return unit.id;
}

/** Messages the simulator shows a person, oldest first. */
export async function inbox(bot: Bot, personId: number) {
  const { simMessages } = bot.ctx.store.t;
  const rows = await bot.ctx.store.db
    .select()
    .from(simMessages)
    .where(eq(simMessages.inbox, `person:${personId}`))
    .orderBy(simMessages.id);
  return rows.map((r) => JSON.parse(r.payload));
}

export async function count(store: Store, table: keyof Store["t"]) {
  const rows = await store.db.select().from(store.t[table] as never);
  return (rows as unknown[]).length;
}

/** The upper half of attachment 4, as the form sends it. */
export function sourceCase(
  receivingUnitId: number,
  extra: Record<string, unknown> = {},
) {
  return {
    kind: "source",
    receivingUnitId,
    caseName: "滨江花园项目欠薪案",
    cause: "拖欠工程款",
    complainantName: "张三",
    companyName: "遂宁某建筑劳务有限公司",
    headCount: "12",
    amount: "123456.70",
    foundDate: "2026-09-25",
    referralDate: "2026-09-29",
    contactName: "王建国",
    contactPhone: "13800000031",
    fileVolumes: "1",
    filePages: "35",
    exhibits: "考勤表复印件",
    ...extra,
  };
}
