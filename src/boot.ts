/**
 * Builds a running bot from a configuration: database (migrated), seed
 * data, context, channels and services. `main.ts` serves it; tests and the
 * job runner use it the same way, with their own clock.
 */
import { openStore, type Store } from "../db/index.js";
import { SimulatorChannel } from "../bots/simulator/channel.js";
import {
  dingtalkParts,
  dingtalkRuntime,
  type DingTalkRuntime,
} from "../bots/dingtalk/runtime.js";
import {
  wecomParts,
  wecomRuntime,
  type WecomRuntime,
} from "../bots/wecom/runtime.js";
import type { StreamOptions } from "../bots/dingtalk/stream.js";
import { bindGroups } from "./units/groups.js";
import { ActionHandler } from "./actions.js";
import { Attendance } from "./campaigns/attendance.js";
import { CampaignService } from "./campaigns/service.js";
import { CommandHandler } from "./commands.js";
import type { Config } from "./config.js";
import { createContext, type AppContext } from "./context.js";
import { createLogger, type Logger } from "./logger.js";
import { ProjectService } from "./projects/service.js";
import { ReferralService } from "./referrals/service.js";
import { addDays, dateOf, systemClock, type Clock } from "./time.js";
import { loadDemoPeople, loadUnits } from "./units/seed.js";

export const DEMO_PEOPLE_FILE = "db/seed/demo-people.json";

export interface Bot {
  ctx: AppContext;
  referrals: ReferralService;
  /** New projects: reports, site checks, clues and omissions. */
  projects: ProjectService;
  /** Reception campaigns: create, name officers, daily dispatch. */
  campaigns: CampaignService;
  /** Duty officers' check-in and check-out, and the day's roll. */
  attendance: Attendance;
  actions: ActionHandler;
  /** Text commands (帮助, 待办, 签收 …) from any platform. */
  commands: CommandHandler;
  /** Delivers what the outbox holds now (after an action, so cards change at once). */
  deliverNow(): Promise<void>;
  /** WeCom, when configured. */
  wecom?: WecomRuntime;
  /** DingTalk, when configured; `main` starts its Stream connection. */
  dingtalk?: DingTalkRuntime;
  close(): Promise<void>;
}

export async function boot(
  config: Config,
  options: {
    clock?: Clock;
    log?: Logger;
    store?: Store;
    /** Stream knobs (tests shorten the watchdog and back-off). */
    stream?: Partial<StreamOptions>;
  } = {},
): Promise<Bot> {
  const log =
    options.log ??
    createLogger({ level: config.logLevel, pretty: config.logPretty });
  const store = options.store ?? (await openStore(config.databaseUrl));
  const units = await loadUnits(store, config.seedFile);
  log.info({ units }, "member units loaded");
  if (config.simulator) {
    const people = await loadDemoPeople(store, DEMO_PEOPLE_FILE);
    log.info({ people }, "simulator: demo people loaded");
  }

  const ctx = createContext({
    config,
    store,
    log,
    clock: options.clock ?? systemClock,
  });
  if (config.simulator) {
    ctx.outbox.register(new SimulatorChannel(store, ctx.clock));
  }
  const wecom = config.wecom ? wecomParts(ctx, config.wecom) : undefined;
  if (wecom && config.wecom) {
    ctx.outbox.register(wecom.channel);
    const codes = Object.keys(config.wecom.robotKeys);
    warnUnknownGroups(
      log,
      "WECOM_ROBOT_KEYS",
      await bindGroups(store, "wecom", codes),
    );
  }
  const dingtalk = config.dingtalk
    ? dingtalkParts(ctx, config.dingtalk)
    : undefined;
  if (dingtalk && config.dingtalk) {
    ctx.outbox.register(dingtalk.channel);
    const codes = Object.keys(config.dingtalk.groups);
    warnUnknownGroups(
      log,
      "DINGTALK_GROUPS",
      await bindGroups(store, "dingtalk", codes),
    );
  }
  await warnAboutCalendar(ctx);
  const referrals = new ReferralService(ctx);
  const actions = new ActionHandler(ctx, referrals);
  const projects = new ProjectService(ctx);
  const campaigns = new CampaignService(ctx);
  const attendance = new Attendance(ctx);
  const commands = new CommandHandler(ctx, referrals, attendance);

  // Delivery passes run one after another. A caller waits for a pass that
  // starts after its call, so what it just queued is part of it.
  let passes: Promise<unknown> = Promise.resolve();
  const deliverNow = async () => {
    const pass = passes.then(() => ctx.outbox.deliverDue(ctx.clock.now()));
    passes = pass.catch(() => undefined);
    await pass;
  };

  const bot: Bot = {
    ctx,
    referrals,
    projects,
    campaigns,
    attendance,
    actions,
    commands,
    deliverNow,
    close: () => store.close(),
  };
  if (wecom && config.wecom) {
    bot.wecom = wecomRuntime(bot, config.wecom, wecom);
  }
  if (dingtalk && config.dingtalk) {
    bot.dingtalk = dingtalkRuntime(
      bot,
      config.dingtalk,
      dingtalk,
      options.stream,
    );
  }
  return bot;
}

function warnUnknownGroups(log: Logger, setting: string, unknown: string[]) {
  if (unknown.length > 0) {
    log.warn(
      { code: "group_unknown", setting, groups: unknown },
      `${setting} names groups the seed file does not have`,
    );
  }
}

/**
 * Deadlines of up to 30 working days reach about two months ahead: say
 * loudly when the calendar has no schedule that far.
 */
async function warnAboutCalendar(ctx: AppContext): Promise<void> {
  const cal = await ctx.calendars.get();
  const horizon = addDays(dateOf(ctx.clock.now()), 60);
  if (!cal.hasData(horizon)) {
    ctx.log.warn(
      { code: "calendar_data_missing", year: horizon.slice(0, 4) },
      `CALENDAR DATA MISSING for ${horizon.slice(0, 4)}: deadlines that ` +
        "cross into it are provisional (statutory holidays and weekends, no " +
        "bridging or make-up days) until the State " +
        "Council's schedule is loaded with `npm run calendar -- load FILE`",
    );
  }
}
