import { Type } from 'typebox';

/*
 * Money travels as yuan strings with at most two decimals ("1280.5", "99.00") and is kept
 * in fen (integer 1/100 yuan), so no float ever touches an amount.
 */
export const YUAN_PATTERN = '^\\d{1,9}(\\.\\d{1,2})?$';

export function yuanToFen(yuan: string): number {
  const [whole = '0', fraction = ''] = yuan.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** A money field on the wire: yuan text, at most two decimals. */
export const YuanField = (description: string) =>
  Type.String({ pattern: YUAN_PATTERN, description: `${description} (yuan, at most 2 decimals, e.g. "1280.50")` });
