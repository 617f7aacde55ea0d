/** One schema step. Versions are applied in ascending order and recorded in `schema_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations not yet applied, in order; throws when the list itself is out of order. */
export function pendingMigrations(all: readonly Migration[], applied: ReadonlySet<number>): Migration[] {
  all.forEach((m, i) => {
    if (i > 0 && m.version <= all[i - 1].version) {
      throw new Error(`Migration ${m.version} (${m.name}) is out of order: versions must strictly increase`);
    }
  });
  return all.filter((m) => !applied.has(m.version));
}
