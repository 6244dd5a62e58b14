/**
 * What every workflow, job and route needs, built once at start-up (or per
 * test) and passed in: nothing reaches for globals.
 */
import type { Store } from "../db/index.js";
import type { Calendar } from "./calendar/calendar.js";
import { loadCalendar } from "./calendar/store.js";
import { ClockEngine } from "./clocks/engine.js";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { Outbox } from "./outbox/outbox.js";
import type { Clock } from "./time.js";
import { Directory } from "./units/directory.js";

const CALENDAR_TTL_MS = 30_000;

/** The calendar, reloaded from the database now and then or on demand. */
export class Calendars {
  private cached?: { calendar: Calendar; loadedAt: number };

  constructor(private readonly store: Store) {}

  async get(): Promise<Calendar> {
    const now = Date.now();
    if (!this.cached || now - this.cached.loadedAt > CALENDAR_TTL_MS) {
      this.cached = { calendar: await loadCalendar(this.store), loadedAt: now };
    }
    return this.cached.calendar;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

/** Addresses of the pages cards link to. */
export class Links {
  constructor(private readonly base: string) {}

  referral(id: number): string {
    return `${this.base}/referrals/${id}`;
  }

  referralForm(id: number, form: string): string {
    return `${this.base}/referrals/${id}/${form}`;
  }

  /** The page that exports the official tables. */
  exports(): string {
    return `${this.base}/exports`;
  }

  campaign(id: number): string {
    return `${this.base}/campaigns/${id}`;
  }

  /** Where a sending unit names its duty officers. */
  campaignOfficers(id: number): string {
    return `${this.base}/campaigns/${id}/officers`;
  }

  campaignDispatch(id: number, siteId: number, date: string): string {
    return `${this.base}/campaigns/${id}/sites/${siteId}/dispatch/${date}`;
  }

  campaignRoll(id: number, siteId: number, date: string): string {
    return `${this.base}/campaigns/${id}/sites/${siteId}/roll/${date}`;
  }

  project(id: number): string {
    return `${this.base}/projects/${id}`;
  }

  /** A clue HRSS recorded: its candidate matches are decided there. */
  projectClue(id: number): string {
    return `${this.base}/projects/clues/${id}`;
  }

  /** Where an industry authority reports a project, or uploads attachment 1. */
  projectReport(): string {
    return `${this.base}/projects/new`;
  }

  projectUpload(): string {
    return `${this.base}/projects/upload`;
  }

  projectList(): string {
    return `${this.base}/projects`;
  }

  projectClueForm(): string {
    return `${this.base}/projects/clues/new`;
  }
}

export interface AppContext {
  config: Config;
  store: Store;
  log: Logger;
  clock: Clock;
  calendars: Calendars;
  clocks: ClockEngine;
  outbox: Outbox;
  directory: Directory;
  links: Links;
}

export function createContext(parts: {
  config: Config;
  store: Store;
  log: Logger;
  clock: Clock;
}): AppContext {
  const { config, store, log } = parts;
  return {
    ...parts,
    calendars: new Calendars(store),
    clocks: new ClockEngine(store, log.child({ name: "clocks" })),
    outbox: new Outbox(
      store,
      log.child({ name: "outbox" }),
      config.officeHours,
    ),
    directory: new Directory(store),
    links: new Links(config.publicUrl),
  };
}
