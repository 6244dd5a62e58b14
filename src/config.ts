import { existsSync } from "node:fs";
import { z } from "zod";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const boolish = z
  .enum(["true", "false", "1", "0", "on", "off"])
  .transform((v) => v === "true" || v === "1" || v === "on");

const envSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"])
    .default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  TRUST_PROXY: boolish.default(false),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|mysql:\/\/)/, "must start with sqlite: or mysql://")
    .default("sqlite:data/bot.db"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  LOG_PRETTY: boolish.optional(),
  SESSION_SECRET: z
    .string()
    .min(32, "must be at least 32 characters")
    .optional(),
  SIMULATOR: z.enum(["auto", "on", "off"]).default("auto"),
  SEED_FILE: z.string().default("db/seed/suining.json"),
  EXPORT_DIR: z.string().min(1).default("data/exports"),
  OFFICE_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "must look like 08:30-17:30")
    .default("08:30-17:30"),
  JOBS: boolish.default(true),
  OUTBOX_POLL_MS: z.coerce.number().int().min(200).default(3000),
  SCHEDULE_MORNING_REMINDER: z.string().default("0 9 * * *"),
  SCHEDULE_OVERDUE_DIGEST: z.string().default("30 9 * * *"),
  SCHEDULE_WEEKLY_SUMMARY: z.string().default("0 9 * * *"),
  SCHEDULE_CAMPAIGN_TICK: z.string().default("*/5 * * * *"),
  WEEKLY_SUMMARY_WEEKDAY: z.coerce.number().int().min(1).max(7).default(1),
  WECOM_CORP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be the corp ID from 我的企业")
    .optional(),
  WECOM_AGENT_ID: z
    .string()
    .regex(/^\d{1,10}$/, "must be the app's AgentId (digits)")
    .transform(Number)
    .optional(),
  WECOM_SECRET: z.string().min(1).optional(),
  WECOM_TOKEN: z
    .string()
    .regex(
      /^[A-Za-z0-9]{1,32}$/,
      "must be the callback Token (letters and digits)",
    )
    .optional(),
  WECOM_ENCODING_AES_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9]{43}$/,
      "must be the 43 letters and digits of EncodingAESKey",
    )
    .optional(),
  WECOM_API_BASE: z.url().default("https://qyapi.weixin.qq.com"),
  WECOM_OAUTH_BASE: z.url().default("https://open.weixin.qq.com"),
  WECOM_ROBOT_KEYS: z.string().optional(),
  WECOM_CARD_UPDATE_HOURS: z.coerce.number().min(1).max(72).default(72),
  DINGTALK_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be the app's Client ID (AppKey)")
    .optional(),
  DINGTALK_CLIENT_SECRET: z.string().min(1).optional(),
  DINGTALK_ROBOT_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be the robot's RobotCode")
    .optional(),
  DINGTALK_CARD_TEMPLATE_ID: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,128}$/,
      "must be a card template id like xxxx.schema",
    )
    .optional(),
  DINGTALK_CORP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be the organisation's CorpId")
    .optional(),
  DINGTALK_API_BASE: z.url().default("https://api.dingtalk.com"),
  DINGTALK_OAPI_BASE: z.url().default("https://oapi.dingtalk.com"),
  DINGTALK_GATEWAY_URL: z.url().optional(),
  DINGTALK_GROUPS: z.string().optional(),
  DINGTALK_UNIT_GROUPS: z.string().optional(),
  DINGTALK_MONTHLY_QUOTA: z.coerce.number().int().min(100).default(5000),
  DINGTALK_QPS: z.coerce.number().int().min(1).max(60).default(15),
});

const DINGTALK_VARS = [
  "DINGTALK_CLIENT_ID",
  "DINGTALK_CLIENT_SECRET",
  "DINGTALK_ROBOT_CODE",
  "DINGTALK_CARD_TEMPLATE_ID",
  "DINGTALK_CORP_ID",
] as const;

export interface DingTalkConfig {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  /** The notice card's template (see docs/dingtalk-cards.md). */
  cardTemplateId: string;
  corpId: string;
  apiBase: string;
  oapiBase: string;
  /** Where the Stream connection is opened. */
  gatewayUrl: string;
  /** Group code → the openConversationId of the DingTalk group. */
  groups: Readonly<Record<string, string>>;
  /** Unit code → the unit's own group, where its notices also go. */
  unitGroups: Readonly<Record<string, string>>;
  /** The organisation's monthly allowance of metered API calls. */
  monthlyQuota: number;
  /** Calls per second per API, under DingTalk's 20. */
  qps: number;
}

const WECOM_VARS = [
  "WECOM_CORP_ID",
  "WECOM_AGENT_ID",
  "WECOM_SECRET",
  "WECOM_TOKEN",
  "WECOM_ENCODING_AES_KEY",
] as const;

export interface WecomConfig {
  corpId: string;
  agentId: number;
  secret: string;
  token: string;
  encodingAesKey: string;
  apiBase: string;
  oauthBase: string;
  /** Group code → the key of the group robot that posts there. */
  robotKeys: Readonly<Record<string, string>>;
  /** How long a card's response code is used before a fresh card goes out. */
  cardUpdateWindowMs: number;
}

export type Config = Readonly<{
  env: "development" | "production" | "test";
  host: string;
  port: number;
  publicUrl: string;
  /** Behind a TLS-terminating proxy: trust its X-Forwarded-* headers. */
  trustProxy: boolean;
  databaseUrl: string;
  logLevel: string;
  logPretty: boolean;
  sessionSecret?: string;
  simulator: boolean;
  seedFile: string;
  /** Where exported tables wait to be fetched. */
  exportDir: string;
  officeHours: { start: string; end: string };
  jobs: boolean;
  outboxPollMs: number;
  schedules: {
    morningReminder: string;
    overdueDigest: string;
    weeklySummary: string;
    /** Reception campaigns' reminders: often, every day. */
    campaignTick: string;
  };
  weeklySummaryWeekday: number;
  wecom?: WecomConfig;
  dingtalk?: DingTalkConfig;
}>;

export class ConfigError extends Error {}

/**
 * Reads the configuration from the environment. The first problem found
 * becomes one line naming the variable, so an operator knows what to fix.
 */
export function loadConfig(env?: NodeJS.ProcessEnv): Config {
  if (env === undefined) {
    // Every entry point (the service, the jobs and the admin commands)
    // reads .env the same way; the environment wins over it.
    if (existsSync(".env")) {
      process.loadEnvFile(".env");
    }
    env = process.env;
  }
  // "NAME=" (a line of .env.example uncommented but not filled) is unset.
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== ""),
  );
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `configuration: ${issue.path.join(".")} ${issue.message}`,
    );
  }
  const e = parsed.data;

  const [start, end] = e.OFFICE_HOURS.split("-");
  if (!HHMM.test(start) || !HHMM.test(end) || start >= end) {
    throw new ConfigError(
      "configuration: OFFICE_HOURS must be a start and end time, like 08:30-17:30",
    );
  }

  const wecom = wecomConfig(e);
  const dingtalk = dingtalkConfig(e);
  const realPlatform = wecom !== undefined || dingtalk !== undefined;
  const simulator =
    e.SIMULATOR === "on" ||
    (e.SIMULATOR === "auto" && !realPlatform && e.NODE_ENV !== "production");
  if (e.SIMULATOR === "auto" && !realPlatform && !simulator) {
    // The simulator signs anyone in without a password: production gets it
    // only when asked for by name.
    throw new ConfigError(
      "configuration: no chat platform is configured; for a local trial " +
        "set SIMULATOR=on (never on a network others can reach)",
    );
  }
  if (realPlatform && !e.SESSION_SECRET) {
    throw new ConfigError(
      "configuration: SESSION_SECRET is required when a chat platform is configured",
    );
  }
  if (realPlatform && !e.PUBLIC_URL) {
    // Cards carry links and platforms call back: localhost reaches nobody.
    throw new ConfigError(
      "configuration: PUBLIC_URL is required when a chat platform is " +
        "configured (the address people and the platform reach this service at)",
    );
  }

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(
      /\/$/,
      "",
    ),
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? e.NODE_ENV === "development",
    sessionSecret: e.SESSION_SECRET,
    simulator,
    seedFile: e.SEED_FILE,
    exportDir: e.EXPORT_DIR,
    officeHours: { start, end },
    jobs: e.JOBS,
    outboxPollMs: e.OUTBOX_POLL_MS,
    schedules: {
      morningReminder: e.SCHEDULE_MORNING_REMINDER,
      overdueDigest: e.SCHEDULE_OVERDUE_DIGEST,
      weeklySummary: e.SCHEDULE_WEEKLY_SUMMARY,
      campaignTick: e.SCHEDULE_CAMPAIGN_TICK,
    },
    weeklySummaryWeekday: e.WEEKLY_SUMMARY_WEEKDAY,
    wecom,
    dingtalk,
  });
}

/** DingTalk runs when its five settings are set; some of them is a mistake. */
function dingtalkConfig(
  e: z.infer<typeof envSchema>,
): DingTalkConfig | undefined {
  const missing = DINGTALK_VARS.filter((name) => e[name] === undefined);
  if (missing.length === DINGTALK_VARS.length) {
    if (e.DINGTALK_GROUPS) {
      throw new ConfigError(
        "configuration: DINGTALK_GROUPS is set but DingTalk is not; set " +
          DINGTALK_VARS.join(", "),
      );
    }
    return undefined;
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `configuration: DingTalk is partly configured; also set ${missing.join(", ")}`,
    );
  }
  const apiBase = e.DINGTALK_API_BASE.replace(/\/$/, "");
  return Object.freeze({
    clientId: e.DINGTALK_CLIENT_ID!,
    clientSecret: e.DINGTALK_CLIENT_SECRET!,
    robotCode: e.DINGTALK_ROBOT_CODE!,
    cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID!,
    corpId: e.DINGTALK_CORP_ID!,
    apiBase,
    oapiBase: e.DINGTALK_OAPI_BASE.replace(/\/$/, ""),
    gatewayUrl:
      e.DINGTALK_GATEWAY_URL ?? `${apiBase}/v1.0/gateway/connections/open`,
    groups: groupPairs(
      "DINGTALK_GROUPS",
      e.DINGTALK_GROUPS ?? "",
      /^[A-Za-z0-9+/=_-]{4,128}$/,
      "mechanism=cidAbC123==",
    ),
    unitGroups: groupPairs(
      "DINGTALK_UNIT_GROUPS",
      e.DINGTALK_UNIT_GROUPS ?? "",
      /^[A-Za-z0-9+/=_-]{4,128}$/,
      "city.housing=cidAbC123==",
    ),
    monthlyQuota: e.DINGTALK_MONTHLY_QUOTA,
    qps: e.DINGTALK_QPS,
  });
}

/** WeCom runs when all five credentials are set; some of them is a mistake. */
function wecomConfig(e: z.infer<typeof envSchema>): WecomConfig | undefined {
  const missing = WECOM_VARS.filter((name) => e[name] === undefined);
  if (missing.length === WECOM_VARS.length) {
    if (e.WECOM_ROBOT_KEYS) {
      throw new ConfigError(
        "configuration: WECOM_ROBOT_KEYS is set but WeCom is not; set " +
          WECOM_VARS.join(", "),
      );
    }
    return undefined;
  }
  if (missing.length > 0) {
    throw new ConfigError(
      `configuration: WeCom is partly configured; also set ${missing.join(", ")}`,
    );
  }
  return Object.freeze({
    corpId: e.WECOM_CORP_ID!,
    agentId: e.WECOM_AGENT_ID!,
    secret: e.WECOM_SECRET!,
    token: e.WECOM_TOKEN!,
    encodingAesKey: e.WECOM_ENCODING_AES_KEY!,
    apiBase: e.WECOM_API_BASE.replace(/\/$/, ""),
    oauthBase: e.WECOM_OAUTH_BASE.replace(/\/$/, ""),
    robotKeys: groupPairs(
      "WECOM_ROBOT_KEYS",
      e.WECOM_ROBOT_KEYS ?? "",
      /^[A-Za-z0-9-]{8,128}$/,
      "mechanism=1a2b3c4d-…",
    ),
    cardUpdateWindowMs: e.WECOM_CARD_UPDATE_HOURS * 3_600_000,
  });
}

/**
 * "mechanism=VALUE,county=VALUE2": a value per group code (a robot key, a
 * conversation id). Values may be secrets: an error names the variable
 * and the expected shape, never the value.
 */
function groupPairs(
  name: string,
  value: string,
  valueShape: RegExp,
  example: string,
): Readonly<Record<string, string>> {
  const pairs: Record<string, string> = {};
  for (const pair of value.split(",").map((p) => p.trim())) {
    if (pair === "") {
      continue;
    }
    const at = pair.indexOf("=");
    const group = pair.slice(0, at);
    const item = pair.slice(at + 1);
    if (
      at < 1 ||
      !/^[A-Za-z0-9_.-]{1,64}$/.test(group) ||
      !valueShape.test(item) ||
      group in pairs
    ) {
      throw new ConfigError(
        `configuration: ${name} must be group=value pairs separated by ` +
          `commas, each group once, like ${example}`,
      );
    }
    pairs[group] = item;
  }
  return Object.freeze(pairs);
}
