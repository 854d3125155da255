/**
 * Which patients a funnel figure counts, as the filters of GET patient/ (docs/figures.md,
 * "Totals agree with the list"): the cohort view filters by registration time and then by
 * booked / arrived / state; the activity view by each figure's own time column.
 */
export type View = 'cohort' | 'activity';
export type Figure = 'inquiries' | 'appointments' | 'arrivals' | 'bookedArrivals' | 'lost';
export type GroupBy = 'channel' | 'disease' | 'department' | 'doctor' | 'consultant' | 'advisory_way' | 'none';

const GROUP_FILTER: Record<Exclude<GroupBy, 'none'>, string> = {
  channel: 'media_from_id',
  disease: 'disease_id',
  department: 'department_id',
  doctor: 'doctor_id',
  consultant: 'author_id',
  advisory_way: 'advisory_way',
};

export function figureQuery(
  view: View,
  figure: Figure,
  from: number,
  to: number,
): Record<string, string | number | boolean> | undefined {
  const registered = { add_time_from: from, add_time_to: to };
  if (figure === 'inquiries') return registered;
  if (figure === 'lost') return { ...registered, state: 2 };
  if (view === 'cohort') {
    if (figure === 'appointments') return { ...registered, booked: true };
    if (figure === 'arrivals') return { ...registered, arrived: true };
    return { ...registered, booked: true, arrived: true };
  }
  if (figure === 'appointments') return { order_time_from: from, order_time_to: to };
  if (figure === 'arrivals') return { reach_time_from: from, reach_time_to: to };
  return undefined;
}

/**
 * The group's own filter added to a figure's query; undefined when the list cannot select the
 * group (patients with the field not filled in have no filter of their own).
 */
export function groupQuery(groupBy: GroupBy, groupKey: string | null): Record<string, string | number> | undefined {
  if (groupBy === 'none') return {};
  if (groupKey === null) return undefined;
  const name = GROUP_FILTER[groupBy];
  return { [name]: groupBy === 'advisory_way' ? groupKey : Number(groupKey) };
}

export const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
