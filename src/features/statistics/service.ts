import { AppError } from '../../http/errors.js';
import type { StaffPrincipal } from '../../http/request-context.js';
import { fenToYuan } from '../patients/money.js';
import { scopeOf } from '../patients/scope.js';
import { ClinicClock } from './clinic-clock.js';
import type { FunnelBucket, FunnelGroup, MeasureRow, ReportFilters, ReportRange, StatisticsRepository } from './repository.js';

const DAY_SECONDS = 86_400;
/** Longest range per bucket size: keeps one answer to a few thousand rows at most. */
const MAX_RANGE_DAYS: Record<FunnelBucket, number> = { day: 400, month: 3700, year: 36_600 };

interface Figures {
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

function addInto(target: Figures, measure: keyof Figures, row: MeasureRow): void {
  target[measure] += row.count;
  if (measure === 'inquiries') target.lost += row.extra;
  if (measure === 'arrivals') target.spendFen += row.extra;
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
  readonly clock: ClinicClock;

  constructor(
    private readonly repository: StatisticsRepository,
    timeZone: string,
  ) {
    this.clock = new ClinicClock(timeZone);
  }

  private range(from: number, to: number, bucket: FunnelBucket | null): ReportRange {
    if (from > to) throw new AppError('invalid_value', '参数不合法: from（开始时间不能晚于结束时间）', { extra: { field: 'from' } });
    const limit = MAX_RANGE_DAYS[bucket ?? 'year'];
    if (to - from > limit * DAY_SECONDS) {
      throw new AppError('invalid_value', `参数不合法: to（时间跨度不能超过 ${limit} 天，请改用更大的统计粒度）`, { extra: { field: 'to' } });
    }
    return { from, to, segments: this.clock.offsetSegments(from, to) };
  }

  /** The three GROUP BY queries (by add_time, order_time, reach_time), merged per bucket and group. */
  private async collect(staff: StaffPrincipal, filters: ReportFilters, range: ReportRange, bucket: FunnelBucket | null, group: FunnelGroup) {
    const scope = scopeOf(staff);
    const [inquiries, appointments, arrivals] = await Promise.all([
      this.repository.measure('add_time', scope, filters, range, bucket, group),
      this.repository.measure('order_time', scope, filters, range, bucket, group),
      this.repository.measure('reach_time', scope, filters, range, bucket, group),
    ]);
    const cells = new Map<string, { bucket: string | null; groupKey: string | null; figures: Figures }>();
    const measures: [keyof Figures, MeasureRow[]][] = [['inquiries', inquiries], ['appointments', appointments], ['arrivals', arrivals]];
    for (const [measure, rows] of measures) {
      for (const row of rows) {
        const key = `${row.bucket ?? ''}\u0000${row.groupKey ?? '\u0001'}`;
        let cell = cells.get(key);
        if (!cell) {
          cell = { bucket: row.bucket, groupKey: row.groupKey, figures: emptyFigures() };
          cells.set(key, cell);
        }
        addInto(cell.figures, measure, row);
      }
    }
    const keys = [...new Set([...cells.values()].map((cell) => cell.groupKey).filter((key): key is string => key !== null))];
    const labels = await this.repository.groupLabels(group, keys);
    const labelOf = (key: string | null) => (key === null ? NO_GROUP_LABEL[group] : (labels.get(key) ?? `#${key}`));
    return { cells: [...cells.values()], labelOf };
  }

  async funnel(staff: StaffPrincipal, query: { from: number; to: number; bucket: FunnelBucket; group: FunnelGroup; filters: ReportFilters }) {
    const range = this.range(query.from, query.to, query.bucket);
    const { cells, labelOf } = await this.collect(staff, query.filters, range, query.bucket, query.group);
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
      .map((cell) => ({ bucket: cell.bucket ?? '', groupKey: cell.groupKey, groupLabel: labelOf(cell.groupKey), ...toWireFigures(cell.figures) }))
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
  async consultantRank(staff: StaffPrincipal, query: { from: number; to: number; limit: number; filters: ReportFilters }) {
    const range = this.range(query.from, query.to, null);
    const { cells, labelOf } = await this.collect(staff, query.filters, range, null, 'consultant');
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
