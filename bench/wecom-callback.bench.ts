/**
 * How fast WeCom gets its answer, and how fast the bot works through what
 * it stored: encrypted pushes POSTed to /wecom/callback by concurrent
 * senders, against the fake WeCom server. Not a test: it only prints.
 *
 *   npx tsx bench/wecom-callback.bench.ts [pushes] [concurrency]
 *   npx tsx bench/wecom-callback.bench.ts 1000 20
 *
 * Two kinds of push: typed "待办" (a query and a reply) and 签收 clicks on
 * distinct referrals (a workflow transaction, card updates). The answer
 * time is what WeCom waits for (it gives up at 5 s); "handled" is until
 * every push is done and every resulting message delivered. SQLite runs
 * on a file; MySQL/MariaDB too when MYSQL_URL is set.
 */
import type { Store } from "../db/index.js";
import { onEachEngine, percentile } from "./engines.js";
import { unitId, sourceCase } from "../test/helpers/bot.js";
import { startWecomWorld, wx, type WecomWorld } from "../test/wecom/harness.js";

const PUSHES = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 20);
/** Who types commands: not the housing liaisons, whose notices come next. */
const USERS = ["zhaol", "zhouq", "lihm", "sunl", "huangz", "wum"];

async function pushAll(world: WecomWorld, bodies: string[]) {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const result = await world.push(body);
        if (result.status !== 200) {
          throw new Error(`push answered ${result.status}`);
        }
        times.push(result.ms);
      }
    }),
  );
  const answered = performance.now() - started;
  await world.settle();
  const handled = performance.now() - started;
  times.sort((a, b) => a - b);
  return { times, answered, handled };
}

function report(label: string, r: Awaited<ReturnType<typeof pushAll>>) {
  const n = r.times.length;
  console.log(
    `  ${label.padEnd(10)} ${String(n).padStart(5)} pushes  answer ` +
      `p50 ${percentile(r.times, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(r.times, 0.99).toFixed(1)} ms, ` +
      `max ${r.times[n - 1].toFixed(1)} ms; ` +
      `all answered in ${(r.answered / 1000).toFixed(2)} s ` +
      `(${Math.round((n / r.answered) * 1000)}/s), ` +
      `all handled in ${(r.handled / 1000).toFixed(2)} s`,
  );
}

async function run(name: string, store: Store) {
  const world = await startWecomWorld(store, {
    users: [...USERS, "zhangw", "chenj", "wangjg", "admin"].map(wx),
  });
  try {
    // Text commands: the cheapest push with a reply. Replies past WeCom's
    // pace for one member wait in the outbox, as they would in production.
    const texts = Array.from({ length: PUSHES }, (_, i) =>
      world.text(wx(USERS[i % USERS.length]), "待办"),
    );
    report("待办", await pushAll(world, texts));

    // Sign clicks on referrals to the city housing bureau, by both its
    // liaisons: the first click on each signs, the second is told it was
    // signed already. 25 referrals: WeCom takes 30 messages a minute per
    // member, and the channel keeps under that.
    const clicks = 25;
    const person = await world.bot.ctx.directory.personByBinding(
      "wecom",
      wx("wangjg"),
    );
    const housing = await unitId(world.bot, "city.housing");
    for (let i = 0; i < clicks; i++) {
      await world.bot.referrals.create(
        { person: person!, channel: "web" },
        sourceCase(housing, {
          caseName: `第${i}号项目欠薪案`,
          referralDate: "2026-10-09",
          foundDate: "2026-10-08",
        }),
      );
    }
    // Deliver the notices (several passes: a pass takes 50 messages).
    for (let round = 0; round < 100; round++) {
      await world.bot.deliverNow();
      const cards = Math.min(
        world.cards(wx("zhangw")).length,
        world.cards(wx("chenj")).length,
      );
      if (cards >= clicks) {
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const bodies = ["zhangw", "chenj"].flatMap((who) =>
      world
        .cards(wx(who))
        .map((c) =>
          world.click(wx(who), String(c.body.task_id), "referral.sign"),
        ),
    );
    report("签收点击", await pushAll(world, bodies));
    const mem = process.memoryUsage();
    console.log(
      `  ${name}: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap ` +
        `${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    await world.close();
  }
}

async function main() {
  console.log(
    `WeCom callbacks: ${PUSHES} pushes, ${CONCURRENCY} concurrent senders`,
  );
  await onEachEngine(run);
}

await main();
