import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { directReaderOf } from './direct-reader.js';

/**
 * A query whose shape never changes, built and compiled by Kysely once; each run only swaps
 * the argument values into the parameter list. For the per-request hot paths (the session
 * lookup behind every authenticated request): building and compiling through Kysely's
 * immutable nodes cost more CPU than running the query (bench: staff menu, portal GET /patient).
 *
 * Where the database has a direct reader (src/db/direct-reader.ts) the row is read through it.
 *
 * `build` is called once, with placeholders, so it must pass its arguments through as plain
 * values (no branching on them, no `in` lists, no sql.lit).
 */
export function precompiled<DB, Args extends (string | number)[], Row>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (...args: Args) => Promise<Row | undefined> {
  const placeholders = Array.from({ length: build.length - 1 }, (_, index) => `\u0000precompiled-argument-${index}`);
  const compiled = build(db, ...(placeholders as Args)).compile();
  const positions = compiled.parameters.map((value) => placeholders.indexOf(value as string));
  if (placeholders.some((placeholder) => !compiled.parameters.includes(placeholder))) {
    throw new Error('precompiled: every argument must reach the parameter list');
  }
  const direct = directReaderOf(db);
  return async (...args) => {
    const parameters = compiled.parameters.map((value, index) => (positions[index]! >= 0 ? args[positions[index]!] : value));
    if (direct) return direct.first<Row>(compiled.sql, parameters);
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows[0];
  };
}
