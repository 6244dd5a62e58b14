/**
 * How the fake DingTalk answers (dingtalk.md sections 3.1 and 5.3): the
 * new API with HTTP 4xx and `{code, message, requestid}`, the old API and
 * the robot webhooks with HTTP 200 and an errcode.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export type Json = Record<string, unknown>;

export type Answer = { status: number; body: Json | "" } | "reset";

/** What `failNext` makes a call answer. */
export type Failure =
  | "reset"
  | { status: number; code?: string; message?: string }
  | { errcode: number; errmsg?: string };

export function ok(body: Json): Answer {
  return { status: 200, body };
}

export function newError(
  status: number,
  code: string,
  message: string,
): Answer {
  return {
    status,
    body: { code, message, requestid: randomUUID().toUpperCase() },
  };
}

export function badParam(code: string, message: string): Answer {
  return newError(400, code, message);
}

export function oldError(errcode: number, errmsg: string): Answer {
  return ok({ errcode, errmsg });
}

export function failed(failure: Failure): Answer {
  if (failure === "reset") {
    return "reset";
  }
  if ("errcode" in failure) {
    return oldError(failure.errcode, failure.errmsg ?? "系统繁忙");
  }
  if (failure.code) {
    return newError(failure.status, failure.code, failure.message ?? "");
  }
  return { status: failure.status, body: "" };
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
