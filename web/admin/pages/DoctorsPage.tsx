import { ProFormSelect, ProFormText } from '@ant-design/pro-components';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { CatalogTable, type CatalogValues } from '../CatalogTable';
import { entryBody, nameOf, options, useCatalogs } from '../catalogs';

/** The doctor's own fields: an emptied department or title is cleared (null), not left as it was. */
function doctorBody(values: CatalogValues) {
  const title = typeof values.title === 'string' ? values.title.trim() : '';
  return {
    ...entryBody(values),
    department_id: values.department_id ? Number(values.department_id) : null,
    title: title === '' ? null : title,
  };
}

export default function DoctorsPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  return (
    <CatalogTable
      title={t('menu.doctors')}
      extraColumn={t('fields.department')}
      load={async () => {
        // Departments loaded with the doctors, so their names are there on the first render.
        const [{ doctors }, { departments }] = await Promise.all([
          call(() => staffClient.GET('/back_end/api/v1/doctors', { params: { query: { include_inactive: true } } })),
          call(() =>
            staffClient.GET('/back_end/api/v1/departments', { params: { query: { include_inactive: true } } }),
          ),
        ]);
        return doctors.map((d) => ({
          ...d,
          extra: [d.title, d.departmentId && nameOf(departments, d.departmentId)].filter(Boolean).join(' · '),
          formValues: {
            department_id: d.departmentId ? Number(d.departmentId) : undefined,
            title: d.title ?? undefined,
          },
        }));
      }}
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/doctors', { body: doctorBody(values) }))}
      update={(id, values) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/doctors/{id}', { params: { path: { id } }, body: doctorBody(values) }),
        )
      }
      remove={(id) =>
        call(() => staffClient.DELETE('/back_end/api/v1/doctors/{id}', { params: { path: { id } }, body: {} }))
      }
      setActive={(id, active) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/doctors/{id}', { params: { path: { id } }, body: { is_active: active } }),
        )
      }
    >
      <ProFormSelect
        name="department_id"
        label={t('fields.department')}
        options={options(catalogs.departments)}
        allowClear
      />
      <ProFormText name="title" label={t('catalogs.doctorTitle')} rules={[{ max: 32 }]} />
    </CatalogTable>
  );
}
