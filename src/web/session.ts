/**
 * Who is using a page: a short signed cookie naming a person. The simulator
 * sign-in creates it today; WeCom and DingTalk OAuth will create the same
 * session after the platform vouched for the person, so nothing else in the
 * web layer knows how someone signed in.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "koa";
import { AppError, unknownPerson } from "../errors.js";
import type { Person } from "../units/directory.js";
import type { WebState } from "./state.js";

export const SESSION_COOKIE = "qx_session";

/** A working day's use; after that the link is opened again from the chat. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export class Sessions {
  private readonly key: Buffer;

  /**
   * Without a secret each process makes its own, and a restart signs
   * everybody out; `npm start` keeps the simulator's on disk instead.
   */
  constructor(secret: string | undefined) {
    this.key = secret ? Buffer.from(secret, "utf8") : randomBytes(32);
  }

  /** "<personId>.<expiresAt>.<signature>" */
  issue(personId: number, now: number): string {
    const payload = `${personId}.${now + SESSION_TTL_MS}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The person id of a valid, unexpired token; undefined otherwise. */
  verify(token: string, now: number): number | undefined {
    const match = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) {
      return undefined;
    }
    const [, id, expires, signature] = match;
    const expected = Buffer.from(this.sign(`${id}.${expires}`));
    const given = Buffer.from(signature);
    if (!timingSafeEqual(expected, given) || Number(expires) <= now) {
      return undefined;
    }
    return Number(id);
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}

// Sessions are about the browser, not the mechanism: they expire on the
// wall clock even when the simulator moves the bot's clock by weeks.
const wallClock = () => Date.now();

export function startSession(ctx: Context, personId: number): void {
  const state = ctx.state as WebState;
  ctx.cookies.set(SESSION_COOKIE, state.sessions.issue(personId, wallClock()), {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    // Over HTTPS the cookie never travels in clear; locally it must.
    secure: ctx.secure,
    maxAge: SESSION_TTL_MS,
    overwrite: true,
  });
}

export function endSession(ctx: Context): void {
  ctx.cookies.set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
  });
}

/** The person id the cookie names, if the cookie is genuine and fresh. */
export function sessionPersonId(ctx: Context): number | undefined {
  const token = ctx.cookies.get(SESSION_COOKIE);
  const state = ctx.state as WebState;
  return token ? state.sessions.verify(token, wallClock()) : undefined;
}

/** The signed-in person, or undefined when there is none (or no longer). */
export async function currentPerson(ctx: Context): Promise<Person | undefined> {
  const state = ctx.state as WebState;
  const id = sessionPersonId(ctx);
  return id === undefined ? undefined : state.bot.ctx.directory.person(id);
}

/**
 * The signed-in person, or an error saying how to sign in: no session at
 * all, or a session for someone the directory no longer knows.
 */
export async function requirePerson(ctx: Context): Promise<Person> {
  const state = ctx.state as WebState;
  const id = sessionPersonId(ctx);
  if (id === undefined) {
    throw notSignedIn();
  }
  const person = await state.bot.ctx.directory.person(id);
  if (!person) {
    throw unknownPerson();
  }
  return person;
}

export const notSignedIn = () =>
  new AppError(
    "not_signed_in",
    "无法确认您的身份，请从工作群或机器人消息中的卡片重新打开此链接。",
    401,
  );
