import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { AppError } from '../http/errors.js';
import type { StaffPrincipal } from './principals.js';

/**
 * Which patients a caller may see. Every repository query that returns patient data takes
 * one, so there is no unscoped path by accident.
 *
 * - all: the whole pool (patients:view_all);
 * - own: the patients the caller holds as consultant (patients:view_own);
 * - doctor: the patients booked with the caller's linked doctor (patients:view_booked and a
 *   staff_users.doctor_id): an appointment with that doctor that was not cancelled, or a visit
 *   recorded with them (docs/doctors.md).
 *
 * A new kind must be handled wherever a scope is turned into SQL or a decision: every such place
 * switches on `kind` and ends in `unhandledScope`, so the compiler lists them.
 */
export type PatientScope = { kind: 'all' } | { kind: 'own'; authorId: number } | { kind: 'doctor'; doctorId: number };

/** The end of every switch on a scope's kind: a kind left out does not compile. */
export function unhandledScope(scope: never): never {
  throw new Error(`unhandled patient scope ${JSON.stringify(scope)}`);
}

/** The scope a staff caller's role and doctor link give; a caller with none is refused. */
export function scopeOf(staff: StaffPrincipal): PatientScope {
  const scope = optionalScopeOf(staff);
  if (scope) return scope;
  if (staff.permissions.has('patients:view_booked'))
    throw new AppError('permission_denied', '该账号未关联医生，无法查看预约客户');
  throw new AppError('permission_denied');
}

/** Like scopeOf, but null for a caller who sees no patients (views that then leave names out). */
export function optionalScopeOf(staff: StaffPrincipal): PatientScope | null {
  if (staff.permissions.has('patients:view_all')) return { kind: 'all' };
  if (staff.permissions.has('patients:view_own')) return { kind: 'own', authorId: staff.id };
  if (staff.permissions.has('patients:view_booked') && staff.doctorId !== null)
    return { kind: 'doctor', doctorId: staff.doctorId };
  return null;
}

/**
 * A record that is not in the recycle bin: the one spelling of "live" every query uses.
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

/**
 * The patients booked with a doctor: one list of ids from the appointments (not cancelled) and
 * the visits of that doctor, both read by their doctor indexes.
 */
export function bookedWithDoctor(doctorId: number): RawBuilder<number> {
  return sql<number>`(select sa.patient_id from appointments sa where sa.doctor_id = ${doctorId} and sa.status <> 'cancelled' union select sv.patient_id from visits sv where sv.doctor_id = ${doctorId})`;
}

/** The same rule seen from the patient: the doctors a patient is booked with (a live appointment or a visit). */
export function doctorsBookedBy(patientId: number): RawBuilder<number> {
  return sql<number>`(select sa.doctor_id from appointments sa where sa.patient_id = ${patientId} and sa.status <> 'cancelled' union select sv.doctor_id from visits sv where sv.patient_id = ${patientId})`;
}

/**
 * The scope alone (null for 'all'), on any alias of the patients table: live or deleted is
 * the caller's to add (the recycle bin scopes deleted records the same way).
 */
export function scopeOnly(scope: PatientScope, alias = 'patients'): RawBuilder<SqlBool> | null {
  switch (scope.kind) {
    case 'all':
      return null;
    case 'own':
      return sql<SqlBool>`${sql.ref(`${alias}.author_id`)} = ${scope.authorId}`;
    case 'doctor':
      return sql<SqlBool>`${sql.ref(`${alias}.id`)} in ${bookedWithDoctor(scope.doctorId)}`;
    default:
      return unhandledScope(scope);
  }
}

/** Live patients within the caller's scope, on the patients table or an alias of it (`'p'`). */
export function scopeCondition<DB, TB extends keyof DB & string>(
  eb: ExpressionBuilder<DB, TB>,
  scope: PatientScope,
  alias = 'patients',
): Expression<SqlBool> {
  const live = livePatient(eb, alias);
  const scoped = scopeOnly(scope, alias);
  return scoped === null ? live : eb.and([live, scoped]);
}

/** Deleted records (the recycle bin) within the caller's scope. */
export function scopedRecycleBin<DB, TB extends keyof DB & string>(
  eb: ExpressionBuilder<DB, TB>,
  scope: PatientScope,
  alias = 'patients',
): Expression<SqlBool> {
  const deleted = inRecycleBin(eb, alias);
  const scoped = scopeOnly(scope, alias);
  return scoped === null ? deleted : eb.and([deleted, scoped]);
}

export const canSeeFullPhone = (staff: StaffPrincipal): boolean => staff.permissions.has('patients:view_full_phone');

/**
 * Marketing fields (channel, spend, consultation way and content): a doctor's scope leaves them
 * out unless the role grants patients:view_marketing; the other scopes see them as before.
 */
export const canSeeMarketing = (staff: StaffPrincipal): boolean =>
  optionalScopeOf(staff)?.kind !== 'doctor' || staff.permissions.has('patients:view_marketing');

/** How a patient record is shown to this caller (toWirePatient's options). */
export const wireOptionsOf = (staff: StaffPrincipal) => ({
  showFullPhone: canSeeFullPhone(staff),
  showMarketing: canSeeMarketing(staff),
});

/**
 * What of a tel a caller may search by: 'full', any part of it; 'masked', only what the list
 * shows (138****5678) or a whole number typed in one piece, a counted lookup (phone-lookups.ts).
 * Repositories take 'masked' when not told: a forgotten argument narrows a search, never leaks.
 */
export type PhoneVisibility = 'full' | 'masked';

export const phoneVisibilityOf = (staff: StaffPrincipal): PhoneVisibility =>
  canSeeFullPhone(staff) ? 'full' : 'masked';
