import { ProFormSelect, ProFormText } from '@ant-design/pro-components';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable } from '../CatalogTable';
import { nameOf, options, useCatalogs } from '../catalogs';

export default function DoctorsPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  return (
    <CatalogTable
      title={t('menu.doctors')}
      extraColumn={t('fields.department')}
      load={() => call(() => staffClient.GET('/back_end/api/v1/doctors', { params: { query: { include_inactive: true } } })).then((body) => body.doctors.map((d) => ({ ...d, extra: [d.title, d.departmentId && nameOf(catalogs.departments, d.departmentId)].filter(Boolean).join(' · ') })))}
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/doctors', { body: { name: values.name, ...(values.sort_order !== undefined ? { sort_order: values.sort_order } : {}), ...(values.department_id ? { department_id: Number(values.department_id) } : {}), ...(values.title ? { title: String(values.title) } : {}) } }))}
      setActive={(id, active) => call(() => staffClient.PATCH('/back_end/api/v1/doctors/{id}', { params: { path: { id } }, body: { is_active: active } }))}
    >
      <ProFormSelect name="department_id" label={t('fields.department')} options={options(catalogs.departments)} />
      <ProFormText name="title" label={t('catalogs.doctorTitle')} rules={[{ max: 50 }]} />
    </CatalogTable>
  );
}
