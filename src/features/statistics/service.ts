import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { fenToYuan } from '../../domain/money.js';
import { type PatientScope, scopeOf } from '../../domain/patient-scope.js';
import type { StaffPrincipal } from '../../domain/principals.js';
import { invalidField } from '../../http/errors.js';
import { partDays, type RollupRepository, rollupAnswers, utcOffsetPeriods, wholeDaysWithin } from '../rollup/index.js';
import type {
  FunnelBucket,
  FunnelGroup,
  MeasureRow,
  ReportFilters,
  ReportRange,
  StatisticsRepository,
} from './repository.js';
import { rollupPlan } from './rollup-plan.js';

const DAY_SECONDS = 86_400;
/** Longest range per bucket size: keeps one answer to a few thousand rows at most. */
const MAX_RANGE_DAYS: Record<FunnelBucket, number> = { day: 400, month: 3700, year: 36_600 };

export interface Figures {
  inquiries: number;
  appointments: number;
  arrivals: number;
  lost: number;
  spendFen: number;
}

const emptyFigures = (): Figures => ({ inquiries: 0, appointments: 0, arrivals: 0, lost: 0, spendFen: 0 });

/** null when nothing was booked: a rate over zero appointments is not a number. */
const rate = (arrivals: number, appointments: number): number | null =>
  appointments === 0 ? null : Math.round((arrivals / appointments) * 10_000) / 10_000;

function toWireFigures(figures: Figures) {
  return {
    inquiries: figures.inquiries,
    appointments: figures.appointments,
    arrivals: figures.arrivals,
    lost: figures.lost,
    arrivalRate: rate(figures.arrivals, figures.appointments),
    spend: fenToYuan(figures.spendFen),
  };
}

/** Figures of one bucket and group, from the rollup or from the patients. */
interface FigureRow {
  bucket: string | null;
  groupKey: string | null;
  figures: Figures;
}

function measureFigures(measure: 'inquiries' | 'appointments' | 'arrivals', row: MeasureRow): Figures {
  const figures = emptyFigures();
  figures[measure] = row.count;
  if (measure === 'inquiries') figures.lost = row.extra;
  if (measure === 'arrivals') figures.spendFen = row.extra;
  return figures;
}

function addFigures(target: Figures, source: Figures): void {
  target.inquiries += source.inquiries;
  target.appointments += source.appointments;
  target.arrivals += source.arrivals;
  target.lost += source.lost;
  target.spendFen += source.spendFen;
}

const NO_GROUP_LABEL: Record<FunnelGroup, string> = {
  channel: '未填写来源',
  disease: '未填写病种',
  department: '未填写科室',
  doctor: '未指定医生',
  consultant: '患者自助注册',
  advisory_way: '未填写咨询方式',
  none: '全部',
};

export class StatisticsService {
  constructor(
    private readonly repository: StatisticsRepository,
    private readonly rollup: RollupRepository,
    readonly clock: ClinicClock,
  ) {}

  private range(from: number, to: number, bucket: FunnelBucket | null): ReportRange {
    if (from > to) throw invalidField('from', '开始时间不能晚于结束时间');
    const limit = MAX_RANGE_DAYS[bucket ?? 'year'];
    if (to - from > limit * DAY_SECONDS) {
      throw invalidField('to', `时间跨度不能超过 ${limit} 天，请改用更大的统计粒度`);
    }
    return { from, to, segments: this.clock.offsetSegments(from, to) };
  }

  /** The three GROUP BY queries over the patients (by add_time, order_time, reach_time). */
  private async fromPatients(
    scope: PatientScope,
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
  ): Promise<FigureRow[]> {
    const measures = ['inquiries', 'appointments', 'arrivals'] as const;
    const results = await Promise.all(
      (['add_time', 'order_time', 'reach_time'] as const).map((column) =>
        this.repository.measure(column, scope, filters, range, bucket, group),
      ),
    );
    return results.flatMap((rows, index) =>
      rows.map((row) => ({
        bucket: row.bucket,
        groupKey: row.groupKey,
        figures: measureFigures(measures[index]!, row),
      })),
    );
  }

  /**
   * The whole clinic days of the range from patient_day_counts, the part-days at its ends
   * from the patients. null when the rollup cannot answer: a scoped caller, a grouping or
   * filter it does not count, a rollup built for another zone, or a range outside the
   * offsets it knows.
   */
  private async fromRollup(
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
  ): Promise<FigureRow[] | null> {
    const plan = rollupPlan(group, filters);
    if (!plan) return null;
    // Days in this clinic's zone; the sums come back with the rollup's zone, and are dropped if it differs.
    const days = wholeDaysWithin(utcOffsetPeriods(this.clock.timeZone), range.from, range.to);
    if (!days) return null;
    const edges: ReportRange[] = partDays(days, range.from, range.to).map((part) => ({ ...range, ...part }));
    const needsDepartments = plan.groupBy === 'department' || plan.departmentId !== undefined;
    const [{ zone, sums }, departments, edgeRows] = await Promise.all([
      this.rollup.sums(plan.dimension, days, bucket, plan.key),
      needsDepartments ? this.rollup.departmentOfDisease() : undefined,
      Promise.all(edges.map((edge) => this.fromPatients({ kind: 'all' }, filters, edge, bucket, group))),
    ]);
    if (!rollupAnswers(zone, this.clock.timeZone, range)) return null;
    const departmentOf = (key: string | null) => (key === null ? null : (departments?.get(key) ?? null));
    const rows: FigureRow[] = edgeRows.flat();
    for (const sum of sums) {
      if (plan.departmentId !== undefined && departmentOf(sum.key) !== String(plan.departmentId)) continue;
      const groupKey = plan.groupBy === 'none' ? null : plan.groupBy === 'department' ? departmentOf(sum.key) : sum.key;
      const { inquiries, lost, appointments, arrivals, spendFen } = sum;
      rows.push({ bucket: sum.bucket, groupKey, figures: { inquiries, lost, appointments, arrivals, spendFen } });
    }
    return rows;
  }

  /** The figures per bucket and group, merged. */
  private async collect(
    scope: PatientScope,
    filters: ReportFilters,
    range: ReportRange,
    bucket: FunnelBucket | null,
    group: FunnelGroup,
  ) {
    const rows =
      (scope.kind === 'all' ? await this.fromRollup(filters, range, bucket, group) : null) ??
      (await this.fromPatients(scope, filters, range, bucket, group));
    const cells = new Map<string, FigureRow>();
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
    const labels = await this.repository.groupLabels(group, keys);
    const labelOf = (key: string | null) => (key === null ? NO_GROUP_LABEL[group] : (labels.get(key) ?? `#${key}`));
    return { cells: [...cells.values()], labelOf };
  }

  /** Totals of the live patients in [from, to] (the dashboard's month), in the caller's scope. */
  async totals(scope: PatientScope, from: number, to: number): Promise<Figures> {
    const range = { from, to, segments: this.clock.offsetSegments(from, to) };
    const { cells } = await this.collect(scope, {}, range, null, 'none');
    const totals = emptyFigures();
    for (const cell of cells) addFigures(totals, cell.figures);
    return totals;
  }

  async funnel(
    staff: StaffPrincipal,
    query: { from: number; to: number; bucket: FunnelBucket; group: FunnelGroup; filters: ReportFilters },
  ) {
    const range = this.range(query.from, query.to, query.bucket);
    const { cells, labelOf } = await this.collect(scopeOf(staff), query.filters, range, query.bucket, query.group);
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
        ...toWireFigures(cell.figures),
      }))
      .sort((a, b) => a.bucket.localeCompare(b.bucket) || a.groupLabel.localeCompare(b.groupLabel, 'zh'));
    const groupTotals = [...groups.entries()]
      .map(([groupKey, figures]) => ({ groupKey, groupLabel: labelOf(groupKey), ...toWireFigures(figures) }))
      .sort((a, b) => b.inquiries - a.inquiries || a.groupLabel.localeCompare(b.groupLabel, 'zh'));
    return {
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      groupBy: query.group,
      timeZone: this.clock.timeZone,
      rows,
      groups: groupTotals,
      totals: toWireFigures(totals),
    };
  }

  /** Consultants (the staff who registered the patients) by arrivals, then arrival rate. */
  async consultantRank(
    staff: StaffPrincipal,
    query: { from: number; to: number; limit: number; filters: ReportFilters },
  ) {
    const range = this.range(query.from, query.to, null);
    const { cells, labelOf } = await this.collect(scopeOf(staff), query.filters, range, null, 'consultant');
    const ranked = cells
      .filter((cell) => cell.groupKey !== null)
      .map((cell) => ({ staffId: cell.groupKey!, name: labelOf(cell.groupKey), ...toWireFigures(cell.figures) }))
      .sort(
        (a, b) =>
          b.arrivals - a.arrivals ||
          (b.arrivalRate ?? -1) - (a.arrivalRate ?? -1) ||
          b.inquiries - a.inquiries ||
          Number(a.staffId) - Number(b.staffId),
      );
    return {
      from: query.from,
      to: query.to,
      consultants: ranked.slice(0, query.limit).map((entry, index) => ({ rank: index + 1, ...entry })),
    };
  }
}
