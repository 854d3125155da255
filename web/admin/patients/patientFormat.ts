import dayjs from 'dayjs';
import type { TFunction } from 'i18next';

/** Display helpers shared by the pool table, the detail drawer and the registration form. */
export const STATES = [0, 1, 2] as const;

export function stateLabel(t: TFunction<'admin'>, state: string | number | null | undefined): string {
  return t(`patients.states.${String(state ?? '0')}`);
}

export function sexLabel(t: TFunction<'admin'>, sex: string | number | null | undefined): string {
  return sex === null || sex === undefined || sex === '' ? '' : t(`patients.sexes.${String(sex)}`);
}

export function formatTime(unixSeconds: string | number | null | undefined): string {
  return unixSeconds === null || unixSeconds === undefined || unixSeconds === ''
    ? ''
    : dayjs.unix(Number(unixSeconds)).format('YYYY-MM-DD HH:mm');
}

/** A ProTable range filter ([start, end] strings) as the API's *_from / *_to pair in Unix seconds. */
export function rangeTransform(field: string) {
  return (value: [string, string] | undefined) =>
    value
      ? {
          [`${field}_from`]: dayjs(value[0]).startOf('day').unix(),
          [`${field}_to`]: dayjs(value[1]).endOf('day').unix(),
        }
      : {};
}
