import { Type } from 'typebox';
import { fenToYuan, yuanToFen } from '../../../domain/money.js';
import { auditActorOf, nowSeconds, staffOf } from '../../../http/request-context.js';
import { withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import {
  CostImportReportSchema,
  CostListQuery,
  CostListResponse,
  CostReportQuery,
  CostReportResponse,
  ImportCostsBody,
  SetCostsBody,
  SetCostsResponse,
} from './schemas.js';
import type { CostService } from './service.js';

const TAGS = ['staff: statistics'];
const ALLOCATION =
  "A month's spend counts toward a period by its days inside the period (clinic calendar, CLINIC_TIMEZONE): a day " +
  'counts when the period holds any instant of it, so 1 to 15 March counts 15/31 of March and a whole month or year ' +
  "counts each month whole. Each month's share is rounded to the fen once. ";

/** 营销费用: spend per channel and month, and what it cost per inquiry, appointment and arrival. */
export function registerCostRoutes(app: TypedApp, service: CostService): void {
  app.get('/statistics/costs', {
    schema: {
      tags: TAGS,
      summary: 'Marketing spend per channel and month, as entered or imported',
      description:
        'Months from_month to to_month (YYYY-MM), every channel (or channel_id), in month and channel order.',
      querystring: CostListQuery,
      response: withErrors('staff', { 200: CostListResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const rows = await service.list({ from: q.from_month, to: q.to_month }, q.channel_id);
      return {
        costs: rows.map((row) => ({
          channelId: String(row.channelId),
          channelName: row.channelName,
          month: row.month,
          amount: fenToYuan(row.amountFen),
          updatedAt: String(row.updatedAt),
          updatedBy: row.updatedBy === null ? null : String(row.updatedBy),
          updatedByName: row.updatedByName,
        })),
      };
    },
  });

  app.put('/statistics/costs', {
    schema: {
      tags: TAGS,
      summary: 'Enter the spend of channel-months (up to 500 at once); null removes one',
      description:
        'Needs statistics:costs. Each (channel_id, month) is set to amount (yuan), or removed with null, all in one ' +
        'transaction, audited as statistics.costs_set with each entry before and after. An unknown channel or a ' +
        '(channel, month) given twice answers 400 and writes nothing.',
      body: SetCostsBody,
      response: withErrors('staff', { 200: SetCostsResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:costs' },
    handler: async (request) => {
      const entries = request.body.entries.map((entry) => ({
        channelId: entry.channel_id,
        month: entry.month,
        amountFen: entry.amount === null ? null : yuanToFen(entry.amount),
      }));
      const written = await service.set(staffOf(request), entries, auditActorOf(request), nowSeconds());
      return { written };
    },
  });

  app.post('/statistics/costs/import', {
    schema: {
      tags: TAGS,
      summary: 'Import spend from a CSV file (sent as text): dry run, then an all-or-nothing commit',
      description:
        'Needs statistics:costs. The browser reads the file and sends its text as `csv`. The dry run (default) reports ' +
        'every problem with its line and every entry with the amount stored now (`before`); a commit with any problem ' +
        'writes nothing and answers 400 (40001) with `importReport`, otherwise it sets every entry in one transaction, ' +
        'audited as statistics.costs_import. A channel-month already stored is replaced.',
      body: ImportCostsBody,
      response: withErrors('staff', { 200: Type.Object({ importReport: CostImportReportSchema }) }, [400, 401, 403]),
    },
    config: { access: 'statistics:costs' },
    handler: async (request) => {
      const { csv, mode } = request.body;
      const importReport = await service.import(staffOf(request), csv, mode, auditActorOf(request), nowSeconds());
      return { importReport };
    },
  });

  app.get('/statistics/costs/report', {
    schema: {
      tags: TAGS,
      summary: 'Cost per inquiry, appointment and arrival, and revenue / spend, for any period by channel',
      description:
        ALLOCATION +
        'Counts follow the funnel of the same view (view=cohort, the default: the patients registered in the period and ' +
        'what became of them; view=activity: each event by its own time), over every patient: the report needs ' +
        "patients:view_all besides statistics:view (403 otherwise), since spend is the clinic's. revenue is the " +
        "funnel's spend: the patients' recorded spend, the sum of their visits' spend_fen (编辑消费金额 corrections " +
        'included). costPer* = spend / count, rounded to the fen, null when the count is 0; roi = revenue / spend, ' +
        'null without spend. Patients without a channel have no spend (their row, channelId null, shows counts only) ' +
        'but count in the totals, so totals.costPerInquiry is the spend over every inquiry.',
      querystring: CostReportQuery,
      response: withErrors('staff', { 200: CostReportResponse }, [400, 401, 403]),
    },
    config: { access: 'statistics:view' },
    handler: async (request) => {
      const q = request.query;
      const costs = await service.report(staffOf(request), {
        view: q.view,
        from: q.from,
        to: q.to,
        bucket: q.bucket,
        group: q.group_by,
      });
      return { costs };
    },
  });
}
