/**
 * The statistics rollup (patient_day_counts): per clinic day and dimension, the funnel figures of
 * the live patients, kept exact by triggers (src/db/rollup-definition.ts). The statistics read
 * it for their reports and the patient list for its totals; this module brings it to the
 * configured clinic time zone at start and, on PostgreSQL, folds the triggers' appended deltas.
 */
export { partDays, type WholeDays, wholeDaysWithin } from './clinic-days.js';
export { type OffsetPeriod, utcOffsetPeriods } from './offset-periods.js';
export { rollupJobs } from './rollup-jobs.js';
export {
  type AddedKeys,
  encodeKey,
  type RollupDimension,
  type RollupFigure,
  type RollupFigures,
  RollupRepository,
  rollupAnswers,
} from './rollup-repository.js';
