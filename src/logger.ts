import pino, { type Logger } from "pino";

/**
 * Keys whose values never reach the output: credentials, and the personal
 * data of complainants and workers (spec section 5).
 */
const REDACT = [
  "*.token",
  "*.secret",
  "*.password",
  "*.access_token",
  "*.accessToken",
  "*.sessionSecret",
  "*.phone",
  "*.contactPhone",
  "*.complainantName",
  "*.body",
  "headers.cookie",
  "headers.authorization",
];

export type { Logger };

export function createLogger(
  options: { level?: string; pretty?: boolean } = {},
): Logger {
  const level = options.level ?? "info";
  if (options.pretty) {
    return pino({
      level,
      redact: REDACT,
      transport: {
        target: "pino-pretty",
        options: { translateTime: "SYS:standard", ignore: "pid,hostname" },
      },
    });
  }
  return pino({ level, redact: REDACT });
}

/** Strips credentials from URLs before they are logged. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&](?:access_token|secret|corpsecret|appsecret|code|key)=)[^&]*/gi,
    "$1***",
  );
}

export const silentLogger: Logger = pino({ level: "silent" });
