import type { Measurement } from './load.js';

/** The one table `npm run bench` prints (Markdown, so it pastes into the README as is). */
export function renderTable(results: Measurement[]): string {
  const header = [
    'scenario',
    'database',
    'rows',
    'connections',
    'requests/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'ratio / measure',
    'target',
    'ok',
    'note',
  ];
  const cell = (value: number | string | null | undefined) =>
    value === null || value === undefined ? '' : String(value);
  const lines = results.map((result) => [
    result.scenario,
    result.database,
    result.rows === 0 ? '' : result.rows.toLocaleString('en-US'),
    cell(result.connections),
    cell(result.requestsPerSecond),
    cell(result.p50),
    cell(result.p99),
    cell(result.errors),
    cell(result.ratio),
    cell(result.target),
    result.met === undefined ? '' : result.met ? 'yes' : 'MISS',
    cell(result.note),
  ]);
  return [header, header.map(() => '---'), ...lines].map((columns) => `| ${columns.join(' | ')} |`).join('\n');
}
