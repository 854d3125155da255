/** /metrics in the Prometheus text format, when METRICS_TOKEN is set. */
export { registerMetrics } from './routes.js';
