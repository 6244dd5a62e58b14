/**
 * Runs one job once, by hand:
 *
 *   npm run job -- morning-reminder
 *   npm run job -- overdue-digest --at 2026-10-12T09:30
 *
 * The bot is built from the environment, as `npm start` builds it. With
 * `--at`, the job runs as if it were that Shanghai time (for catching up,
 * the simulator and tests); `--force` runs it even if this period's run is
 * done, which still sends nothing twice.
 */
import { pathToFileURL } from "node:url";
import { boot } from "../src/boot.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { toolClock } from "../src/local-state.js";
import { ManualClock, parseInstant, type Clock } from "../src/time.js";
import { isJobName, JOB_NAMES, runJob, type JobName } from "./registry.js";

const USAGE =
  `用法 / usage: npm run job -- <${JOB_NAMES.join("|")}> ` +
  "[--at 2026-10-12T09:00] [--force]";

interface Args {
  name: JobName;
  /** From --at; none means the tool's own clock. */
  clock?: Clock;
  force: boolean;
}

/** The arguments, or undefined when they are not understood. */
export function parseArgs(argv: string[]): Args | undefined {
  const [name, ...rest] = argv;
  if (!name || !isJobName(name)) {
    return undefined;
  }
  let clock: Clock | undefined;
  let force = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--force") {
      force = true;
    } else if (rest[i] === "--at" && rest[i + 1]) {
      try {
        clock = new ManualClock(parseInstant(rest[++i]));
      } catch {
        return undefined;
      }
    } else {
      return undefined;
    }
  }
  return { name, clock, force };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  // Without --at: the simulator's time in simulator mode, else real time.
  const bot = await boot(config, { clock: args.clock ?? toolClock(config) });
  try {
    const { summary } = await runJob(args.name, bot, { force: args.force });
    process.stdout.write(`${summary}\n`);
    return 0;
  } finally {
    await bot.close();
  }
}

// Imported by tests for parseArgs; runs only as the entry point.
const entry = process.argv[1] && pathToFileURL(process.argv[1]).href;
if (import.meta.url === entry) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
