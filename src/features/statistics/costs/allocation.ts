/*
 * How a month's spend counts toward a period: by the days of that month inside the period.
 * A month is entered as one amount; a report over 1-15 March counts 15/31 of March's spend,
 * one over a year counts each month whole. Days are clinic-calendar dates (CLINIC_TIMEZONE):
 * a day counts when the period holds any instant of it, so [monthStart, monthEnd] of the
 * dashboard or of the funnel's buckets takes the whole month. Each month's share is rounded to
 * the fen once, so the parts of a report add up to its total.
 */

export const MONTH_PATTERN = '^(20\\d\\d)-(0[1-9]|1[0-2])$';
const MONTH = new RegExp(MONTH_PATTERN);

export const isMonth = (value: string): boolean => MONTH.test(value);

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

export function daysInMonth(month: string): number {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthIndex, 0)).getUTCDate();
}

/** The months (YYYY-MM) that dates firstDate..lastDate (YYYY-MM-DD) touch, in order. */
export function monthsBetween(firstDate: string, lastDate: string): string[] {
  const months: string[] = [];
  let year = Number(firstDate.slice(0, 4));
  let month = Number(firstDate.slice(5, 7));
  const last = lastDate.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    if (label > last) break;
    months.push(label);
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** How many dates of `month` lie in firstDate..lastDate. */
export function daysOfMonthWithin(month: string, firstDate: string, lastDate: string): number {
  const monthFirst = `${month}-01`;
  const monthLast = `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
  const first = monthFirst > firstDate ? monthFirst : firstDate;
  const last = monthLast < lastDate ? monthLast : lastDate;
  return first > last ? 0 : dayNumber(last) - dayNumber(first) + 1;
}

/** A month's spend as it counts toward firstDate..lastDate: its share of days, rounded to the fen. */
export function spendWithin(amountFen: number, month: string, firstDate: string, lastDate: string): number {
  const days = daysOfMonthWithin(month, firstDate, lastDate);
  return days === 0 ? 0 : Math.round((amountFen * days) / daysInMonth(month));
}
