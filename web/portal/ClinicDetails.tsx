import { ClockCircleOutlined, EnvironmentOutlined, PhoneOutlined } from '@ant-design/icons';
import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ClinicTimeNote } from '../ui/ClinicTimeNote';
import { telHref, useClinic } from './clinic';
import { PortalCard } from './PortalCard';

/** The clinic's address, phone (a tap calls it) and hours on the home page; nothing when none is configured. */
export function ClinicCard() {
  const { t } = useTranslation('portal');
  const clinic = useClinic();
  if (!clinic || !(clinic.address || clinic.phone || clinic.hours)) return null;
  const rows = [
    clinic.address ? { key: 'address', icon: <EnvironmentOutlined />, value: clinic.address } : null,
    clinic.phone
      ? {
          key: 'phone',
          icon: <PhoneOutlined />,
          value: (
            <a href={telHref(clinic.phone)} aria-label={t('clinic.call', { phone: clinic.phone })}>
              {clinic.phone}
            </a>
          ),
        }
      : null,
    clinic.hours ? { key: 'hours', icon: <ClockCircleOutlined />, value: clinic.hours } : null,
  ].filter((row) => row !== null);
  return (
    <PortalCard size="small" title={clinic.name ?? t('clinic.title')} aria-label={t('clinic.title')}>
      <Space direction="vertical" size={6} style={{ width: '100%' }}>
        {rows.map((row) => (
          <Typography.Text key={row.key} style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
            <span aria-hidden>{row.icon}</span>
            <span>
              <Typography.Text type="secondary">
                {t(`clinic.${row.key}`)}
                {t('clinic.colon')}
              </Typography.Text>
              {row.value}
            </span>
          </Typography.Text>
        ))}
      </Space>
    </PortalCard>
  );
}

/** Every page's footer: the clinic's name and phone, and which clock the times follow when it is not the browser's. */
export function ClinicFooter({ bottomSpace }: { bottomSpace: number }) {
  const { t } = useTranslation('portal');
  const clinic = useClinic();
  return (
    <footer
      style={{
        textAlign: 'center',
        padding: `12px 12px ${bottomSpace}px`,
        color: 'rgba(0,0,0,0.55)',
        fontSize: 12,
        display: 'flex',
        flexWrap: 'wrap',
        justifyContent: 'center',
        gap: '4px 12px',
      }}
    >
      <span>{clinic?.name ?? t('title')}</span>
      {clinic?.phone ? (
        <a href={telHref(clinic.phone)} aria-label={t('clinic.call', { phone: clinic.phone })}>
          <PhoneOutlined aria-hidden /> {clinic.phone}
        </a>
      ) : null}
      {clinic?.hours ? <span>{clinic.hours}</span> : null}
      <ClinicTimeNote namespace="portal" />
    </footer>
  );
}
