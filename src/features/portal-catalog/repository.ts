import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** What anyone may browse before logging in: active departments and doctors, nothing private. */
export class PortalCatalogRepository {
  constructor(private readonly db: Kysely<Database>) {}

  listDepartments() {
    return this.db
      .selectFrom('departments')
      .select(['id', 'name'])
      .where('is_active', '=', 1)
      .orderBy('sort_order')
      .orderBy('id')
      .execute();
  }

  listDoctors(departmentId: number | undefined) {
    let query = this.db
      .selectFrom('doctors as d')
      .leftJoin('departments as dep', 'dep.id', 'd.department_id')
      .select(['d.id', 'd.name', 'd.department_id', 'dep.name as department_name', 'd.title', 'd.specialty'])
      .where('d.is_active', '=', 1)
      .orderBy('d.sort_order')
      .orderBy('d.id');
    if (departmentId !== undefined) query = query.where('d.department_id', '=', departmentId);
    return query.execute();
  }
}
