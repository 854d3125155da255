/** Yuan as the API gives it ("1234.5" or "1234.50") shown as 1,234.50 元; null as a dash. */
export function yuan(value: string | null | undefined, suffix: string): string {
  if (value === null || value === undefined) return '—';
  const amount = Number(value);
  if (!Number.isFinite(amount)) return value;
  return `${amount.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${suffix}`;
}
