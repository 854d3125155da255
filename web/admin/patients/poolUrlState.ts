import type { Dayjs } from 'dayjs';
import { unixToPicker } from '../../ui/clinicTime';

/**
 * The pool's filters, page and sort kept in the address (?keyword=…&state=0&page=3): a reload,
 * the back button or a link sent to a colleague opens the same list. The address holds the API's
 * own query (GET patient/), so what is shared is exactly what was asked of the server.
 */

const TEXT_KEYS = ['keyword', 'advisory_way', 'visit_type'] as const;
const NUMBER_KEYS = ['state', 'media_from_id', 'disease_id', 'doctor_id', 'department_id', 'author_id'] as const;
const RANGE_KEYS = ['add_time', 'order_time', 'reach_time'] as const;
/** The table's sort keys (column dataIndex) by the API's sort name. */
const SORT_COLUMNS: Record<string, string> = {
  id: 'id',
  add_time: 'addTime',
  order_time: 'orderTime',
  reach_time: 'reachTime',
};

export interface PoolUrlState {
  /** The search form's initial values, as its fields hold them (ranges as dayjs pairs). */
  formValues: Record<string, string | number | [Dayjs, Dayjs]>;
  page: number;
  pageSize: number;
  /** The sorted column (dataIndex) and direction, when the address names one. */
  sort?: { column: string; order: 'ascend' | 'descend' };
  /** Whether any filter is set: the search form then opens expanded, so the user sees why the list is short. */
  filtered: boolean;
}

const positive = (text: string | null, fallback: number, max: number): number => {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= max ? value : fallback;
};

export function readPoolUrl(search: string): PoolUrlState {
  const params = new URLSearchParams(search);
  const formValues: PoolUrlState['formValues'] = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key);
    if (value) formValues[key] = value;
  }
  for (const key of NUMBER_KEYS) {
    const value = Number(params.get(key) ?? Number.NaN);
    if (params.get(key) !== null && Number.isInteger(value)) formValues[key] = value;
  }
  for (const key of RANGE_KEYS) {
    const from = Number(params.get(`${key}_from`) ?? Number.NaN);
    const to = Number(params.get(`${key}_to`) ?? Number.NaN);
    if (Number.isInteger(from) && Number.isInteger(to)) formValues[key] = [unixToPicker(from), unixToPicker(to)]; // clinic days, as rangeTransform wrote them
  }
  const column = SORT_COLUMNS[params.get('sort') ?? ''];
  return {
    formValues,
    page: positive(params.get('page'), 1, 100_000),
    pageSize: positive(params.get('page_size'), 20, 200),
    sort: column ? { column, order: params.get('order') === 'asc' ? 'ascend' : 'descend' } : undefined,
    filtered: Object.keys(formValues).length > 0,
  };
}

/** The list's query as the address's search part; the defaults (page 1, 20 a page, newest first) are left out. */
export function poolUrlOf(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'page' && value === 1) continue;
    if (key === 'page_size' && value === 20) continue;
    if (key === 'sort' && value === 'add_time' && query.order === 'desc') continue;
    if (key === 'order' && value === 'desc' && query.sort === 'add_time') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
