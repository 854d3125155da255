import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { clinicDayEnd, clinicDayStart, DATE_FORMAT, formatClinicTime } from '../../ui/clinicTime';

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
    : formatClinicTime(Number(unixSeconds));
}

/**
 * A date range's accessible name. Its two inputs carry only placeholders, which are no label: a
 * screen reader said "edit text" twice. Both inputs get the field's name (rc-picker passes aria-*
 * to each); the placeholders still tell start from end.
 */
export function rangeLabelProps(t: TFunction<'admin'>, label: string): { 'aria-label': string } {
  return { 'aria-label': t('a11y.range', { label }) };
}

/** A ProTable range filter ([start, end] strings) as the API's *_from / *_to pair: whole clinic days in Unix seconds. */
export function rangeTransform(field: string) {
  return (value: [string, string] | undefined) =>
    value
      ? {
          [`${field}_from`]: clinicDayStart(dayjs(value[0]).format(DATE_FORMAT)),
          [`${field}_to`]: clinicDayEnd(dayjs(value[1]).format(DATE_FORMAT)),
        }
      : {};
}
