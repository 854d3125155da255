import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { isPermissionKey } from '../../src/domain/permissions.js';

/**
 * Facts about the stored data that every write path keeps, whatever input it was given.
 * After the fuzzer has thrown everything at the API, a broken one means something was
 * half-written. Each check returns a list of offending rows (empty when all is well).
 */
export async function dataInvariantViolations(
  db: Kysely<Database>,
  failedRequestIds: readonly string[],
): Promise<Record<string, unknown[]>> {
  const violations: Record<string, unknown[]> = {};
  const check = (name: string, rows: unknown[]) => {
    violations[name] = rows.slice(0, 10);
  };

  const patients = await db.selectFrom('patients').selectAll().execute();
  const patientById = new Map(patients.map((row) => [row.id, row]));
  const accounts = await db.selectFrom('patient_accounts').select(['id', 'patient_id', 'phone']).execute();
  check(
    'every portal account has its patient',
    accounts.filter((account) => !patientById.has(account.patient_id)),
  );
  check(
    'an account phone equals its patient tel',
    accounts.filter(
      (account) => patientById.has(account.patient_id) && patientById.get(account.patient_id)?.tel !== account.phone,
    ),
  );
  check(
    'no text column holds a NUL',
    patients
      .filter((row) => Object.values(row).some((value) => typeof value === 'string' && value.includes('\u0000')))
      .map((row) => row.id),
  );
  check(
    'patient state is 0, 1 or 2',
    patients.filter((row) => ![0, 1, 2].includes(row.state)).map((row) => [row.id, row.state]),
  );

  const visits = await db.selectFrom('visits').select(['id', 'patient_id', 'appointment_id']).execute();
  const visitsPerPatient = new Map<number, number>();
  for (const visit of visits) visitsPerPatient.set(visit.patient_id, (visitsPerPatient.get(visit.patient_id) ?? 0) + 1);
  check(
    'visit_count equals the visits on record',
    patients
      .filter((row) => row.visit_count !== (visitsPerPatient.get(row.id) ?? 0))
      .map((row) => [row.id, row.visit_count, visitsPerPatient.get(row.id) ?? 0]),
  );
  check(
    'every visit belongs to a patient',
    visits.filter((visit) => !patientById.has(visit.patient_id)),
  );

  const appointments = await db
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'doctor_id', 'session_date', 'period', 'status', 'visit_id'])
    .execute();
  check(
    'every appointment belongs to a patient',
    appointments.filter((row) => !patientById.has(row.patient_id)),
  );
  check(
    'an arrived appointment has its visit',
    appointments.filter((row) => row.status === 'arrived' && row.visit_id === null),
  );
  const taken = new Map<string, number>();
  for (const row of appointments) {
    if (row.status === 'cancelled') continue;
    const slot = `${row.doctor_id}|${row.session_date}|${row.period}`;
    taken.set(slot, (taken.get(slot) ?? 0) + 1);
  }
  const counters = await db
    .selectFrom('session_counters')
    .select(['doctor_id', 'session_date', 'period', 'booked'])
    .execute();
  const counted = new Set(counters.map((row) => `${row.doctor_id}|${row.session_date}|${row.period}`));
  check('each session counter equals the appointments holding a place', [
    ...counters.filter((row) => row.booked !== (taken.get(`${row.doctor_id}|${row.session_date}|${row.period}`) ?? 0)),
    ...[...taken.keys()].filter((slot) => !counted.has(slot)).map((slot) => ({ slot, missingCounter: true })),
  ]);

  const roles = new Set((await db.selectFrom('roles').select('id').execute()).map((row) => row.id));
  check(
    'every staff user has a role',
    (await db.selectFrom('staff_users').select(['id', 'role_id']).execute()).filter((row) => !roles.has(row.role_id)),
  );
  check(
    'role permissions are known keys of existing roles',
    (await db.selectFrom('role_permissions').selectAll().execute()).filter(
      (row) => !roles.has(row.role_id) || !isPermissionKey(row.permission_key),
    ),
  );

  const claimedSuccess: unknown[] = [];
  for (let start = 0; start < failedRequestIds.length; start += 500) {
    const chunk = failedRequestIds.slice(start, start + 500);
    claimedSuccess.push(
      ...(await db
        .selectFrom('audit_log')
        .select(['request_id', 'action', 'outcome'])
        .where('request_id', 'in', chunk)
        .where('outcome', '=', 'success')
        .execute()),
    );
  }
  check('a failed request leaves no audit row claiming success', claimedSuccess);
  return violations;
}
