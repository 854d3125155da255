import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Database } from '../db/schema.js';
import { RecordId as Id, UnixSeconds } from '../http/schemas.js';

/*
 * The pool's filter vocabulary, shared by the list, the export, the statistics and the pool
 * counts: one definition of the query fields, of their meaning as filters, and of their SQL,
 * so the places that must agree (a statistics total and the list under the same filters)
 * cannot drift. The keyword is a filter too, but its SQL is the patients feature's search.
 */

/** Pool states: 0 未到 (not arrived), 1 已到 (arrived), 2 流失 (lost). */
export const PatientStateSchema = Type.Integer({ minimum: 0, maximum: 2, description: '0 未到, 1 已到, 2 流失' });

export interface PatientListFilters {
  keyword?: string;
  state?: number;
  mediaFromId?: number;
  diseaseId?: number;
  doctorId?: number;
  /** Any disease of this department. */
  departmentId?: number;
  /** The consultant who registered the patient. */
  authorId?: number;
  advisoryWay?: string;
  addTimeFrom?: number;
  addTimeTo?: number;
  orderTimeFrom?: number;
  orderTimeTo?: number;
  reachTimeFrom?: number;
  reachTimeTo?: number;
  /** first: exactly one visit; return: more than one. */
  visitType?: 'first' | 'return';
  /** true: order_time set (booked at some time); false: never booked. The cohort view's "booked". */
  booked?: boolean;
  /** true: reach_time set (arrived at least once); false: never arrived. The cohort view's "arrived". */
  arrived?: boolean;
}

/** The dimension filters shared by the list, the export and the statistics. */
export const CatalogFilterFields = {
  media_from_id: Type.Optional(Id('channel')),
  disease_id: Type.Optional(Id('disease')),
  department_id: Type.Optional(Id('department: patients with any disease of it')),
  doctor_id: Type.Optional(Id('doctor')),
  author_id: Type.Optional(Id('consultant who registered the patient')),
  advisory_way: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: '咨询方式, exact' })),
};

/** Every filter of GET patient/ (also GET patient/export): one definition, so they cannot drift. */
export const PatientFilterFields = {
  keyword: Type.Optional(
    Type.String({
      maxLength: 50,
      description:
        'part of name, tel, wechat or qq; without patients:view_full_phone, of the tel only as shown (139****8442) or the whole number (a counted lookup)',
    }),
  ),
  state: Type.Optional(PatientStateSchema),
  ...CatalogFilterFields,
  add_time_from: Type.Optional(UnixSeconds('add_time >= this')),
  add_time_to: Type.Optional(UnixSeconds('add_time <= this')),
  order_time_from: Type.Optional(UnixSeconds('order_time >= this')),
  order_time_to: Type.Optional(UnixSeconds('order_time <= this')),
  reach_time_from: Type.Optional(UnixSeconds('reach_time >= this')),
  reach_time_to: Type.Optional(UnixSeconds('reach_time <= this')),
  visit_type: Type.Optional(
    Type.Union([Type.Literal('first'), Type.Literal('return')], {
      description: 'first: exactly one visit; return: more than one',
    }),
  ),
  booked: Type.Optional(
    Type.Boolean({
      description: 'true: order_time set (booked); false: none. The cohort statistics count "booked" so',
    }),
  ),
  arrived: Type.Optional(
    Type.Boolean({
      description:
        'true: reach_time set (arrived at least once); false: none. The cohort statistics count "arrived" so',
    }),
  ),
};

const CatalogFilterQuery = Type.Object(CatalogFilterFields);
const PatientFilterQuery = Type.Object(PatientFilterFields);

export function catalogFiltersOf(q: Static<typeof CatalogFilterQuery>) {
  return {
    mediaFromId: q.media_from_id,
    diseaseId: q.disease_id,
    departmentId: q.department_id,
    doctorId: q.doctor_id,
    authorId: q.author_id,
    advisoryWay: q.advisory_way,
  };
}

export function patientFiltersOf(q: Static<typeof PatientFilterQuery>): PatientListFilters {
  return {
    keyword: q.keyword,
    state: q.state,
    ...catalogFiltersOf(q),
    addTimeFrom: q.add_time_from,
    addTimeTo: q.add_time_to,
    orderTimeFrom: q.order_time_from,
    orderTimeTo: q.order_time_to,
    reachTimeFrom: q.reach_time_from,
    reachTimeTo: q.reach_time_to,
    visitType: q.visit_type,
    booked: q.booked,
    arrived: q.arrived,
  };
}

/** The SQL of every filter but the keyword (the patients feature's search adds that one). */
export function filterConditions(
  eb: ExpressionBuilder<Database, 'patients'>,
  filters: PatientListFilters,
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.state !== undefined) conditions.push(eb('patients.state', '=', filters.state));
  if (filters.mediaFromId !== undefined) conditions.push(eb('patients.media_from_id', '=', filters.mediaFromId));
  if (filters.diseaseId !== undefined) conditions.push(eb('patients.disease_id', '=', filters.diseaseId));
  if (filters.doctorId !== undefined) conditions.push(eb('patients.doctor_id', '=', filters.doctorId));
  if (filters.departmentId !== undefined) {
    const departmentId = filters.departmentId;
    conditions.push(
      eb(
        'patients.disease_id',
        'in',
        eb.selectFrom('diseases').select('diseases.id').where('diseases.department_id', '=', departmentId),
      ),
    );
  }
  if (filters.authorId !== undefined) conditions.push(eb('patients.author_id', '=', filters.authorId));
  if (filters.advisoryWay !== undefined) conditions.push(eb('patients.advisory_way', '=', filters.advisoryWay));
  if (filters.addTimeFrom !== undefined) conditions.push(eb('patients.add_time', '>=', filters.addTimeFrom));
  if (filters.addTimeTo !== undefined) conditions.push(eb('patients.add_time', '<=', filters.addTimeTo));
  if (filters.orderTimeFrom !== undefined) conditions.push(eb('patients.order_time', '>=', filters.orderTimeFrom));
  if (filters.orderTimeTo !== undefined) conditions.push(eb('patients.order_time', '<=', filters.orderTimeTo));
  if (filters.reachTimeFrom !== undefined) conditions.push(eb('patients.reach_time', '>=', filters.reachTimeFrom));
  if (filters.reachTimeTo !== undefined) conditions.push(eb('patients.reach_time', '<=', filters.reachTimeTo));
  if (filters.visitType === 'first') conditions.push(eb('patients.visit_count', '=', 1));
  if (filters.visitType === 'return') conditions.push(eb('patients.visit_count', '>', 1));
  if (filters.booked !== undefined) conditions.push(eb('patients.order_time', filters.booked ? 'is not' : 'is', null));
  if (filters.arrived !== undefined)
    conditions.push(eb('patients.reach_time', filters.arrived ? 'is not' : 'is', null));
  return conditions;
}
