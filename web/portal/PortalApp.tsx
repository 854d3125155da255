import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** Patient portal root (placeholder until the portal screens land). */
export default function PortalApp() {
  const { t } = useTranslation('portal');
  return <Result status="info" title={t('title')} />;
}
