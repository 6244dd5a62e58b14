/** Instants for tests, written the way the spec writes them. */
import { ManualClock, parseInstant } from "../../src/time.js";

/** at("2026-09-29T09:00") → epoch ms of that Shanghai wall-clock time. */
export function at(shanghai: string): number {
  return parseInstant(shanghai);
}

/** A clock standing at a Shanghai time; tests move it, never sleep. */
export function clockAt(shanghai: string): ManualClock {
  return new ManualClock(at(shanghai));
}
