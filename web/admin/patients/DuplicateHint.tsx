import { Alert, Col } from 'antd';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import type { Catalogs } from '../catalogs';
import type { Duplicate } from './DuplicateModal';

// Lazy: the drawer holds the edit form, which holds this hint.
const PatientDrawer = lazy(() => import('./PatientDrawer').then((module) => ({ default: module.PatientDrawer })));

export interface Identifiers {
  tel?: string;
  wechat?: string;
  qq?: string;
}

/** A field is checked once it is complete: a whole mobile number, a valid QQ, a WeChat id of 6 or more. */
function completeIdentifiers(values: Identifiers): Identifiers {
  const tel = values.tel?.trim();
  const wechat = values.wechat?.trim();
  const qq = values.qq?.trim();
  return {
    ...(tel && /^1[3-9]\d{9}$/.test(tel) ? { tel } : {}),
    ...(wechat && wechat.length >= 6 ? { wechat } : {}),
    ...(qq && /^[1-9]\d{4,11}$/.test(qq) ? { qq } : {}),
  };
}

export const probeKey = (values: Identifiers): string => JSON.stringify(completeIdentifiers(values));

/**
 * The duplicate check while typing: once the phone (or WeChat, QQ) is complete, the records
 * that share it are listed under the fields, each opening the record (only records the caller
 * may see come back). One request per distinct complete value: without the full-phone
 * permission a whole number is a counted lookup.
 */
export function DuplicateHint({
  values,
  excludeId,
  catalogs,
  onChecked,
}: {
  values: Identifiers;
  excludeId?: string;
  catalogs: Catalogs;
  /** The last answer, for the save to reuse instead of asking again. */
  onChecked?: (key: string, found: { duplicates: Duplicate[]; total: number }) => void;
}) {
  const { t } = useTranslation('admin');
  const [found, setFound] = useState<{ duplicates: Duplicate[]; fields: string[] }>();
  const [openId, setOpenId] = useState<string>();
  const asked = useRef<string>('{}');
  // Read through a ref: a new callback on every render of the form must not restart the check.
  const latest = useRef({ excludeId, onChecked });
  latest.current = { excludeId, onChecked };
  const probe = completeIdentifiers(values);
  const key = JSON.stringify(probe);

  useEffect(() => {
    if (key === asked.current) return;
    const query = JSON.parse(key) as Identifiers;
    if (Object.keys(query).length === 0) {
      asked.current = key;
      setFound(undefined);
      return;
    }
    let active = true;
    const timer = setTimeout(() => {
      asked.current = key;
      call(() => staffClient.GET('/back_end/api/v1/patient/duplicates', { params: { query } }))
        .then((report) => {
          if (!active) return;
          const duplicates = report.duplicates.filter((row) => row.id !== latest.current.excludeId);
          latest.current.onChecked?.(key, { duplicates, total: duplicates.length });
          const fields = [...new Set(duplicates.flatMap((row) => row.matchedOn))];
          setFound(duplicates.length > 0 ? { duplicates, fields } : undefined);
        })
        // A failed check (the day's lookups used up, say) is not a reason to stop typing: the save checks again.
        .catch(() => active && setFound(undefined));
    }, 300);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [key]);

  if (!found) return null;
  return (
    <Col span={24}>
      <Alert
        data-testid="duplicate-hint"
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('defects.duplicates.found', {
          count: found.duplicates.length,
          fields: found.fields.map((field) => t(`register.matched.${field}`)).join('、'),
        })}
        description={found.duplicates.map((row) => (
          <div key={row.id}>
            <LinkButton onClick={() => setOpenId(row.id)}>
              {row.name}（ID {row.id}）
            </LinkButton>{' '}
            {row.tel ?? ''}
          </div>
        ))}
      />
      {openId && (
        <Suspense fallback={null}>
          <PatientDrawer
            patientId={openId}
            catalogs={catalogs}
            onClose={() => setOpenId(undefined)}
            onChanged={() => undefined}
          />
        </Suspense>
      )}
    </Col>
  );
}
