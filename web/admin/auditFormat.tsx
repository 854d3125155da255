import type { TFunction } from 'i18next';
import { adminDefectsZh } from '../i18n/admin-defects';
import { formatClinicTime } from '../ui/clinicTime';
import { sexLabel, stateLabel } from './patients/patientFormat';

/**
 * The audit log as people read it: actions and target types by name (not `patient.read`,
 * `staff_user`), change details as "field: before → after" lines (not JSON). Shared by the
 * 操作日志 page and the patient drawer's 操作记录.
 */

/** Every action the server records, from the translation table (one list to keep up to date). */
export const AUDIT_ACTIONS: string[] = Object.entries(adminDefectsZh.defects.audit.actions).flatMap(
  ([group, actions]) => Object.keys(actions).map((action) => `${group}.${action}`),
);

export function actionName(t: TFunction<'admin'>, action: string): string {
  return t(`defects.audit.actions.${action}`, { defaultValue: action });
}

export function actionOptions(t: TFunction<'admin'>): { value: string; label: string }[] {
  return AUDIT_ACTIONS.map((action) => ({ value: action, label: actionName(t, action) }));
}

export function targetName(t: TFunction<'admin'>, targetType: string | null): string {
  return targetType ? t(`defects.audit.targets.${targetType}`, { defaultValue: targetType }) : '';
}

export function outcomeName(t: TFunction<'admin'>, outcome: string): string {
  if (outcome === 'success') return t('audit.success');
  if (outcome === 'failure') return t('audit.failure');
  if (outcome === 'denied') return t('defects.audit.denied');
  return outcome;
}

const TIME_FIELDS = new Set(['add_time', 'order_time', 'reach_time', 'at', 'deletedAt']);

function fieldName(t: TFunction<'admin'>, field: string): string {
  return t(`defects.audit.fields.${field}`, { defaultValue: field });
}

function valueText(t: TFunction<'admin'>, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('defects.audit.yes') : t('defects.audit.no');
  if (field === 'state' && (typeof value === 'number' || typeof value === 'string')) return stateLabel(t, value);
  if (field === 'sex' && (typeof value === 'number' || typeof value === 'string')) return sexLabel(t, value);
  if (TIME_FIELDS.has(field) && typeof value === 'number') return formatClinicTime(value);
  if (Array.isArray(value)) return value.map((item) => valueText(t, field, item)).join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One line per field. `{before, after}` is a change; `{changed: true}` a free-text field that
 * changed (its text is not logged); a nested `changed` object holds the changes of an edit.
 */
export function detailLines(t: TFunction<'admin'>, details: Record<string, unknown> | null): string[] {
  if (!details) return [];
  return Object.entries(details).flatMap(([field, value]) => {
    if (field === 'changed' && isRecord(value)) return detailLines(t, value);
    if (field === 'changed' && Array.isArray(value))
      return [`${t('defects.audit.changed')}: ${value.map((name) => fieldName(t, String(name))).join('、')}`];
    if (isRecord(value) && ('before' in value || 'after' in value))
      return [`${fieldName(t, field)}: ${valueText(t, field, value.before)} → ${valueText(t, field, value.after)}`];
    if (isRecord(value) && value.changed === true) return [`${fieldName(t, field)}: ${t('defects.audit.changed')}`];
    return [`${fieldName(t, field)}: ${valueText(t, field, value)}`];
  });
}

/** The details cell: one line per field, wrapped, never JSON. */
export function AuditDetails({ t, details }: { t: TFunction<'admin'>; details: Record<string, unknown> | null }) {
  const lines = detailLines(t, details);
  if (lines.length === 0) return null;
  return (
    <div data-testid="audit-details" style={{ whiteSpace: 'normal', minWidth: 200 }}>
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </div>
  );
}
