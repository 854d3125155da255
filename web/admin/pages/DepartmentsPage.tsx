import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, ProFormDigit, ProFormSwitch, ProFormText } from '@ant-design/pro-components';
import { Button, Popconfirm, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { type CatalogRow, CatalogTable } from '../CatalogTable';
import { entryBody } from '../catalogs';
import { useAction } from '../useAction';

interface Disease {
  id: string;
  name: string;
  sortOrder: number;
  isActive: boolean;
}

type DepartmentRow = CatalogRow & { diseases: Disease[] };

interface DiseaseValues {
  name: string;
  sort_order?: number | null;
  is_active?: boolean;
}

/**
 * A department's diseases as tags; with catalogs:manage a tag opens the disease's edit form
 * (name, order, active, delete) and a button adds one to the department.
 */
function Diseases({ department, reload }: { department: DepartmentRow; reload: () => void }) {
  const { t } = useTranslation('admin');
  const canManage = useAccess().can('catalogs:manage');

  const attempt = useAction(() => reload());

  const tag = (disease: Disease) => <Tag color={disease.isActive ? 'blue' : 'default'}>{disease.name}</Tag>;
  const nameField = <ProFormText name="name" label={t('catalogs.name')} rules={[{ required: true }, { max: 32 }]} />;
  const orderField = (
    <ProFormDigit name="sort_order" label={t('catalogs.sortOrder')} min={0} fieldProps={{ precision: 0 }} />
  );

  return (
    <Space size={[0, 4]} wrap>
      {department.diseases.map((disease) =>
        canManage ? (
          <ModalForm<DiseaseValues>
            key={disease.id}
            title={t('catalogEdit.editDisease', { name: disease.name })}
            trigger={
              <LinkButton aria-label={t('catalogEdit.diseaseOf', { name: disease.name })}>{tag(disease)}</LinkButton>
            }
            modalProps={{ destroyOnHidden: true }}
            width={420}
            initialValues={{ name: disease.name, sort_order: disease.sortOrder, is_active: disease.isActive }}
            submitter={{
              render: (_, buttons) => [
                <Popconfirm
                  key="delete"
                  title={t('catalogEdit.deleteConfirm', { name: disease.name })}
                  onConfirm={() =>
                    attempt(
                      () =>
                        call(() =>
                          staffClient.DELETE('/back_end/api/v1/diseases/{id}', {
                            params: { path: { id: Number(disease.id) } },
                            body: {},
                          }),
                        ),
                      t('catalogEdit.deleted'),
                    )
                  }
                >
                  <Button danger>{t('catalogEdit.delete')}</Button>
                </Popconfirm>,
                ...buttons,
              ],
            }}
            onFinish={(values) =>
              attempt(
                () =>
                  call(() =>
                    staffClient.PATCH('/back_end/api/v1/diseases/{id}', {
                      params: { path: { id: Number(disease.id) } },
                      body: {
                        ...entryBody(values),
                        ...(values.is_active !== undefined ? { is_active: values.is_active } : {}),
                      },
                    }),
                  ),
                t('catalogs.saved'),
              )
            }
          >
            {nameField}
            {orderField}
            <ProFormSwitch name="is_active" label={t('catalogs.active')} />
          </ModalForm>
        ) : (
          <span key={disease.id}>{tag(disease)}</span>
        ),
      )}
      {canManage && (
        <ModalForm<DiseaseValues>
          title={t('catalogEdit.addDiseaseTitle', { department: department.name })}
          trigger={
            <Button size="small" type="dashed" icon={<PlusOutlined />}>
              {t('catalogEdit.addDisease')}
            </Button>
          }
          modalProps={{ destroyOnHidden: true }}
          width={420}
          onFinish={(values) =>
            attempt(
              () =>
                call(() =>
                  staffClient.POST('/back_end/api/v1/diseases', {
                    body: { ...entryBody(values), department_id: Number(department.id) },
                  }),
                ),
              t('catalogs.saved'),
            )
          }
        >
          {nameField}
          {orderField}
        </ModalForm>
      )}
    </Space>
  );
}

/** Departments with their diseases beside them (the two-level catalog). */
export default function DepartmentsPage() {
  const { t } = useTranslation('admin');
  return (
    <CatalogTable<DepartmentRow>
      title={t('menu.departments')}
      extraColumn={t('fields.disease')}
      renderExtra={(department, reload) => <Diseases department={department} reload={reload} />}
      load={() =>
        call(() =>
          staffClient.GET('/back_end/api/v1/departments', { params: { query: { include_inactive: true } } }),
        ).then((body) => body.departments)
      }
      create={(values) => call(() => staffClient.POST('/back_end/api/v1/departments', { body: entryBody(values) }))}
      update={(id, values) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/departments/{id}', { params: { path: { id } }, body: entryBody(values) }),
        )
      }
      remove={(id) =>
        call(() => staffClient.DELETE('/back_end/api/v1/departments/{id}', { params: { path: { id } }, body: {} }))
      }
      setActive={(id, active) =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/departments/{id}', {
            params: { path: { id } },
            body: { is_active: active },
          }),
        )
      }
    />
  );
}
