import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { clinicZoneDiffers, clinicZoneName } from './clinicTime';

const BEIJING_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC']);

/** "北京时间" for China's zone, else "诊所时间（Europe/Berlin）": what the clinic's clock is called. */
export function useClinicZoneLabel(namespace: 'admin' | 'portal'): string {
  const { t } = useTranslation(namespace);
  const zone = clinicZoneName();
  return BEIJING_ZONES.has(zone) ? t('clinicTime.beijing') : t('clinicTime.zone', { zone });
}

/**
 * Says which clock the page's times follow, only when it is not the browser's own: a reader in
 * another zone would otherwise take 09:00 for their 09:00.
 */
export function ClinicTimeNote({ namespace, color }: { namespace: 'admin' | 'portal'; color?: string }) {
  const { t } = useTranslation(namespace);
  const label = useClinicZoneLabel(namespace);
  if (!clinicZoneDiffers()) return null;
  return (
    <Typography.Text data-testid="clinic-time-note" style={{ fontSize: 12, color, whiteSpace: 'nowrap' }}>
      {t('clinicTime.note', { label })}
    </Typography.Text>
  );
}
