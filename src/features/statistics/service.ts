import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { type PatientScope, scopeOf } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { invalidField } from '../../http/errors.js';
import { partDays, type RollupRepository, rollupAnswers, utcOffsetPeriods, wholeDaysWithin } from '../rollup/index.js';
import {
  addFigures,
  emptyFigures,
  FIGURE_MEANINGS,
  type Figures,
  figuresOfRollup,
  ROLLUP_FIGURES_OF,
  type StatisticsView,
  toWireFigures,
} from './figures.js';
import type { FunnelBucket, FunnelGroup, ReportFilters, ReportRange, StatisticsRepository } from './repository.js';
import { rollupPlan } from './rollup-plan.js';

const DAY_SECONDS = 86_400;
/** Longest range per bucket size: keeps one answer to a few thousand rows at most. */
const MAX_RANGE_DAYS: Record<FunnelBucket, number> = { day: 400, month: 3700, year: 36_600 };

/** Figures of one bucket and group, from the rollup or from the patients. */
export interface FigureCell {
  bucket: string | null;
  groupKey: string | null;
  figures: Figures;
}

const NO_GROUP_LABEL: Record<FunnelGroup, string> = {
  channel: '未填写来源',
  disease: '未填写病种',
  department: '未填写科室',
  doctor: '未指定医生',
  consultant: '未分配咨询员（自助注册或公海）',
  advisory_way: '未填写咨询方式',
  none: '全部',
};

/** What a report asks: the view, the range, its buckets, its grouping and its filters. */
export interface ReportQuery {
  view: StatisticsView;
  range: ReportRange;
  bucket: FunnelBucket | null;
  group: FunnelGroup;
  filters: ReportFilters;
}

export class StatisticsService {
  constructor(
    private readonly repository: StatisticsRepository,
    private readonly rollup: RollupRepository,
    readonly clock: ClinicClock,
  ) {}

  /** A checked range: from before to, and not longer than the bucket allows. */
  range(from: number, to: number, bucket: FunnelBucket | null): ReportRange {
    if (from > to) throw invalidField('from', '开始时间不能晚于结束时间');
    const limit = MAX_RANGE_DAYS[bucket ?? 'year'];
    if (to - from > limit * DAY_SECONDS) {
      throw invalidField('to', `时间跨度不能超过 ${limit} 天，请改用更大的统计粒度`);
    }
    return { from, to, segments: this.clock.offsetSegments(from, to) };
  }

  /** The figures counted from the patients: the cohort's one GROUP BY, or the activity's three (one per time column). */
  private async fromPatients(scope: PatientScope, query: ReportQuery): Promise<FigureCell[]> {
    const { range, bucket, group, filters } = query;
    if (query.view === 'cohort') {
      const rows = await this.repository.cohort(scope, filters, range, bucket, group);
      return rows.map((row) => ({
        bucket: row.bucket,
        groupKey: row.groupKey,
        figures: {
          inquiries: row.inquiries,
          appointments: row.booked,
          arrivals: row.arrived,
          lost: row.lost,
          bookedArrivals: row.bookedArrived,
          spendFen: row.spendFen,
        },
      }));
    }
    const [added, ordered, reached] = await Promise.all(
      (['add_time', 'order_time', 'reach_time'] as const).map((column) =>
        this.repository.measure(column, scope, filters, range, bucket, group),
      ),
    );
    const cell = (row: { bucket: string | null; groupKey: string | null }, figures: Partial<Figures>) => ({
      bucket: row.bucket,
      groupKey: row.groupKey,
      figures: { ...emptyFigures(), ...figures },
    });
    return [
      ...added!.map((row) => cell(row, { inquiries: row.count, lost: row.extra })),
      ...ordered!.map((row) => cell(row, { appointments: row.count })),
      ...reached!.map((row) => cell(row, { arrivals: row.count, spendFen: row.extra })),
    ];
  }

  /**
   * The whole clinic days of the range from patient_day_counts, the part-days at its ends
   * from the patients. null when the rollup cannot answer: a grouping or filter it does not
   * count, a rollup built for another zone, or a range outside the offsets it knows.
   */
  private async fromRollup(query: ReportQuery): Promise<FigureCell[] | null> {
    const { range, bucket, group, filters } = query;
    const plan = rollupPlan(group, filters);
    if (!plan) return null;
    // Days in this clinic's zone; the sums come back with the rollup's zone, and are dropped if it differs.
    const days = wholeDaysWithin(utcOffsetPeriods(this.clock.timeZone), range.from, range.to);
    if (!days) return null;
    const edges = partDays(days, range.from, range.to).map((part) => ({ ...query, range: { ...range, ...part } }));
    const needsDepartments = plan.groupBy === 'department' || plan.departmentId !== undefined;
    const [{ zone, sums }, departments, edgeCells] = await Promise.all([
      this.rollup.sums(plan.dimension, days, bucket, ROLLUP_FIGURES_OF[query.view], plan.key),
      needsDepartments ? this.rollup.departmentOfDisease() : undefined,
      Promise.all(edges.map((edge) => this.fromPatients({ kind: 'all' }, edge))),
    ]);
    if (!rollupAnswers(zone, this.clock.timeZone, range)) return null;
    const departmentOf = (key: string | null) => (key === null ? null : (departments?.get(key) ?? null));
    const cells: FigureCell[] = edgeCells.flat();
    for (const sum of sums) {
      if (plan.departmentId !== undefined && departmentOf(sum.key) !== String(plan.departmentId)) continue;
      const figures = figuresOfRollup(query.view, sum.figures);
      // A day of the other view's events only (appointments of earlier registrations, in the cohort view).
      if (figures.inquiries === 0 && figures.appointments === 0 && figures.arrivals === 0) continue;
      const groupKey = plan.groupBy === 'none' ? null : plan.groupBy === 'department' ? departmentOf(sum.key) : sum.key;
      cells.push({ bucket: sum.bucket, groupKey, figures });
    }
    return cells;
  }

  /**
   * The figures per bucket and group, merged, with the groups' labels. The rollup answers for
   * callers who see every patient; a caller limited to their own patients is counted from them.
   */
  async collect(scope: PatientScope, query: ReportQuery) {
    const rows =
      (scope.kind === 'all' ? await this.fromRollup(query) : null) ?? (await this.fromPatients(scope, query));
    const cells = new Map<string, FigureCell>();
    for (const row of rows) {
      const key = `${row.bucket ?? ''}\u0000${row.groupKey ?? '\u0001'}`;
      let cell = cells.get(key);
      if (!cell) {
        cell = { bucket: row.bucket, groupKey: row.groupKey, figures: emptyFigures() };
        cells.set(key, cell);
      }
      addFigures(cell.figures, row.figures);
    }
    const keys = [
      ...new Set([...cells.values()].map((cell) => cell.groupKey).filter((key): key is string => key !== null)),
    ];
    const labels = await this.repository.groupLabels(query.group, keys);
    const labelOf = (key: string | null) =>
      key === null ? NO_GROUP_LABEL[query.group] : (labels.get(key) ?? `#${key}`);
    return { cells: [...cells.values()], labelOf };
  }

  /** Activity totals of the live patients in [from, to] (the dashboard's month), in the caller's scope. */
  async totals(scope: PatientScope, from: number, to: number): Promise<Figures> {
    const range = { from, to, segments: this.clock.offsetSegments(from, to) };
    const { cells } = await this.collect(scope, { view: 'activity', range, bucket: null, group: 'none', filters: {} });
    const totals = emptyFigures();
    for (const cell of cells) addFigures(totals, cell.figures);
    return totals;
  }

  async funnel(
    staff: StaffPrincipal,
    query: {
      view: StatisticsView;
      from: number;
      to: number;
      bucket: FunnelBucket;
      group: FunnelGroup;
      filters: ReportFilters;
    },
  ) {
    const { view } = query;
    const range = this.range(query.from, query.to, query.bucket);
    const { cells, labelOf } = await this.collect(scopeOf(staff), {
      view,
      range,
      bucket: query.bucket,
      group: query.group,
      filters: query.filters,
    });
    const totals = emptyFigures();
    const groups = new Map<string | null, Figures>();
    for (const cell of cells) {
      let groupFigures = groups.get(cell.groupKey);
      if (!groupFigures) {
        groupFigures = emptyFigures();
        groups.set(cell.groupKey, groupFigures);
      }
      addFigures(totals, cell.figures);
      addFigures(groupFigures, cell.figures);
    }
    const rows = cells
      .map((cell) => ({
        bucket: cell.bucket ?? '',
        groupKey: cell.groupKey,
        groupLabel: labelOf(cell.groupKey),
        ...toWireFigures(view, cell.figures),
      }))
      .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.groupLabel.localeCompare(b.groupLabel, 'zh'));
    const groupTotals = [...groups.entries()]
      .map(([groupKey, figures]) => ({ groupKey, groupLabel: labelOf(groupKey), ...toWireFigures(view, figures) }))
      .sort((a, b) => b.inquiries - a.inquiries || a.groupLabel.localeCompare(b.groupLabel, 'zh'));
    return {
      view,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      groupBy: query.group,
      timeZone: this.clock.timeZone,
      figures: FIGURE_MEANINGS[view],
      rows,
      groups: groupTotals,
      totals: toWireFigures(view, totals),
    };
  }

  /** Consultants (the staff holding the patients) by arrivals, then arrival rate. */
  async consultantRank(
    staff: StaffPrincipal,
    query: { view: StatisticsView; from: number; to: number; limit: number; filters: ReportFilters },
  ) {
    const { view } = query;
    const range = this.range(query.from, query.to, null);
    const { cells, labelOf } = await this.collect(scopeOf(staff), {
      view,
      range,
      bucket: null,
      group: 'consultant',
      filters: query.filters,
    });
    const ranked = cells
      .filter((cell) => cell.groupKey !== null)
      .map((cell) => ({ staffId: cell.groupKey!, name: labelOf(cell.groupKey), ...toWireFigures(view, cell.figures) }))
      .sort(
        (a, b) =>
          b.arrivals - a.arrivals ||
          (b.arrivalRate ?? -1) - (a.arrivalRate ?? -1) ||
          b.inquiries - a.inquiries ||
          Number(a.staffId) - Number(b.staffId),
      );
    return {
      view,
      from: query.from,
      to: query.to,
      figures: FIGURE_MEANINGS[view],
      consultants: ranked.slice(0, query.limit).map((entry, index) => ({ rank: index + 1, ...entry })),
    };
  }
}
