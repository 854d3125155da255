import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable } from '../CatalogTable';

export default function AdvisoryWaysPage() {
  const { t } = useTranslation('admin');
  return (
    <CatalogTable
      title={t('menu.advisory-ways')}
      load={() => call(() => staffClient.GET('/back_end/api/v1/advisory-ways', { params: { query: { include_inactive: true } } })).then((body) => body.advisoryWays)}
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/advisory-ways', { body: { name: values.name, ...(values.sort_order !== undefined ? { sort_order: values.sort_order } : {}) } }))}
      setActive={(id, active) => call(() => staffClient.PATCH('/back_end/api/v1/advisory-ways/{id}', { params: { path: { id } }, body: { is_active: active } }))}
    />
  );
}
