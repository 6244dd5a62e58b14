/**
 * How fast DingTalk gets its acks over Stream, and how fast the bot works
 * through what it stored: robot messages and card clicks sent by the fake
 * gateway to the real SDK. Not a test: it only prints.
 *
 *   npx tsx bench/dingtalk-stream.bench.ts [messages] [clicks]
 *   npx tsx bench/dingtalk-stream.bench.ts 500 25
 *
 * "ack" is what DingTalk waits for: a robot message is acked once stored
 * (DingTalk resends what is not acked), a card click once answered with
 * the card's new state (DingTalk waits 2 s at most). SQLite runs on a
 * file; MySQL/MariaDB too when MYSQL_URL is set.
 */
import type { Store } from "../db/index.js";
import { onEachEngine, percentile } from "./engines.js";
import { dt, startDingTalkWorld } from "../test/dingtalk/harness.js";

const MESSAGES = Number(process.argv[2] ?? 500);
const CLICKS = Number(process.argv[3] ?? 25);
const SENDERS = ["zhaol", "zhouq", "lihm", "sunl", "huangz", "wum"];

function report(label: string, times: number[], late: number, ms: number) {
  times.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(8)} ${String(times.length).padStart(5)}  ack ` +
      `p50 ${percentile(times, 0.5).toFixed(0)} ms, ` +
      `p99 ${percentile(times, 0.99).toFixed(0)} ms, ` +
      `max ${times[times.length - 1].toFixed(0)} ms; late ${late}; ` +
      `all handled in ${(ms / 1000).toFixed(2)} s`,
  );
}

async function run(name: string, store: Store) {
  const world = await startDingTalkWorld(store);
  try {
    await world.connected();
    // Robot messages, all at once, as a busy morning would send them.
    let started = performance.now();
    const acks = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) =>
        world.fake.robotMessage({
          text: "待办",
          senderStaffId: dt(SENDERS[i % SENDERS.length]),
          msgId: `msgBENCH${i}`,
        }),
      ),
    );
    await world.settle();
    report(
      "待办",
      acks.map((a) => a.afterMs),
      acks.filter((a) => a.late).length,
      performance.now() - started,
    );

    // Card clicks on distinct referrals, a few at a time.
    const tracks: string[] = [];
    for (let i = 0; i < CLICKS; i++) {
      const id = await world.refer(`第${i}号项目欠薪案`);
      // The outbox may still be working through the replies above.
      for (let pass = 0; ; pass++) {
        try {
          tracks.push(await world.cardOf("zhangw", `referral:${id}:unit:`));
          break;
        } catch (error) {
          if (pass > 50) {
            throw error;
          }
          await world.bot.deliverNow();
        }
      }
    }
    started = performance.now();
    const clicks = await Promise.all(
      tracks.map((outTrackId) =>
        world.fake.clickCard({
          outTrackId,
          userId: dt("zhangw"),
          params: { action: "referral.sign" },
        }),
      ),
    );
    await world.settle();
    report(
      "签收点击",
      clicks.map((a) => a.afterMs),
      clicks.filter((a) => a.late).length,
      performance.now() - started,
    );
    const answered = clicks.filter((a) =>
      JSON.stringify(a.response ?? {}).includes("办理中"),
    ).length;
    const mem = process.memoryUsage();
    console.log(
      `  ${name}: ${answered}/${clicks.length} clicks answered with the new ` +
        `state; rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ` +
        `${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    await world.close();
  }
}

async function main() {
  console.log(`DingTalk Stream: ${MESSAGES} messages, ${CLICKS} clicks`);
  await onEachEngine(run);
}

await main();
