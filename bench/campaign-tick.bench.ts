/**
 * How long one run of campaign-tick takes on a city-wide campaign (every
 * HRSS a site, 70 sending units, 10 days, 693 duty shifts) at the minutes
 * where it sends most: the nomination chase, duty notices, dispatch cards,
 * late reminders, unit messages, the summary. Not a test: it only prints.
 *
 *   npx tsx bench/campaign-tick.bench.ts
 *
 * SQLite on a file; MySQL/MariaDB too when MYSQL_URL is set.
 */
import { runJob } from "../jobs/registry.js";
import { boot } from "../src/boot.js";
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { ManualClock, parseInstant } from "../src/time.js";
import { largeCampaign } from "../test/campaigns/large-campaign.js";
import { onEachEngine } from "./engines.js";

const MINUTES = [
  "2026-09-28T18:00",
  "2026-10-01T08:00",
  "2026-10-01T09:00",
  "2026-10-01T09:15",
  "2026-10-01T09:30",
  "2026-10-01T17:00",
  "2026-10-01T18:00",
];

await onEachEngine(async (_name, store) => {
  const clock = new ManualClock(parseInstant("2026-09-25T10:00"));
  const config = loadConfig({ SIMULATOR: "on", JOBS: "false" });
  const bot = await boot(config, { clock, log: silentLogger, store });
  const started = performance.now();
  await largeCampaign(bot, clock);
  console.log(`  setup ${(performance.now() - started).toFixed(0)} ms`);
  for (const minute of MINUTES) {
    clock.set(parseInstant(minute));
    const first = performance.now();
    const run = await runJob("campaign-tick", bot);
    const ms = performance.now() - first;
    const again = performance.now();
    await runJob("campaign-tick", bot);
    const idleMs = performance.now() - again;
    console.log(
      `  ${minute}  ${ms.toFixed(0)} ms, ${run.counts.queued} queued; ` +
        `again ${idleMs.toFixed(0)} ms`,
    );
  }
  console.log(`  rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
});
