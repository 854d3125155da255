import type {
  AdvisoryWayRow,
  CatalogRow,
  CatalogValues,
  ChannelRow,
  DepartmentRow,
  DiseaseRow,
  DoctorRow,
} from './catalog-repository.js';

/** Catalog entries on the wire: ids as strings (as the seed sends ids), flags as booleans. */
const common = (row: { id: number; name: string; sort_order: number; is_active: number }) => ({
  id: String(row.id),
  name: row.name,
  sortOrder: Number(row.sort_order),
  isActive: row.is_active === 1,
});

export const toWireDisease = (row: DiseaseRow) => ({ ...common(row), departmentId: String(row.department_id) });
export const toWireDepartment = (row: DepartmentRow) => common(row);
export const toWireDoctor = (row: DoctorRow) => ({
  ...common(row),
  departmentId: row.department_id === null ? null : String(row.department_id),
  title: row.title,
  specialty: row.specialty,
});
export const toWireChannel = (row: ChannelRow) => ({ ...common(row), systemKey: row.system_key });
export const toWireAdvisoryWay = (row: AdvisoryWayRow) => common(row);

/** The service answers the generic row; each route knows which kind it asked for. */
export const rowOfKind = <T extends CatalogRow>(row: CatalogRow): T => row as T;

/** Body fields (snake_case, booleans) -> column values; absent fields stay undefined. */
export function catalogValuesFrom(body: {
  name?: string;
  sort_order?: number;
  is_active?: boolean;
  department_id?: number | null;
  title?: string | null;
  specialty?: string | null;
}): CatalogValues {
  return {
    name: body.name,
    sort_order: body.sort_order,
    is_active: body.is_active === undefined ? undefined : body.is_active ? 1 : 0,
    department_id: body.department_id,
    title: typeof body.title === 'string' ? body.title.trim() || null : body.title,
    specialty: typeof body.specialty === 'string' ? body.specialty.trim() || null : body.specialty,
  };
}
