import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable } from '../CatalogTable';

/** Departments with their diseases listed beside them (the two-level catalog). */
export default function DepartmentsPage() {
  const { t } = useTranslation('admin');
  return (
    <CatalogTable
      title={t('menu.departments')}
      extraColumn={t('fields.disease')}
      load={() => call(() => staffClient.GET('/back_end/api/v1/departments', { params: { query: { include_inactive: true } } })).then((body) => body.departments.map((d) => ({ ...d, extra: d.diseases.map((disease) => disease.name).join('、') })))}
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/departments', { body: { name: values.name, ...(values.sort_order !== undefined ? { sort_order: values.sort_order } : {}) } }))}
      setActive={(id, active) => call(() => staffClient.PATCH('/back_end/api/v1/departments/{id}', { params: { path: { id } }, body: { is_active: active } }))}
    />
  );
}
