/**
 * Units and people: who a platform user is, which unit they act for, and
 * who receives a unit's notices.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Store } from "../../db/index.js";
import type { Role } from "./kinds.js";

export type Unit = typeof import("../../db/schema.js").units.$inferSelect;

export interface Person {
  id: number;
  name: string;
  title: string | null;
  phone: string | null;
  unit: Unit;
  roles: ReadonlySet<Role>;
  demo: boolean;
}

export class Directory {
  constructor(private readonly store: Store) {}

  async unit(id: number): Promise<Unit | undefined> {
    const { units } = this.store.t;
    const [row] = await this.store.db
      .select()
      .from(units)
      .where(eq(units.id, id));
    return row;
  }

  async unitByCode(code: string): Promise<Unit | undefined> {
    const { units } = this.store.t;
    const [row] = await this.store.db
      .select()
      .from(units)
      .where(eq(units.code, code));
    return row;
  }

  async units(): Promise<Unit[]> {
    const { units } = this.store.t;
    return this.store.db
      .select()
      .from(units)
      .where(eq(units.active, true))
      .orderBy(asc(units.id));
  }

  async person(id: number): Promise<Person | undefined> {
    const { people } = this.store.t;
    const [row] = await this.store.db
      .select()
      .from(people)
      .where(and(eq(people.id, id), eq(people.active, true)));
    return row ? this.withUnitAndRoles(row) : undefined;
  }

  /** The person a platform vouches for, or undefined if nobody is bound. */
  async personByBinding(
    channel: string,
    externalId: string,
  ): Promise<Person | undefined> {
    const { personBindings } = this.store.t;
    const [binding] = await this.store.db
      .select()
      .from(personBindings)
      .where(
        and(
          eq(personBindings.channel, channel),
          eq(personBindings.externalId, externalId),
        ),
      );
    return binding ? this.person(binding.personId) : undefined;
  }

  /** Active people of a unit with one of the roles, e.g. its liaisons. */
  async peopleWithRole(unitId: number, roles: Role[]): Promise<Person[]> {
    const { people, personRoles } = this.store.t;
    const rows = await this.store.db
      .selectDistinct({ id: people.id })
      .from(people)
      .innerJoin(personRoles, eq(personRoles.personId, people.id))
      .where(
        and(
          eq(people.unitId, unitId),
          eq(people.active, true),
          inArray(personRoles.role, roles),
        ),
      )
      .orderBy(asc(people.id));
    const found = await Promise.all(rows.map((r) => this.person(r.id)));
    return found.filter((p): p is Person => p !== undefined);
  }

  /** People of the demo set, for the simulator's "who are you" list. */
  async demoPeople(): Promise<Person[]> {
    const { people } = this.store.t;
    const rows = await this.store.db
      .select()
      .from(people)
      .where(and(eq(people.demo, true), eq(people.active, true)))
      .orderBy(asc(people.id));
    return Promise.all(rows.map((r) => this.withUnitAndRoles(r)));
  }

  private async withUnitAndRoles(
    row: typeof import("../../db/schema.js").people.$inferSelect,
  ): Promise<Person> {
    const { personRoles } = this.store.t;
    const [unit, roles] = await Promise.all([
      this.unit(row.unitId),
      this.store.db
        .select({ role: personRoles.role })
        .from(personRoles)
        .where(eq(personRoles.personId, row.id)),
    ]);
    if (!unit) {
      throw new Error(`person ${row.id} belongs to missing unit ${row.unitId}`);
    }
    return {
      id: row.id,
      name: row.name,
      title: row.title,
      phone: row.phone,
      unit,
      roles: new Set(roles.map((r) => r.role as Role)),
      demo: row.demo,
    };
  }
}
