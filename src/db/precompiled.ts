import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { directReaderOf } from './direct-reader.js';

/**
 * A statement of fixed shape, built and compiled by Kysely once from marker values: each run only
 * fills its parameter list (slot i of the list takes argument number slots[i], or keeps the
 * compiled constant where slots[i] is -1). Building and compiling through Kysely's immutable nodes
 * costs more CPU than running a short query (the session lookup behind every request), and most of
 * an import's garbage came from query nodes built for 10,000 values per batch.
 *
 * `build` is called once, with markers, so it must pass its arguments through as plain values (no
 * branching on them, no `in` lists of their length, no sql.lit).
 */
export interface CompiledShape {
  sql: string;
  slots: readonly number[];
  /** The compiled parameter list: the constants where a slot is -1. */
  constants: readonly unknown[];
}

export function compileShape(count: number, build: (markers: string[]) => Compilable<unknown>): CompiledShape {
  const markers = Array.from({ length: count }, (_, index) => `\u0000precompiled-argument-${index}`);
  const compiled = build(markers).compile();
  const slotOf = new Map(markers.map((marker, index) => [marker, index]));
  const slots = compiled.parameters.map((value) => (typeof value === 'string' ? (slotOf.get(value) ?? -1) : -1));
  if (markers.some((_, index) => !slots.includes(index)))
    throw new Error('precompiled: every argument must reach the parameter list');
  return { sql: compiled.sql, slots, constants: compiled.parameters };
}

/** The parameter list of one run: the arguments in their slots, the compiled constants elsewhere. */
export function bindShape(shape: CompiledShape, argumentAt: (index: number) => unknown): unknown[] {
  return shape.slots.map((slot, index) => (slot >= 0 ? argumentAt(slot) : shape.constants[index]));
}

/**
 * A query of fixed shape for the per-request hot paths, compiled once; where the database has a
 * direct reader (src/db/direct-reader.ts) the row is read through it.
 */
export function precompiled<DB, Args extends (string | number)[], Row>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (...args: Args) => Promise<Row | undefined> {
  const shape = compileShape(build.length - 1, (markers) => build(db, ...(markers as Args)));
  const direct = directReaderOf(db);
  return async (...args) => {
    const parameters = bindShape(shape, (index) => args[index]);
    if (direct) return direct.first<Row>(shape.sql, parameters);
    const result = await db.executeQuery<Row>(CompiledQuery.raw(shape.sql, parameters));
    return result.rows[0];
  };
}
