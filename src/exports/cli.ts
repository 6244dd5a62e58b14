/**
 * Administrator's export of the official tables:
 *   npm run export -- 反馈表 2026-10 [--unit CODE] [--out FILE]
 *   npm run export -- 回执 遂人社移〔2026〕12号 [--out FILE]
 *   npm run export -- 考勤表 2026年国庆节集中接访 [--unit SITE-CODE] [--out FILE]
 *   npm run export -- 接访报告 2026年国庆节集中接访 [--out FILE]
 *   npm run export -- 项目表 2026-10 [--unit CODE] [--out FILE]
 *   npm run export -- 报送统计表 2026 [--out FILE]
 *
 * Runs as the system (every unit's referrals), audited with channel "cli".
 * Exit codes: 0 written, 1 refused or failed, 2 wrong usage.
 */
import {
  createWriteStream,
  renameSync,
  rmSync,
  type WriteStream,
} from "node:fs";
import { dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import { openStore } from "../../db/index.js";
import { systemActor } from "../audit.js";
import { ConfigError, loadConfig } from "../config.js";
import { createContext } from "../context.js";
import { AppError } from "../errors.js";
import { createLogger } from "../logger.js";
import { toolClock } from "../local-state.js";
import { exportTable, type ExportRequest } from "./export.js";
import { isCampaignTable, matchTable, tableList } from "./tables.js";

const USAGE = [
  "用法 usage: npm run export -- 表格 期间 [--unit 单位代码] [--out 文件]",
  "  npm run export -- 反馈表 2026-10",
  "  npm run export -- 源头反馈表 2026-Q4 --unit city.housing --out 住建局.xlsx",
  "  npm run export -- 回执 遂人社移〔2026〕12号",
  "  npm run export -- 考勤表 2026年国庆节集中接访 --unit chuanshan.hrss",
  "  npm run export -- 接访报告 2026年国庆节集中接访",
  "  npm run export -- 项目表 2026-10 --unit city.housing",
  "  npm run export -- 报送统计表 2026",
  `可以导出：${tableList()}；期间写作 2026-10、2026-Q4 或 2026；`,
  "考勤表和接访报告写活动名称或编号，--unit 为接访点的人社部门（不写则导出各接访点）；",
  "项目表按开工时间所在期间导出，--unit 为报送单位（不写则每个单位一张表）。",
].join("\n");

interface Args {
  table: string;
  subject: string;
  unit?: string;
  out?: string;
}

function parseArgs(args: string[]): Args | undefined {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--unit" || arg === "--out") {
      const value = args[++i];
      if (!value || value.startsWith("--")) {
        return undefined;
      }
      options[arg.slice(2)] = value;
    } else if (arg.startsWith("--")) {
      return undefined;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) {
    return undefined;
  }
  const [table, subject] = positional;
  return { table, subject, unit: options.unit, out: options.out };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const log = createLogger({ level: "warn", pretty: config.logPretty });
  const store = await openStore(config.databaseUrl);
  const ctx = createContext({ config, store, log, clock: toolClock(config) });
  // Written under a temporary name, renamed once complete: a failed
  // export leaves no half file that looks like a table.
  const partial = join(
    dirname(args.out ?? "table.xlsx"),
    `.export-${process.pid}.xlsx.part`,
  );
  let out: WriteStream | undefined;
  try {
    const request = await toRequest(ctx, args);
    out = createWriteStream(partial);
    const result = await exportTable(ctx, systemActor("cli"), request, out);
    await finished(out);
    const file = args.out ?? result.fileName;
    renameSync(partial, file);
    console.log(`已导出 ${result.rows} 条，写入 ${file}`);
    return 0;
  } catch (error) {
    await discard(out, partial);
    if (error instanceof AppError) {
      console.error(`${error.userMessage}（${error.code}）`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** Closes and removes a file that was not completed. */
async function discard(out: WriteStream | undefined, file: string) {
  if (out && !out.closed) {
    // Opening is asynchronous: wait for the close, or the file comes back.
    await new Promise<void>((resolve) => {
      out.once("close", () => resolve()).destroy();
    });
  }
  rmSync(file, { force: true });
}

async function toRequest(
  ctx: ReturnType<typeof createContext>,
  args: Args,
): Promise<ExportRequest> {
  let unitId: number | undefined;
  if (args.unit) {
    const unit = await ctx.directory.unitByCode(args.unit);
    if (!unit) {
      throw new AppError(
        "unknown_unit",
        `单位：没有代码为 ${args.unit} 的单位，请核对（如 city.housing）。`,
        422,
        "unitId",
      );
    }
    unitId = unit.id;
  }
  const table = matchTable(args.table)?.table;
  if (table === "receipt") {
    return { table: args.table, referralNumber: args.subject, unitId };
  }
  return table && isCampaignTable(table)
    ? { table: args.table, campaign: args.subject, unitId }
    : { table: args.table, period: args.subject, unitId };
}

process.exitCode = await main(process.argv.slice(2));
