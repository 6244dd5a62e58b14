/**
 * Which chat groups a platform reaches. A real platform posts to a group
 * through something configured per group (a WeCom robot key, a DingTalk
 * conversation id), so a group is bound to the platform exactly when its
 * code is configured there; the binding's external id is the code.
 */
import { and, eq, notInArray } from "drizzle-orm";
import type { Store } from "../../db/index.js";

/** Binds the configured groups, unbinds the rest; returns unknown codes. */
export async function bindGroups(
  store: Store,
  channel: string,
  codes: string[],
): Promise<string[]> {
  const { chatGroups, groupBindings } = store.t;
  const groups = await store.db.select().from(chatGroups);
  const unknown = codes.filter((c) => !groups.some((g) => g.code === c));
  const bound = groups.filter((g) => codes.includes(g.code));
  await store.tx(async (q) => {
    await q.delete(groupBindings).where(
      and(
        eq(groupBindings.channel, channel),
        bound.length
          ? notInArray(
              groupBindings.groupId,
              bound.map((g) => g.id),
            )
          : undefined,
      ),
    );
    for (const group of bound) {
      await store.insertIfAbsent(q, groupBindings, {
        groupId: group.id,
        channel,
        externalId: group.code,
      });
    }
  });
  return unknown;
}
