import { fenToYuan } from '../../domain/money.js';
import type { RollupFigure, RollupFigures } from '../rollup/index.js';

/**
 * The two views of the statistics, named for what they count:
 * - cohort: of the patients registered in the period, what became of them (booked, arrived,
 *   lost, their spend): rates between figures of the same patients, never above 100%;
 * - activity: what happened in the period, each event by its own time (registrations by
 *   add_time, appointments by order_time, arrivals and their spend by reach_time): workload.
 */
export type StatisticsView = 'cohort' | 'activity';

/** One cell's figures. bookedArrivals is a cohort figure (0 in the activity view, sent as null). */
export interface Figures {
  inquiries: number;
  appointments: number;
  arrivals: number;
  lost: number;
  bookedArrivals: number;
  spendFen: number;
}

export type FigureName = 'inquiries' | 'appointments' | 'arrivals' | 'lost' | 'bookedArrivals';

export const emptyFigures = (): Figures => ({
  inquiries: 0,
  appointments: 0,
  arrivals: 0,
  lost: 0,
  bookedArrivals: 0,
  spendFen: 0,
});

export function addFigures(target: Figures, source: Figures): void {
  target.inquiries += source.inquiries;
  target.appointments += source.appointments;
  target.arrivals += source.arrivals;
  target.lost += source.lost;
  target.bookedArrivals += source.bookedArrivals;
  target.spendFen += source.spendFen;
}

/** The rollup figures each view reads (db/rollup-definition.ts). */
export const ROLLUP_FIGURES_OF: Record<StatisticsView, readonly RollupFigure[]> = {
  cohort: ['inquiries', 'lost', 'cohort_booked', 'cohort_arrived', 'cohort_booked_arrived', 'cohort_spend_fen'],
  activity: ['inquiries', 'lost', 'appointments', 'arrivals', 'spend_fen'],
};

/** A rollup row's figures as the view reads them. */
export function figuresOfRollup(view: StatisticsView, sums: RollupFigures): Figures {
  return view === 'cohort'
    ? {
        inquiries: sums.inquiries,
        appointments: sums.cohort_booked,
        arrivals: sums.cohort_arrived,
        lost: sums.lost,
        bookedArrivals: sums.cohort_booked_arrived,
        spendFen: sums.cohort_spend_fen,
      }
    : {
        inquiries: sums.inquiries,
        appointments: sums.appointments,
        arrivals: sums.arrivals,
        lost: sums.lost,
        bookedArrivals: 0,
        spendFen: sums.spend_fen,
      };
}

/** What each figure means in each view: sent with every report, so a screen can say it. */
export const FIGURE_MEANINGS: Record<StatisticsView, Record<FigureName | 'spend', string>> = {
  cohort: {
    inquiries: '咨询量: patients registered (add_time) in the period; GET patient/?add_time_from&add_time_to',
    appointments: 'of those, booked: order_time set (list filter booked=true)',
    arrivals: 'of those, arrived: reach_time set (list filter arrived=true)',
    lost: 'of those, now 流失 (state 2)',
    bookedArrivals: 'of those, booked and arrived (booked=true&arrived=true)',
    spend: 'of those, their recorded spend to date (sum of their visits, yuan)',
  },
  activity: {
    inquiries: 'registrations: add_time in the period',
    appointments: 'appointments: order_time (the booked visit time) in the period',
    arrivals: 'first arrivals: reach_time in the period',
    lost: 'registered in the period and now 流失 (state 2)',
    bookedArrivals: 'not counted in the activity view (null)',
    spend: 'recorded spend of the patients whose first arrival is in the period (yuan)',
  },
};

interface RateDefinition {
  name: string;
  numerator: FigureName;
  denominator: FigureName;
}

/** Cohort rates divide figures of the same patients, each numerator a subset of its denominator: at most 1. */
const RATES: Record<StatisticsView, RateDefinition[]> = {
  cohort: [
    { name: 'bookingRate', numerator: 'appointments', denominator: 'inquiries' },
    { name: 'arrivalRate', numerator: 'bookedArrivals', denominator: 'appointments' },
    { name: 'conversionRate', numerator: 'arrivals', denominator: 'inquiries' },
    { name: 'lossRate', numerator: 'lost', denominator: 'inquiries' },
  ],
  // Different patients: arrivals in a month are not that month's appointments, so this may pass 1.
  activity: [{ name: 'arrivalRate', numerator: 'arrivals', denominator: 'appointments' }],
};

/** null when the denominator is 0: a rate over nothing is not a number. 4 decimals. */
export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;

export function toWireFigures(view: StatisticsView, figures: Figures) {
  const rates = RATES[view].map((rate) => ({
    name: rate.name,
    value: ratio(figures[rate.numerator], figures[rate.denominator]),
    numerator: rate.numerator,
    denominator: rate.denominator,
  }));
  return {
    inquiries: figures.inquiries,
    appointments: figures.appointments,
    arrivals: figures.arrivals,
    lost: figures.lost,
    bookedArrivals: view === 'cohort' ? figures.bookedArrivals : null,
    arrivalRate: rates.find((rate) => rate.name === 'arrivalRate')!.value,
    spend: fenToYuan(figures.spendFen),
    rates,
  };
}
