import type { Db, Store } from "../db/index.js";

export type ChannelName = "sim" | "wecom" | "dingtalk" | "web" | "job" | "cli";

/** Who did something, and through which channel. */
export interface Actor {
  personId: number | null;
  name: string;
  channel: ChannelName;
}

export const systemActor = (channel: ChannelName = "job"): Actor => ({
  personId: null,
  name: "system",
  channel,
});

/**
 * Appends an entry to the audit trail, inside the caller's transaction so
 * that the entry and the change land together. Entries are never edited.
 */
export async function audit(
  store: Store,
  q: Db,
  entry: {
    actor: Actor;
    at: number;
    subjectType: string;
    subjectId: number;
    action: string;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await q.insert(store.t.auditLog).values({
    at: entry.at,
    actorId: entry.actor.personId,
    actorName: entry.actor.name,
    channel: entry.actor.channel,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    action: entry.action,
    detail: JSON.stringify(entry.detail ?? {}),
  });
}
