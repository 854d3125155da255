import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** Back office root (placeholder until the back-office screens land). */
export default function AdminApp() {
  const { t } = useTranslation('admin');
  return <Result status="info" title={t('title')} />;
}
