import type { ClinicClock } from '../../src/domain/clinic-time/clinic-clock.js';
import type { TestServer } from '../support/server.js';

/*
 * The funnel's definition, computed in plain JS from the live patient rows: what every
 * answer must equal, whichever way the server counts (patient_day_counts or raw GROUP BY).
 */

export type Group = 'none' | 'channel' | 'disease' | 'department' | 'doctor' | 'consultant' | 'advisory_way';

export interface FunnelFilters {
  media_from_id?: number;
  disease_id?: number;
  department_id?: number;
  doctor_id?: number;
  advisory_way?: string;
}

export interface Facts {
  add_time: number;
  order_time: number | null;
  reach_time: number | null;
  state: number;
  spend_fen: number;
  media_from_id: number | null;
  disease_id: number | null;
  department_id: number | null;
  doctor_id: number | null;
  advisory_way: string | null;
  author_id: number | null;
}

export interface Cell {
  inquiries: number;
  lost: number;
  appointments: number;
  arrivals: number;
  bookedArrivals: number | null;
  spend: string;
}

export type View = 'cohort' | 'activity';

const orNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export async function livePatients(server: TestServer): Promise<Facts[]> {
  const rows = await server.database.db
    .selectFrom('patients')
    .leftJoin('diseases', 'diseases.id', 'patients.disease_id')
    .select([
      'patients.add_time',
      'patients.order_time',
      'patients.reach_time',
      'patients.state',
      'patients.spend_fen',
      'patients.media_from_id',
      'patients.disease_id',
      'diseases.department_id',
      'patients.doctor_id',
      'patients.advisory_way',
      'patients.author_id',
    ])
    .where('patients.deleted_at', 'is', null)
    .execute();
  return rows.map((row) => ({
    add_time: Number(row.add_time),
    order_time: orNull(row.order_time),
    reach_time: orNull(row.reach_time),
    state: Number(row.state),
    spend_fen: Number(row.spend_fen),
    media_from_id: orNull(row.media_from_id),
    disease_id: orNull(row.disease_id),
    department_id: orNull(row.department_id),
    doctor_id: orNull(row.doctor_id),
    advisory_way: row.advisory_way,
    author_id: orNull(row.author_id),
  }));
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

function groupValue(patient: Facts, group: Group): string | null {
  const value = {
    none: null,
    channel: patient.media_from_id,
    disease: patient.disease_id,
    department: patient.department_id,
    doctor: patient.doctor_id,
    consultant: patient.author_id,
    advisory_way: patient.advisory_way,
  }[group];
  return value === null ? null : String(value);
}

function matches(patient: Facts, filters: FunnelFilters): boolean {
  return (
    (filters.media_from_id === undefined || patient.media_from_id === filters.media_from_id) &&
    (filters.disease_id === undefined || patient.disease_id === filters.disease_id) &&
    (filters.department_id === undefined || patient.department_id === filters.department_id) &&
    (filters.doctor_id === undefined || patient.doctor_id === filters.doctor_id) &&
    (filters.advisory_way === undefined || patient.advisory_way === filters.advisory_way)
  );
}

/**
 * `bucket|groupKey` -> figures, for one funnel query. activity: each figure by its own time;
 * cohort (the default): the patients registered in the range, by add_time, and what became of them.
 */
export function expectedFunnel(
  patients: Facts[],
  clock: ClinicClock,
  query: {
    from: number;
    to: number;
    bucket: 'day' | 'month' | 'year';
    group: Group;
    filters?: FunnelFilters;
    view?: View;
  },
): Record<string, Cell> {
  const length = { day: 10, month: 7, year: 4 }[query.bucket];
  const cells = new Map<
    string,
    {
      inquiries: number;
      lost: number;
      appointments: number;
      arrivals: number;
      bookedArrivals: number;
      spendFen: number;
    }
  >();
  const cellAt = (time: number, patient: Facts) => {
    const key = `${clock.dateAt(time).slice(0, length)}|${groupValue(patient, query.group)}`;
    let cell = cells.get(key);
    if (!cell)
      cells.set(key, (cell = { inquiries: 0, lost: 0, appointments: 0, arrivals: 0, bookedArrivals: 0, spendFen: 0 }));
    return cell;
  };
  const inRange = (time: number | null): time is number => time !== null && time >= query.from && time <= query.to;
  const cohort = (query.view ?? 'cohort') === 'cohort';
  for (const patient of patients) {
    if (!matches(patient, query.filters ?? {})) continue;
    if (cohort) {
      if (!inRange(patient.add_time)) continue;
      const cell = cellAt(patient.add_time, patient);
      cell.inquiries += 1;
      if (patient.state === 2) cell.lost += 1;
      if (patient.order_time !== null) cell.appointments += 1;
      if (patient.reach_time !== null) cell.arrivals += 1;
      if (patient.order_time !== null && patient.reach_time !== null) cell.bookedArrivals += 1;
      cell.spendFen += patient.spend_fen;
      continue;
    }
    if (inRange(patient.add_time)) {
      const cell = cellAt(patient.add_time, patient);
      cell.inquiries += 1;
      if (patient.state === 2) cell.lost += 1;
    }
    if (inRange(patient.order_time)) cellAt(patient.order_time, patient).appointments += 1;
    if (inRange(patient.reach_time)) {
      const cell = cellAt(patient.reach_time, patient);
      cell.arrivals += 1;
      cell.spendFen += patient.spend_fen;
    }
  }
  return Object.fromEntries(
    [...cells].map(([key, cell]) => [
      key,
      {
        inquiries: cell.inquiries,
        lost: cell.lost,
        appointments: cell.appointments,
        arrivals: cell.arrivals,
        bookedArrivals: cohort ? cell.bookedArrivals : null,
        spend: yuan(cell.spendFen),
      },
    ]),
  );
}

/** The same shape from a GET statistics/funnel answer. */
export function answeredFunnel(body: any): Record<string, Cell> {
  return Object.fromEntries(
    body.funnel.rows.map((row: any) => [
      `${row.bucket}|${row.groupKey}`,
      {
        inquiries: row.inquiries,
        lost: row.lost,
        appointments: row.appointments,
        arrivals: row.arrivals,
        bookedArrivals: row.bookedArrivals,
        spend: row.spend,
      },
    ]),
  );
}

const valueKey = (value: string | number | null) => (value === null ? '' : `#${value}`);
/** Each dimension's group_key of a patient, written out here independently of the SQL. */
const ROLLUP_DIMENSIONS: [string, (patient: Facts) => string][] = [
  ['none', () => ''],
  ['channel', (patient) => valueKey(patient.media_from_id)],
  ['disease', (patient) => valueKey(patient.disease_id)],
  ['doctor', (patient) => valueKey(patient.doctor_id)],
  ['advisory_way', (patient) => valueKey(patient.advisory_way)],
  ['state_channel', (patient) => `#${patient.state}${valueKey(patient.media_from_id)}`],
  ['author', (patient) => valueKey(patient.author_id)],
];
/** author holds a consultant's whole pool on one day, 0. */
const ALL_ON_DAY_ZERO = new Set(['author']);

const FIGURES = [
  'inquiries',
  'lost',
  'appointments',
  'arrivals',
  'spend_fen',
  'cohort_booked',
  'cohort_arrived',
  'cohort_booked_arrived',
  'cohort_spend_fen',
] as const;
type RollupFigures = Record<(typeof FIGURES)[number], number>;
const zeros = (): RollupFigures => Object.fromEntries(FIGURES.map((figure) => [figure, 0])) as RollupFigures;

/** patient_day_counts as it must be: `dimension|day|group_key` -> figures (clinic days of `clock`). */
export function expectedRollup(patients: Facts[], clock: ClinicClock): Record<string, RollupFigures> {
  const rows: Record<string, RollupFigures> = {};
  const dayOf = (time: number) => Math.floor((time + clock.offsetAt(time)) / 86_400);
  const add = (time: number, patient: Facts, figures: Partial<RollupFigures>) => {
    for (const [dimension, groupKey] of ROLLUP_DIMENSIONS) {
      const key = `${dimension}|${ALL_ON_DAY_ZERO.has(dimension) ? 0 : dayOf(time)}|${groupKey(patient)}`;
      const row = (rows[key] ??= zeros());
      for (const [name, amount] of Object.entries(figures) as [keyof RollupFigures, number][]) row[name] += amount;
    }
  };
  for (const patient of patients) {
    const booked = patient.order_time !== null;
    const arrived = patient.reach_time !== null;
    add(patient.add_time, patient, {
      inquiries: 1,
      lost: patient.state === 2 ? 1 : 0,
      cohort_booked: booked ? 1 : 0,
      cohort_arrived: arrived ? 1 : 0,
      cohort_booked_arrived: booked && arrived ? 1 : 0,
      cohort_spend_fen: patient.spend_fen,
    });
    if (patient.order_time !== null) add(patient.order_time, patient, { appointments: 1 });
    if (patient.reach_time !== null) add(patient.reach_time, patient, { arrivals: 1, spend_fen: patient.spend_fen });
  }
  return rows;
}

type RollupRow = { dimension: string; day: number; group_key: string } & RollupFigures;

/** What the rollup says: patient_day_counts plus the deltas not yet folded in (PostgreSQL), zero rows left out. */
export async function storedRollup(
  server: TestServer,
  table?: 'patient_day_counts' | 'patient_day_deltas',
): Promise<Record<string, RollupFigures>> {
  const db = server.database.db.withTables<{ patient_day_counts: RollupRow; patient_day_deltas: RollupRow }>();
  const tables = table ? [table] : (['patient_day_counts', 'patient_day_deltas'] as const);
  const sums: Record<string, RollupFigures> = {};
  for (const name of tables) {
    for (const row of await db.selectFrom(name).selectAll().execute()) {
      const sum = (sums[`${row.dimension}|${row.day}|${row.group_key}`] ??= zeros());
      for (const figure of FIGURES) sum[figure] += Number(row[figure]);
    }
  }
  return Object.fromEntries(
    Object.entries(sums).filter(([, figures]) => Object.values(figures).some((value) => value !== 0)),
  );
}
