/**
 * Request counts and a latency histogram per (method, route pattern, status), kept in plain
 * arrays so that recording a request costs one map lookup and a few additions. Label text
 * is rendered once, when a series is first seen, not on every request or scrape.
 */

/** Upper bounds in seconds: sub-millisecond reads up to slow exports. */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Series {
  labels: string;
  count: number;
  sumSeconds: number;
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  buckets: Float64Array;
}

/** Prometheus label values escape backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class HttpMetrics {
  /** method -> route pattern -> status: lookups on existing strings, no key built per request. */
  private readonly byMethod = new Map<string, Map<string, Map<number, Series>>>();
  private readonly series: Series[] = [];

  /** `route` is the matched pattern (e.g. /patient/:id); unmatched URLs share one series. */
  record(method: string, route: string | undefined, status: number, seconds: number): void {
    const pattern = route ?? '(unmatched)';
    let byRoute = this.byMethod.get(method);
    if (byRoute === undefined) {
      byRoute = new Map();
      this.byMethod.set(method, byRoute);
    }
    let byStatus = byRoute.get(pattern);
    if (byStatus === undefined) {
      byStatus = new Map();
      byRoute.set(pattern, byStatus);
    }
    let entry = byStatus.get(status);
    if (entry === undefined) {
      entry = {
        labels: `method="${escapeLabelValue(method)}",route="${escapeLabelValue(pattern)}",status="${status}"`,
        count: 0,
        sumSeconds: 0,
        buckets: new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1),
      };
      byStatus.set(status, entry);
      this.series.push(entry);
    }
    entry.count += 1;
    entry.sumSeconds += seconds;
    let slot = 0;
    while (slot < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[slot]!) slot += 1;
    entry.buckets[slot]! += 1;
  }

  render(lines: string[]): void {
    lines.push('# HELP carepool_http_requests_total HTTP requests answered, by method, route pattern and status.');
    lines.push('# TYPE carepool_http_requests_total counter');
    for (const entry of this.series) lines.push(`carepool_http_requests_total{${entry.labels}} ${entry.count}`);

    lines.push(
      '# HELP carepool_http_request_duration_seconds Time to answer an HTTP request, by method, route pattern and status.',
    );
    lines.push('# TYPE carepool_http_request_duration_seconds histogram');
    for (const entry of this.series) {
      let cumulative = 0;
      for (let slot = 0; slot < LATENCY_BUCKETS_SECONDS.length; slot += 1) {
        cumulative += entry.buckets[slot]!;
        lines.push(
          `carepool_http_request_duration_seconds_bucket{${entry.labels},le="${LATENCY_BUCKETS_SECONDS[slot]}"} ${cumulative}`,
        );
      }
      lines.push(`carepool_http_request_duration_seconds_bucket{${entry.labels},le="+Inf"} ${entry.count}`);
      lines.push(`carepool_http_request_duration_seconds_sum{${entry.labels}} ${entry.sumSeconds}`);
      lines.push(`carepool_http_request_duration_seconds_count{${entry.labels}} ${entry.count}`);
    }
  }
}
