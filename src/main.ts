/**
 * Starts the bot: configuration, database, web server, scheduled jobs.
 * `npm start` runs this file.
 */
import { startScheduler } from "../jobs/scheduler.js";
import { watchCardTemplate } from "../bots/dingtalk/runtime.js";
import { boot } from "./boot.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import {
  localStateDir,
  simulatorClock,
  simulatorSessionSecret,
} from "./local-state.js";
import { systemClock, type Clock } from "./time.js";
import { createWebApp } from "./web/app.js";

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  let config = readConfig();
  const log = createLogger({
    level: config.logLevel,
    pretty: config.logPretty,
  });
  // Only the simulator may move time; real platforms run on the real clock.
  let clock: Clock = systemClock;
  if (config.simulator) {
    const dir = localStateDir(config);
    clock = simulatorClock(dir);
    config = Object.freeze({
      ...config,
      sessionSecret: config.sessionSecret ?? simulatorSessionSecret(dir),
    });
  }
  const bot = await boot(config, { clock, log });

  const server = createWebApp(bot).listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const scheduler = config.jobs ? startScheduler(bot) : undefined;
  // Pushes are handled whether or not the jobs run here.
  const stopInbox = bot.wecom?.inbox.poll(config.outboxPollMs);
  const stopDingTalkInbox = bot.dingtalk?.inbox.queue.poll(config.outboxPollMs);
  bot.dingtalk?.stream.start();
  const stopTemplateCheck = bot.dingtalk && watchCardTemplate(bot.dingtalk);

  const where = config.simulator
    ? `模拟器：${config.publicUrl}/sim`
    : `回调与表单服务：${config.publicUrl}`;
  log.info({ port: config.port }, `欠薪联动助手已启动。${where}`);

  const stop = async (signal: string) => {
    log.info({ signal }, "shutting down");
    scheduler?.stop();
    stopInbox?.();
    stopDingTalkInbox?.();
    stopTemplateCheck?.();
    await bot.dingtalk?.stream.stop();
    server.close();
    await bot.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(
    "failed to start:",
    error instanceof Error ? error.message : error,
  );
  process.exit(1);
});
