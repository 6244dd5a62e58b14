/**
 * Loads the editable seed data: the city's member units and groups on every
 * start, and the demo people in simulator mode only. Units are matched by
 * code, so editing the file and restarting updates them in place.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Store } from "../../db/index.js";
import { ROLES } from "./kinds.js";

const unitSchema = z.object({
  code: z.string().min(1).max(64),
  name: z.string().min(1).max(128),
  shortName: z.string().min(1).max(64),
  region: z.string().min(1).max(32),
  regionName: z.string().min(1).max(64),
  level: z.enum(["city", "county", "park"]),
  kind: z.string().min(1).max(32),
  docPrefix: z.string().min(1).max(32).optional(),
});

const seedSchema = z.object({
  groups: z.array(z.object({ code: z.string(), name: z.string() })),
  units: z.array(unitSchema).min(1),
});

const demoSchema = z.object({
  people: z.array(
    z.object({
      key: z.string().min(1),
      name: z.string().min(1),
      title: z.string(),
      phone: z.string(),
      unit: z.string(),
      roles: z.array(z.enum(ROLES)),
    }),
  ),
});

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `seed file ${file}: ${issue.path.join(".")} ${issue.message}`,
    );
  }
  return parsed.data;
}

export async function loadUnits(store: Store, file: string): Promise<number> {
  const seed = readJson(file, seedSchema);
  const { units, chatGroups, groupBindings } = store.t;
  await store.tx(async (q) => {
    for (const unit of seed.units) {
      const row = { ...unit, docPrefix: unit.docPrefix ?? null, active: true };
      const inserted = await store.insertIfAbsent(q, units, row);
      if (!inserted) {
        await q.update(units).set(row).where(eq(units.code, unit.code));
      }
    }
    for (const group of seed.groups) {
      const inserted = await store.insertIfAbsent(q, chatGroups, group);
      if (!inserted) {
        await q
          .update(chatGroups)
          .set(group)
          .where(eq(chatGroups.code, group.code));
      }
      const [row] = await q
        .select()
        .from(chatGroups)
        .where(eq(chatGroups.code, group.code));
      // In the simulator every group exists; real platforms bind groups by hand.
      await store.insertIfAbsent(q, groupBindings, {
        groupId: row.id,
        channel: "sim",
        externalId: `group-${group.code}`,
      });
    }
  });
  return seed.units.length;
}

/** Demo people for the simulator, bound to it as "demo-<key>". */
export async function loadDemoPeople(
  store: Store,
  file: string,
): Promise<number> {
  const demo = readJson(file, demoSchema);
  const { units, people, personRoles, personBindings } = store.t;
  await store.tx(async (q) => {
    for (const p of demo.people) {
      const externalId = `demo-${p.key}`;
      const [bound] = await q
        .select()
        .from(personBindings)
        .where(eq(personBindings.externalId, externalId));
      if (bound) {
        continue;
      }
      const [unit] = await q.select().from(units).where(eq(units.code, p.unit));
      if (!unit) {
        throw new Error(`demo person ${p.key}: unknown unit ${p.unit}`);
      }
      const personId = await store.insert(q, people, {
        unitId: unit.id,
        name: p.name,
        title: p.title,
        phone: p.phone,
        demo: true,
        active: true,
      });
      for (const role of p.roles) {
        await q.insert(personRoles).values({ personId, role });
      }
      await q
        .insert(personBindings)
        .values({ personId, channel: "sim", externalId });
    }
  });
  return demo.people.length;
}
