import type { AuditActor } from '../../../domain/audit.js';
import { fenToYuan } from '../../../domain/money.js';
import type { StaffPrincipal } from '../../../domain/principals.js';
import { AppError, invalidField } from '../../../http/errors.js';
import type { CoreServices } from '../../../services.js';
import { emptyFigures, type Figures, ratio, type StatisticsView } from '../figures.js';
import type { StatisticsService } from '../service.js';
import { monthsBetween, spendWithin } from './allocation.js';
import { type CostRowProblem, parseCostCsv } from './cost-csv.js';
import { type CostRepository, costKey } from './repository.js';

/** At most this many entries named in one audit event: a year of a dozen channels fits. */
const AUDITED_ENTRIES = 200;

export type CostBucket = 'none' | 'month' | 'year';
export type CostGroup = 'channel' | 'none';

export const COST_RATIOS = [
  { name: 'costPerInquiry', numerator: 'spend', denominator: 'inquiries' },
  { name: 'costPerAppointment', numerator: 'spend', denominator: 'appointments' },
  { name: 'costPerArrival', numerator: 'spend', denominator: 'arrivals' },
  { name: 'roi', numerator: 'revenue', denominator: 'spend' },
] as const;

/** spend / count in yuan, rounded to the fen; null when the count is 0. */
const perHead = (spendFen: number, count: number): string | null =>
  count === 0 ? null : fenToYuan(Math.round(spendFen / count));

function costFigures(spendFen: number, figures: Figures) {
  return {
    spend: fenToYuan(spendFen),
    inquiries: figures.inquiries,
    appointments: figures.appointments,
    arrivals: figures.arrivals,
    revenue: fenToYuan(figures.spendFen),
    costPerInquiry: perHead(spendFen, figures.inquiries),
    costPerAppointment: perHead(spendFen, figures.appointments),
    costPerArrival: perHead(spendFen, figures.arrivals),
    roi: ratio(figures.spendFen, spendFen),
  };
}

/** Marketing spend per channel and month: entered, imported, and set against the patients it brought. */
export class CostService {
  constructor(
    private readonly core: CoreServices,
    private readonly costs: CostRepository,
    private readonly statistics: StatisticsService,
  ) {}

  list(months: { from: string; to: string }, channelId: number | undefined) {
    if (months.from > months.to) throw invalidField('from_month', '开始月份不能晚于结束月份');
    return this.costs.list(months, channelId);
  }

  /** Sets (or, with null, removes) the spend of channel-months in one transaction, audited with before and after. */
  async set(
    staff: StaffPrincipal,
    entries: { channelId: number; month: string; amountFen: number | null }[],
    actor: AuditActor,
    now: number,
  ): Promise<number> {
    const seen = new Set<string>();
    for (const [index, entry] of entries.entries()) {
      const key = costKey(entry.channelId, entry.month);
      if (seen.has(key)) throw invalidField(`entries[${index}]`, '同一渠道同一月份重复');
      seen.add(key);
    }
    const known = new Set((await this.costs.channels()).map((channel) => channel.id));
    const unknown = entries.findIndex((entry) => !known.has(entry.channelId));
    if (unknown >= 0) throw invalidField(`entries[${unknown}].channel_id`, '渠道不存在');
    return this.write(staff, entries, 'statistics.costs_set', actor, now);
  }

  /** The spend file: a dry run reports every problem; a commit writes every row or, with any problem, none. */
  async import(staff: StaffPrincipal, text: string, mode: 'dry_run' | 'commit', actor: AuditActor, now: number) {
    const parsed = parseCostCsv(text);
    const problems: CostRowProblem[] = [...parsed.problems];
    const channels = new Map((await this.costs.channels()).map((channel) => [channel.name.trim(), channel.id]));
    const firstRowOf = new Map<string, number>();
    const entries: { row: number; channelId: number; channelName: string; month: string; amountFen: number }[] = [];
    for (const row of parsed.rows) {
      const channelId = channels.get(row.channelName);
      if (channelId === undefined) {
        problems.push({ row: row.row, field: 'channel', message: `渠道「${row.channelName}」不存在` });
        continue;
      }
      const key = costKey(channelId, row.month);
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        problems.push({ row: row.row, field: 'month', message: `与第 ${first} 行重复（同一渠道同一月份）` });
        continue;
      }
      firstRowOf.set(key, row.row);
      entries.push({ ...row, channelId });
    }
    problems.sort((a, b) => a.row - b.row);
    const before = await this.costs.amountsOf(entries, this.core.db);
    const report = (written: number) => ({
      mode,
      rows: parsed.dataRows,
      valid: entries.length,
      written,
      problems,
      entries: entries.map((entry) => {
        const stored = before.get(costKey(entry.channelId, entry.month));
        return {
          row: entry.row,
          channelId: String(entry.channelId),
          channelName: entry.channelName,
          month: entry.month,
          amount: fenToYuan(entry.amountFen),
          before: stored === undefined ? null : fenToYuan(stored),
        };
      }),
    });
    if (mode === 'dry_run') return report(0);
    if (problems.length > 0) {
      throw new AppError('invalid_value', `费用文件有 ${problems.length} 处错误，未写入任何数据，请修正后重新导入`, {
        extra: { field: 'csv', importReport: report(0) },
      });
    }
    const written = await this.write(staff, entries, 'statistics.costs_import', actor, now);
    return report(written);
  }

  private async write(
    staff: StaffPrincipal,
    entries: { channelId: number; month: string; amountFen: number | null }[],
    action: 'statistics.costs_set' | 'statistics.costs_import',
    actor: AuditActor,
    now: number,
  ): Promise<number> {
    return this.core.db.transaction().execute(async (trx) => {
      const before = await this.costs.amountsOf(entries, trx);
      await this.costs.set(entries, staff.id, now, trx);
      const yuanOrNull = (fen: number | null | undefined) =>
        fen === null || fen === undefined ? null : fenToYuan(fen);
      await this.core.audit.record(
        actor,
        {
          action,
          targetType: 'marketing_cost',
          details: {
            count: entries.length,
            entries: entries.slice(0, AUDITED_ENTRIES).map((entry) => ({
              channelId: entry.channelId,
              month: entry.month,
              before: yuanOrNull(before.get(costKey(entry.channelId, entry.month))),
              after: yuanOrNull(entry.amountFen),
            })),
            truncated: entries.length > AUDITED_ENTRIES,
          },
        },
        trx,
      );
      return entries.length;
    });
  }

  /**
   * Spend against the patients it brought, for any period: per bucket and channel (or in total),
   * the spend that counts toward the period (allocation.ts), the view's inquiries, appointments,
   * arrivals and revenue (their recorded spend), the cost of each and revenue / spend.
   */
  async report(
    staff: StaffPrincipal,
    query: { view: StatisticsView; from: number; to: number; bucket: CostBucket; group: CostGroup },
  ) {
    // Spend is the clinic's: set against one consultant's own patients it would mean nothing.
    if (!staff.permissions.has('patients:view_all'))
      throw new AppError('permission_denied', '营销费用报表需要“查看全部客户”权限');
    const bucket = query.bucket === 'none' ? null : query.bucket;
    const range = this.statistics.range(query.from, query.to, bucket);
    const clock = this.statistics.clock;
    const firstDate = clock.dateAt(query.from);
    const lastDate = clock.dateAt(query.to);
    const months = monthsBetween(firstDate, lastDate);
    const [{ cells, labelOf }, entries] = await Promise.all([
      this.statistics.collect({ kind: 'all' }, { view: query.view, range, bucket, group: query.group, filters: {} }),
      this.costs.list({ from: months[0]!, to: months[months.length - 1]! }, undefined),
    ]);
    type Row = { bucket: string | null; groupKey: string | null; spendFen: number; figures: Figures };
    const rows = new Map<string, Row>();
    const rowOf = (bucketLabel: string | null, groupKey: string | null) => {
      const key = `${bucketLabel ?? ''}|${groupKey ?? ''}`;
      let row = rows.get(key);
      if (!row) {
        row = { bucket: bucketLabel, groupKey, spendFen: 0, figures: emptyFigures() };
        rows.set(key, row);
      }
      return row;
    };
    for (const cell of cells) rowOf(cell.bucket, cell.groupKey).figures = cell.figures;
    const channelNames = new Map<string, string>();
    for (const entry of entries) {
      const share = spendWithin(entry.amountFen, entry.month, firstDate, lastDate);
      if (share === 0) continue;
      const bucketLabel = bucket === null ? null : bucket === 'month' ? entry.month : entry.month.slice(0, 4);
      const groupKey = query.group === 'channel' ? String(entry.channelId) : null;
      channelNames.set(String(entry.channelId), entry.channelName);
      rowOf(bucketLabel, groupKey).spendFen += share;
    }
    const totals = { spendFen: 0, figures: emptyFigures() };
    const wire = [...rows.values()].map((row) => {
      totals.spendFen += row.spendFen;
      for (const name of Object.keys(totals.figures) as (keyof Figures)[]) totals.figures[name] += row.figures[name];
      return {
        bucket: row.bucket,
        channelId: row.groupKey,
        channelLabel:
          row.groupKey !== null && channelNames.has(row.groupKey)
            ? channelNames.get(row.groupKey)!
            : labelOf(row.groupKey),
        ...costFigures(row.spendFen, row.figures),
      };
    });
    wire.sort(
      (a, b) =>
        (a.bucket ?? '').localeCompare(b.bucket ?? '') ||
        Number(b.spend) - Number(a.spend) ||
        a.channelLabel.localeCompare(b.channelLabel, 'zh'),
    );
    return {
      view: query.view,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      groupBy: query.group,
      timeZone: clock.timeZone,
      firstDate,
      lastDate,
      ratios: COST_RATIOS.map((entry) => ({ ...entry })),
      rows: wire,
      totals: costFigures(totals.spendFen, totals.figures),
    };
  }
}
