/**
 * Keeps sends under WeCom's limits per recipient. Past 30 messages a
 * minute or 1000 an hour to one member WeCom drops the rest and still
 * answers "ok"; a group robot refuses past 20 a minute. So the bot counts
 * for itself and waits, a little under each limit.
 */
import { DeliveryDeferred } from "../../src/channels/types.js";

export interface Limit {
  windowMs: number;
  max: number;
}

export const PERSON_LIMITS: Limit[] = [
  { windowMs: 60_000, max: 25 },
  { windowMs: 3_600_000, max: 900 },
];

export const ROBOT_LIMITS: Limit[] = [{ windowMs: 60_000, max: 18 }];

export class Pacer {
  private readonly sent = new Map<string, number[]>();
  private readonly longest: number;

  constructor(
    private readonly limits: Limit[],
    private readonly now: () => number,
  ) {
    this.longest = Math.max(...limits.map((l) => l.windowMs));
  }

  /**
   * Takes `count` sends for `key`, or throws DeliveryDeferred saying how
   * long until there is room for all of them. Takes nothing when it throws.
   */
  take(key: string, count = 1): void {
    const now = this.now();
    const times = (this.sent.get(key) ?? []).filter(
      (t) => t > now - this.longest,
    );
    this.sent.set(key, times);
    let wait = 0;
    for (const { windowMs, max } of this.limits) {
      const inWindow = times.filter((t) => t > now - windowMs);
      const over = inWindow.length + count - max;
      if (count > max) {
        throw new RangeError(`cannot send ${count} at once within ${max}`);
      }
      if (over > 0) {
        // Room comes when the over-th oldest send leaves the window.
        wait = Math.max(wait, inWindow[over - 1] + windowMs - now + 1);
      }
    }
    if (wait > 0) {
      throw new DeliveryDeferred(
        "企业微信：此接收人的消息发送频率已到上限，稍后再发",
        wait,
      );
    }
    for (let i = 0; i < count; i++) {
      times.push(now);
    }
  }
}
