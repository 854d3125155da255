import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { StaffPrincipal } from './principals.js';

/**
 * Which patients a caller may see. Every repository query that returns patient data takes
 * one, so there is no unscoped path by accident.
 */
export type PatientScope = { kind: 'all' } | { kind: 'own'; authorId: number };

export function scopeOf(staff: StaffPrincipal): PatientScope {
  if (staff.permissions.has('patients:view_all')) return { kind: 'all' };
  if (staff.permissions.has('patients:view_own')) return { kind: 'own', authorId: staff.id };
  throw new AppError('permission_denied');
}

/**
 * A patient record that is not in the recycle bin: the one spelling of "live" every query uses.
 * Any table alias works (`livePatient(eb, 'p')`); the default is the patients table itself.
 */
export function livePatient<DB, TB extends keyof DB & string>(
  eb: ExpressionBuilder<DB, TB>,
  alias = 'patients',
): Expression<SqlBool> {
  return eb(`${alias}.deleted_at` as never, 'is', null);
}

/** A record in the recycle bin (deleted, restorable until purged). */
export function inRecycleBin<DB, TB extends keyof DB & string>(
  eb: ExpressionBuilder<DB, TB>,
  alias = 'patients',
): Expression<SqlBool> {
  return eb(`${alias}.deleted_at` as never, 'is not', null);
}

/** Live patients within the caller's scope, on the patients table. */
export function scopeCondition(eb: ExpressionBuilder<Database, 'patients'>, scope: PatientScope): Expression<SqlBool> {
  const live = livePatient(eb);
  return scope.kind === 'all' ? live : eb.and([live, eb('patients.author_id', '=', scope.authorId)]);
}

export const canSeeFullPhone = (staff: StaffPrincipal): boolean => staff.permissions.has('patients:view_full_phone');

/**
 * What of a tel a caller may search by: 'full', any part of it; 'masked', only what the list
 * shows (138****5678) or a whole number typed in one piece, a counted lookup (phone-lookups.ts).
 * Repositories take 'masked' when not told: a forgotten argument narrows a search, never leaks.
 */
export type PhoneVisibility = 'full' | 'masked';

export const phoneVisibilityOf = (staff: StaffPrincipal): PhoneVisibility =>
  canSeeFullPhone(staff) ? 'full' : 'masked';
