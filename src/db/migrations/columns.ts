import type { CreateTableBuilder } from 'kysely';
import type { DialectName } from '../database.js';

/**
 * The few DDL spellings that differ between SQLite and PostgreSQL, so that every
 * migration is written once for both dialects.
 */
export function withIdColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: DialectName,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'integer', (column) => column.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
}
