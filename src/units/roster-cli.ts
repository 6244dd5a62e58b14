/**
 * Administrator's people roster tool:
 *   npm run people -- load FILE [--dry-run] [--yes]  check a roster CSV and load it
 *   npm run people -- template               print an example roster
 */
import { readFileSync } from "node:fs";
import { openStore } from "../../db/index.js";
import { systemActor } from "../audit.js";
import { ConfigError, loadConfig } from "../config.js";
import {
  loadRoster,
  RosterError,
  rosterTemplate,
  TEMPLATE_PHONES,
  type RosterSummary,
} from "./roster.js";

const USAGE =
  "用法 usage: npm run people -- load FILE [--dry-run] [--yes] | template";

/** More people than this stopped at once asks for --yes. */
const MANY = 3;

const ACTION_LABEL = { create: "新增", update: "更新", deactivate: "停用" };

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "template" && rest.length === 0) {
    // Excel opens a file without the mark as GBK: give it one when the
    // output goes to a file, not to the terminal.
    const bom = process.stdout.isTTY ? "" : "\uFEFF";
    process.stdout.write(bom + rosterTemplate());
    return 0;
  }
  const files = rest.filter((a) => a !== "--dry-run" && a !== "--yes");
  if (command === "load" && files.length === 1 && !files[0].startsWith("-")) {
    return load(files[0], rest.includes("--dry-run"), rest.includes("--yes"));
  }
  console.error(USAGE);
  return 2;
}

async function load(
  file: string,
  dryRun: boolean,
  sure: boolean,
): Promise<number> {
  let input: Buffer;
  try {
    input = readFileSync(file);
  } catch {
    console.error(`读不到文件 ${file}，请核对路径。`);
    return 1;
  }
  const text = input.toString("utf8");
  const example = TEMPLATE_PHONES.find((phone) => text.includes(phone));
  if (example) {
    console.error(
      `名单中还有模板里的示例人员（手机 ${example}），请删除示例行、填入真实人员后再载入。`,
    );
    return 1;
  }
  const url = databaseUrl();
  if (!url) {
    return 1;
  }

  const store = await openStore(url);
  try {
    const options = { actor: systemActor("cli"), now: Date.now() };
    // Look before writing: stopping many people at once is most often a
    // partial file, and is done only when asked for by --yes.
    const planned = await loadRoster(store, input, {
      ...options,
      dryRun: true,
    });
    const kept = planned.created + planned.updated + planned.unchanged;
    if (
      !dryRun &&
      !sure &&
      planned.deactivated > MANY &&
      planned.deactivated > kept
    ) {
      report(planned, true);
      console.error(
        `这份名单会停用 ${planned.deactivated} 人，多于保留的 ${kept} 人，` +
          "可能是名单不完整。确认无误请加 --yes 重新执行。",
      );
      return 1;
    }
    if (dryRun) {
      report(planned, true);
      return 0;
    }
    const summary = await loadRoster(store, input, options);
    report(summary, false);
    console.log("已写入数据库。");
    return 0;
  } catch (error) {
    if (error instanceof RosterError) {
      console.error(error.userMessage);
      for (const issue of error.issues) {
        console.error(`  ${issue.message}（${issue.code}）`);
      }
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** The bot's own database; undefined, with the reason printed, if unset. */
function databaseUrl(): string | undefined {
  try {
    return loadConfig().databaseUrl;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return undefined;
    }
    throw error;
  }
}

function report(summary: RosterSummary, dryRun: boolean): void {
  const { created, updated, deactivated, unchanged } = summary;
  const total = created + updated + unchanged;
  console.log(
    `名单共 ${total} 人：新增 ${created} 人，更新 ${updated} 人，` +
      `停用 ${deactivated} 人，无变化 ${unchanged} 人。`,
  );
  for (const change of summary.changes) {
    const line = change.line === null ? "" : `第 ${change.line} 行 `;
    const who = `${change.name}（${change.unitCode}）`;
    const fields = change.fields.length ? `：${change.fields.join("、")}` : "";
    console.log(`  ${ACTION_LABEL[change.action]} ${line}${who}${fields}`);
  }
  if (dryRun) {
    console.log("试运行：以上变化没有写入数据库；去掉 --dry-run 即可载入。");
  }
}

process.exitCode = await main(process.argv.slice(2));
