/**
 * Delivery of the outbox: sends what is due, in passes of the outbox's
 * batch size, until a pass finds nothing left. Claims in the outbox make
 * it safe in several processes at once, so it takes no run lock. It has
 * no cron schedule: the delivery loop polls it every OUTBOX_POLL_MS.
 */
import type { Bot } from "../src/boot.js";
import type { JobResult, JobRun } from "./job.js";

/** Passes per run at most, so that one run ends even under a flood. */
const MAX_PASSES = 20;

export async function run(r: JobRun): Promise<JobResult> {
  const { sent, failed, passes } = await deliverAll(r.bot, r.now);
  return {
    summary: `${sent} messages delivered, ${failed} failed`,
    counts: { sent, failed, passes },
  };
}

async function deliverAll(bot: Bot, now: number) {
  let sent = 0;
  let failed = 0;
  let passes = 0;
  while (passes < MAX_PASSES) {
    passes++;
    const pass = await bot.ctx.outbox.deliverDue(now);
    sent += pass.sent;
    failed += pass.failed;
    if (pass.sent + pass.failed === 0) {
      break;
    }
  }
  return { sent, failed, passes };
}

/**
 * Polls the outbox every `config.outboxPollMs` with the bot's clock. A
 * failed pass is logged and the loop goes on.
 */
export function startDeliveryLoop(bot: Bot): { stop(): void } {
  const log = bot.ctx.log.child({ name: "job", job: "deliver" });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = async () => {
    try {
      const { sent, failed } = await deliverAll(bot, bot.ctx.clock.now());
      if (sent + failed > 0) {
        log.debug({ sent, failed }, "outbox delivered");
      }
    } catch (error) {
      log.error({ err: error }, "delivery pass failed");
    }
    if (!stopped) {
      timer = setTimeout(tick, bot.ctx.config.outboxPollMs);
      timer.unref();
    }
  };
  timer = setTimeout(tick, bot.ctx.config.outboxPollMs);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
