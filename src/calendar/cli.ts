/**
 * Administrator's calendar tool:
 *   npm run calendar -- load FILE    load a year's schedule or corrections
 *   npm run calendar -- show 2026-10 print a month as the bot counts it
 *   npm run calendar -- years        list the years with a schedule
 */
import { readFileSync } from "node:fs";
import { openStore } from "../../db/index.js";
import { systemActor } from "../audit.js";
import { ClockEngine } from "../clocks/engine.js";
import { loadConfig } from "../config.js";
import { AppError } from "../errors.js";
import { createLogger } from "../logger.js";
import { addDays } from "../time.js";
import { loadCalendar, parseScheduleFile, saveSchedule } from "./store.js";

const USAGE =
  "用法 usage: npm run calendar -- load FILE | show YYYY-MM | years";

const KIND_LABEL = {
  workday: "工作日",
  weekend: "周末",
  holiday: "节假日",
  makeup: "调休上班",
};

async function main(args: string[]): Promise<number> {
  const [command, arg] = args;
  const config = loadConfig();
  const log = createLogger({
    level: config.logLevel,
    pretty: config.logPretty,
  });
  const store = await openStore(config.databaseUrl);
  try {
    if (command === "load" && arg) {
      const file = parseScheduleFile(readFileSync(arg, "utf8"));
      const from = await saveSchedule(
        store,
        file,
        systemActor("cli"),
        Date.now(),
      );
      const moved = await new ClockEngine(store, log).recomputeOpen(
        await loadCalendar(store),
        from,
      );
      console.log(
        `已载入 ${file.days.length} 天（${file.source}）；重算期限变动 ${moved} 个。`,
      );
      return 0;
    }
    if (command === "show" && arg && /^\d{4}-\d{2}$/.test(arg)) {
      const cal = await loadCalendar(store);
      for (let d = `${arg}-01`; d.startsWith(arg); d = addDays(d, 1)) {
        const day = cal.day(d);
        const note = day.known ? "" : "（放假安排未载入，暂按常规推算）";
        console.log(`${d} ${KIND_LABEL[day.kind]} ${day.name ?? ""}${note}`);
      }
      return 0;
    }
    if (command === "years") {
      const cal = await loadCalendar(store);
      console.log(`已有节假日数据的年份：${cal.coveredYears().join(", ")}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`${error.userMessage} (${error.code})`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
