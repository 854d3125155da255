import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/** Client-side checks matching the portal API's schemas (the server checks again). */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;

export const phoneRules = (t: TFunction<'portal'>): FormRule[] => [
  { required: true, whitespace: true, message: t('rules.phoneRequired') },
  { pattern: PHONE_PATTERN, message: t('rules.phoneFormat') },
];

export const newPasswordRules = (t: TFunction<'portal'>): FormRule[] => [
  { required: true, message: t('rules.passwordRequired') },
  { min: 8, max: 128, message: t('rules.passwordLength') },
];

export const nameRules = (t: TFunction<'portal'>): FormRule[] => [
  { required: true, whitespace: true, message: t('rules.nameRequired') },
  { max: 50, message: t('rules.nameLength') },
];

/** A "type it again" field that must equal `field`. */
export const confirmRules = (t: TFunction<'portal'>, field: string): FormRule[] => [
  { required: true, message: t('rules.confirmRequired') },
  ({ getFieldValue }) => ({
    validator: (_rule, value) =>
      !value || getFieldValue(field) === value
        ? Promise.resolve()
        : Promise.reject(new Error(t('rules.confirmMismatch'))),
  }),
];
