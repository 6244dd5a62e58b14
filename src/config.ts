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
  OFFICE_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "must look like 08:30-17:30")
    .default("08:30-17:30"),
  JOBS: boolish.default(true),
  OUTBOX_POLL_MS: z.coerce.number().int().min(200).default(3000),
  SCHEDULE_MORNING_REMINDER: z.string().default("0 9 * * *"),
  SCHEDULE_OVERDUE_DIGEST: z.string().default("30 9 * * *"),
  SCHEDULE_WEEKLY_SUMMARY: z.string().default("0 9 * * *"),
  WEEKLY_SUMMARY_WEEKDAY: z.coerce.number().int().min(1).max(7).default(1),
});

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
  officeHours: { start: string; end: string };
  jobs: boolean;
  outboxPollMs: number;
  schedules: {
    morningReminder: string;
    overdueDigest: string;
    weeklySummary: string;
  };
  weeklySummaryWeekday: number;
}>;

export class ConfigError extends Error {}

/**
 * Reads the configuration from the environment. The first problem found
 * becomes one line naming the variable, so an operator knows what to fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
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

  const realPlatform = false; // the WeCom and DingTalk channels add theirs here
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
    officeHours: { start, end },
    jobs: e.JOBS,
    outboxPollMs: e.OUTBOX_POLL_MS,
    schedules: {
      morningReminder: e.SCHEDULE_MORNING_REMINDER,
      overdueDigest: e.SCHEDULE_OVERDUE_DIGEST,
      weeklySummary: e.SCHEDULE_WEEKLY_SUMMARY,
    },
    weeklySummaryWeekday: e.WEEKLY_SUMMARY_WEEKDAY,
  });
}
