import { filterConditions, type PatientListFilters } from '../../domain/patient-filters.js';
import type { PatientScope } from '../../domain/patient-scope.js';
import { scopeCondition, unhandledScope } from '../../domain/patient-scope.js';
import {
  type AddedKeys,
  encodeKey,
  partDays,
  type RollupRepository,
  rollupAnswers,
  utcOffsetPeriods,
  wholeDaysWithin,
} from '../rollup/index.js';

/** The filters the rollup's add-day counts answer (0011); anything else is counted from the patients. */
const ROLLUP_FILTERS = new Set<keyof PatientListFilters>(['state', 'mediaFromId', 'addTimeFrom', 'addTimeTo']);

function keysOf(filters: PatientListFilters): AddedKeys {
  const { state, mediaFromId } = filters;
  if (state !== undefined) {
    const prefix = encodeKey(state);
    return mediaFromId === undefined
      ? { dimension: 'state_channel', prefix }
      : { dimension: 'state_channel', key: prefix + encodeKey(mediaFromId) };
  }
  return mediaFromId === undefined
    ? { dimension: 'none', key: '' }
    : { dimension: 'channel', key: encodeKey(mediaFromId) };
}

/**
 * A pool list's total from the statistics rollup, where it holds the answer:
 * - state / channel / add-time range over the whole pool: whole clinic days of the range summed
 *   from patient_day_counts, the part-days at its ends counted from the patients. At a million
 *   patients the manager's usual list (one state, one channel, 90 days: ~18k matches) reads ~90
 *   rollup rows and a few hundred index entries instead of every match;
 * - a consultant's whole pool (their default view, ~17k records for a busy one at 1M): one row.
 */
export class PoolTotals {
  constructor(
    private readonly rollup: RollupRepository,
    private readonly timeZone: string,
  ) {}

  /** null when the rollup cannot answer (a keyword, other filters, another zone): the caller counts. */
  async total(scope: PatientScope, filters: PatientListFilters): Promise<number | null> {
    const set = (Object.keys(filters) as (keyof PatientListFilters)[]).filter((name) => filters[name] !== undefined);
    // A consultant's own pool unfiltered (their default view), or one consultant's: the author row.
    // A doctor's scope is no rollup dimension: counted. The switch makes a new scope kind decide here.
    switch (scope.kind) {
      case 'own':
        return set.length === 0 ? this.read({ dimension: 'author', key: encodeKey(scope.authorId) }, null, []) : null;
      case 'doctor':
        return null;
      case 'all':
        break;
      default:
        return unhandledScope(scope);
    }
    if (filters.authorId !== undefined && set.length === 1)
      return this.read({ dimension: 'author', key: encodeKey(filters.authorId) }, null, []);
    if (set.some((name) => !ROLLUP_FILTERS.has(name))) return null;
    const { addTimeFrom: from, addTimeTo: to } = filters;
    if (from === undefined && to === undefined) return this.read(keysOf(filters), null, []);
    if (from === undefined || to === undefined) return null;
    const days = wholeDaysWithin(utcOffsetPeriods(this.timeZone), from, to);
    if (!days) return null;
    const edges = partDays(days, from, to).map((part) => ({ ...filters, addTimeFrom: part.from, addTimeTo: part.to }));
    return this.read(keysOf(filters), days, edges, { from, to });
  }

  private async read(
    keys: AddedKeys,
    days: { firstDay: number; lastDay: number } | null,
    edges: PatientListFilters[],
    range?: { from: number; to: number },
  ) {
    const counted = await this.rollup.addedCount(
      keys,
      days,
      edges.map(
        (edge) => (eb) =>
          eb.and([scopeCondition(eb, { kind: 'all' }), ...filterConditions(eb, { ...edge, keyword: undefined })]),
      ),
    );
    return rollupAnswers(counted.zone, this.timeZone, range) ? counted.total : null;
  }
}
