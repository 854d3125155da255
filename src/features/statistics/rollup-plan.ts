import { encodeKey, type RollupDimension } from '../rollup/index.js';
import type { FunnelGroup, ReportFilters } from './repository.js';

/** Which rollup rows answer a report, and how their keys become the report's groups. */
export interface RollupPlan {
  dimension: RollupDimension;
  /** Only the rows of this group_key (a filter on the dimension itself). */
  key?: string;
  /** Only the diseases of this department (rows of the disease dimension). */
  departmentId?: number;
  /** key: the row's own value; department: its disease's department; none: one group. */
  groupBy: 'key' | 'department' | 'none';
}

const FILTER_DIMENSION = {
  mediaFromId: 'channel',
  diseaseId: 'disease',
  doctorId: 'doctor',
  advisoryWay: 'advisory_way',
} as const;
type DimensionFilter = keyof typeof FILTER_DIMENSION;

/**
 * The rollup counts each dimension on its own, so it answers a report that groups by at most
 * one of them and filters by at most that same one (department: via its diseases). Anything
 * else (consultant, two dimensions at once) is counted from the patients.
 */
export function rollupPlan(group: FunnelGroup, filters: ReportFilters): RollupPlan | null {
  if (group === 'consultant' || filters.authorId !== undefined) return null;
  const filtered = (Object.keys(FILTER_DIMENSION) as DimensionFilter[]).filter((name) => filters[name] !== undefined);
  const byDepartment = filters.departmentId !== undefined;
  if (filtered.length + (byDepartment ? 1 : 0) > 1) return null;
  const groupDimension: RollupDimension = group === 'department' ? 'disease' : group;
  const groupBy = group === 'none' ? 'none' : group === 'department' ? 'department' : 'key';
  if (byDepartment) {
    return groupDimension === 'none' || groupDimension === 'disease'
      ? { dimension: 'disease', departmentId: filters.departmentId!, groupBy }
      : null;
  }
  const filter = filtered[0];
  if (filter === undefined) return { dimension: groupDimension, groupBy };
  const dimension = FILTER_DIMENSION[filter];
  if (groupDimension !== 'none' && groupDimension !== dimension) return null;
  return { dimension, key: encodeKey(filters[filter]!), groupBy };
}
