/**
 * Instants and calendar dates. Instants are epoch milliseconds (UTC);
 * calendar dates are "YYYY-MM-DD" strings in Asia/Shanghai, which has had
 * no daylight saving since 1991, so a fixed +08:00 offset is exact and the
 * server's own time zone never matters.
 */

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type IsoDate = string;

/** Where "now" comes from. Tests and the simulator move it; nothing else. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until told to move. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(instant: number | string): void {
    this.current =
      typeof instant === "number" ? instant : parseInstant(instant);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that runs with real time but can be moved: the simulator's, so
 * a demo can jump to a deadline and watch the reminders.
 */
export class OffsetClock extends ManualClock {
  constructor(
    private offset = 0,
    private readonly onMove?: (offset: number) => void,
  ) {
    super(0);
  }

  override now(): number {
    return Date.now() + this.offset;
  }

  override set(instant: number | string): void {
    const target =
      typeof instant === "number" ? instant : parseInstant(instant);
    this.move(target - Date.now());
  }

  override advance(ms: number): void {
    this.move(this.offset + ms);
  }

  private move(offset: number): void {
    this.offset = offset;
    this.onMove?.(offset);
  }
}

/** Accepts "2026-09-29T09:00" (read as Shanghai time) or a full ISO form. */
export function parseInstant(text: string): number {
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text);
  const ms = Date.parse(local ? `${text}+08:00` : text);
  if (Number.isNaN(ms)) {
    throw new Error(`not an instant: ${text}`);
  }
  return ms;
}

export function isValidDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) {
    return false;
  }
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === text;
}

/** The Shanghai calendar date an instant falls on. */
export function dateOf(instant: number): IsoDate {
  return new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** "HH:MM" in Shanghai. */
export function timeOf(instant: number): string {
  return new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}

/** "2026-10-09 14:05" in Shanghai, for people to read. */
export function formatInstant(instant: number): string {
  return `${dateOf(instant)} ${timeOf(instant)}`;
}

/** 00:00 Shanghai of a date, as an instant. */
export function startOfDate(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** 24:00 Shanghai of a date (= 00:00 of the next day), as an instant. */
export function endOfDate(date: IsoDate): number {
  return startOfDate(date) + DAY_MS;
}

/** An instant at "HH:MM" Shanghai time on a date. */
export function atTime(date: IsoDate, hhmm: string): number {
  return Date.parse(`${date}T${hhmm}:00+08:00`);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: IsoDate): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week a date is in. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - weekdayOf(date));
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** "2026年10月9日" */
export function formatDateCn(date: IsoDate): string {
  const [y, m, d] = date.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

export { DAY_MS };
