import { PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import type { CheckboxProps } from 'antd';
import { App, Button, Select, Space, Tag } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { diseaseOptions, nameOf, options, useCatalogs } from '../catalogs';
import { ArrivalButton } from './ArrivalModal';
import { HandoverButton } from './HandoverModal';
import { DeletePatientButton, EditPatientButton } from './PatientActions';
import { PatientDrawer } from './PatientDrawer';
import { formatTime, rangeLabelProps, rangeTransform, sexLabel, stateLabel } from './patientFormat';
import { poolUrlOf, readPoolUrl } from './poolUrlState';
import { useConsultants } from './useConsultants';

type ListQuery = NonNullable<ApiPaths['/back_end/api/v1/patient']['get']['parameters']['query']>;
type Patient =
  ApiPaths['/back_end/api/v1/patient']['get']['responses'][200]['content']['application/json']['patients'][number];

const SORTABLE: Record<string, ListQuery['sort']> = {
  id: 'id',
  addTime: 'add_time',
  orderTime: 'order_time',
  reachTime: 'reach_time',
};
/** Who may open the edit form (PatientActions shows it for any of these). */
const EDIT_PERMISSIONS = [
  'patients:edit',
  'patients:change_doctor',
  'patients:change_channel',
  'patients:change_disease',
  'patients:edit_spend',
] as const;
const FILTER_KEYS = [
  'keyword',
  'state',
  'media_from_id',
  'disease_id',
  'doctor_id',
  'department_id',
  'author_id',
  'advisory_way',
  'visit_type',
  'add_time_from',
  'add_time_to',
  'order_time_from',
  'order_time_to',
  'reach_time_from',
  'reach_time_to',
] as const;

/** 客户池: the pool with every filter of GET patient/, paged and sorted by the server. */
export default function PatientPoolPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const access = useAccess();
  const catalogs = useCatalogs();
  const consultants = useConsultants();
  const actionRef = useRef<ActionType>(undefined);
  const [openId, setOpenId] = useState<string>();
  const location = useLocation();
  // Read once: afterwards the table owns the state and writes it back to the address.
  const [fromUrl] = useState(() => readPoolUrl(location.search));
  const sortOrder = (column: string) =>
    fromUrl.sort ? (fromUrl.sort.column === column ? fromUrl.sort.order : undefined) : undefined;
  /** The filters and total the list shows now: what "hand over all matching" moves. */
  const shown = useRef<{ filters: Record<string, unknown>; total: number }>({ filters: {}, total: 0 });

  async function changeState(patient: Patient, state: number) {
    // 流失 takes the patient out of the consultants' follow-ups and the funnel's open cases: asked first.
    if (
      state === 2 &&
      !(await modal.confirm({
        title: t('defects.lost.title', { name: patient.name }),
        content: t('defects.lost.content'),
        okText: t('defects.lost.ok'),
        okButtonProps: { danger: true },
        cancelText: t('common:cancel'),
      }))
    )
      return;
    try {
      await call(() =>
        staffClient.PATCH('/back_end/api/v1/patient/{id}', {
          params: { path: { id: Number(patient.id) } },
          body: { state },
        }),
      );
      message.success(t('patients.stateChanged', { name: patient.name, state: stateLabel(t, state) }));
      actionRef.current?.reload();
    } catch (cause) {
      message.error(messageOf(cause));
    }
  }

  // Wide enough for the longest state name in the current language ("Not arrived"), so it never truncates.
  const isLatin = /^[\x20-\x7e]*$/.test(t('patients.detail'));
  const stateWidth = Math.max(80, ...[0, 2].map((value) => stateLabel(t, value).length * (isLatin ? 8 : 14) + 40));
  // As wide as the actions this role is offered (the front desk has two, an administrator four), no wider:
  // every pixel it takes beyond them hides the columns scrolling under it.
  const offered = [
    t('patients.detail'),
    EDIT_PERMISSIONS.some((key) => access.can(key)) ? t('access.patient.edit') : '',
    access.can('patients:confirm_arrival') ? t('arrival.action') : '',
    access.can('patients:delete') ? t('access.patient.delete') : '',
  ].filter(Boolean);
  const actionsWidth = Math.max(100, offered.join('').length * (isLatin ? 7.5 : 14) + offered.length * 8 + 24);
  const stateEnum = {
    0: { text: stateLabel(t, 0), status: 'Default' },
    1: { text: stateLabel(t, 1), status: 'Success' },
    2: { text: stateLabel(t, 2), status: 'Error' },
  };
  const columns: ProColumns<Patient>[] = [
    {
      title: t('patients.keyword'),
      dataIndex: 'keyword',
      hideInTable: true,
      fieldProps: { placeholder: t('patients.keywordHint') },
    },
    { title: 'ID', dataIndex: 'id', search: false, sorter: true, defaultSortOrder: sortOrder('id'), width: 64 },
    {
      title: t('fields.name'),
      dataIndex: 'name',
      search: false,
      width: 96,
      render: (_, row) => <LinkButton onClick={() => setOpenId(row.id)}>{row.name}</LinkButton>,
    },
    { title: t('fields.sex'), dataIndex: 'sex', search: false, width: 72, render: (_, row) => sexLabel(t, row.sex) },
    { title: t('fields.tel'), dataIndex: 'tel', search: false, width: 122 },
    { title: t('fields.age'), dataIndex: 'age', search: false, width: 60 },
    {
      title: t('fields.state'),
      dataIndex: 'state',
      valueType: 'select',
      valueEnum: stateEnum,
      width: stateWidth + 16,
      render: (_, row) =>
        row.state === '1' || !access.can('patients:change_state') ? (
          <Tag color={row.state === '1' ? 'green' : row.state === '2' ? 'red' : 'default'}>
            {stateLabel(t, row.state)}
          </Tag>
        ) : (
          <Select
            size="small"
            aria-label={t('patients.changeStateOf', { name: row.name })}
            value={Number(row.state)}
            style={{ width: stateWidth }}
            onChange={(value) => void changeState(row, value)}
            options={[0, 2].map((value) => ({ value, label: stateLabel(t, value) }))}
          />
        ),
    },
    {
      title: t('fields.channel'),
      dataIndex: 'media_from_id',
      valueType: 'select',
      fieldProps: { options: options(catalogs.channels) },
      width: 104,
      ellipsis: true,
      render: (_, row) => nameOf(catalogs.channels, row.mediaFromId),
    },
    {
      title: t('fields.department'),
      dataIndex: 'department_id',
      valueType: 'select',
      hideInTable: true,
      fieldProps: { options: options(catalogs.departments) },
    },
    {
      title: t('fields.disease'),
      dataIndex: 'disease_id',
      valueType: 'select',
      fieldProps: { options: diseaseOptions(catalogs) },
      width: 104,
      ellipsis: true,
      render: (_, row) =>
        nameOf(
          catalogs.departments.flatMap((d) => d.diseases),
          row.diseaseId,
        ),
    },
    {
      title: t('fields.doctor'),
      dataIndex: 'doctor_id',
      valueType: 'select',
      fieldProps: { options: options(catalogs.doctors), showSearch: true },
      width: 100,
      ellipsis: true,
      render: (_, row) => nameOf(catalogs.doctors, row.doctorId),
    },
    {
      title: t('fields.consultant'),
      dataIndex: 'author_id',
      valueType: 'select',
      hideInSearch: consultants.length === 0,
      fieldProps: { options: options(consultants) },
      width: 100,
      ellipsis: true,
      // The row carries the name (every role that sees the row may read it), not only the id.
      render: (_, row) => row.authorName ?? nameOf(consultants, row.authorId),
    },
    {
      title: t('fields.advisoryWay'),
      dataIndex: 'advisory_way',
      valueType: 'select',
      fieldProps: { options: catalogs.advisoryWays.map((w) => ({ value: w.name, label: w.name })) },
      width: 100,
      render: (_, row) => row.advisoryWay,
    },
    {
      title: t('fields.visitType'),
      dataIndex: 'visit_type',
      valueType: 'select',
      hideInTable: true,
      valueEnum: { first: { text: t('visits.first') }, return: { text: t('visits.return') } },
    },
    {
      title: t('fields.addTime'),
      dataIndex: 'addTime',
      valueType: 'dateRange',
      sorter: true,
      defaultSortOrder: fromUrl.sort ? sortOrder('addTime') : 'descend',
      width: 140,
      search: { transform: rangeTransform('add_time') },
      fieldProps: rangeLabelProps(t, t('fields.addTime')),
      render: (_, row) => formatTime(row.addTime),
    },
    {
      title: t('fields.orderTime'),
      dataIndex: 'orderTime',
      valueType: 'dateRange',
      sorter: true,
      defaultSortOrder: sortOrder('orderTime'),
      width: 150,
      search: { transform: rangeTransform('order_time') },
      fieldProps: rangeLabelProps(t, t('fields.orderTime')),
      render: (_, row) => formatTime(row.orderTime),
    },
    {
      title: t('fields.reachTime'),
      dataIndex: 'reachTime',
      valueType: 'dateRange',
      sorter: true,
      defaultSortOrder: sortOrder('reachTime'),
      width: 150,
      search: { transform: rangeTransform('reach_time') },
      fieldProps: rangeLabelProps(t, t('fields.reachTime')),
      render: (_, row) => formatTime(row.reachTime),
    },
    {
      title: t('common:actions'),
      valueType: 'option',
      fixed: 'right',
      width: actionsWidth,
      render: (_, row) => (
        <Space>
          <LinkButton onClick={() => setOpenId(row.id)}>{t('patients.detail')}</LinkButton>
          <EditPatientButton
            patientId={row.id}
            name={row.name}
            catalogs={catalogs}
            onDone={() => actionRef.current?.reload()}
          />
          <ArrivalButton patient={row} catalogs={catalogs} onDone={() => actionRef.current?.reload()} />
          <DeletePatientButton patient={row} onDone={() => actionRef.current?.reload()} />
        </Space>
      ),
    },
  ];

  return (
    <PageContainer title={t('menu.patientsList')}>
      <ProTable<Patient>
        optionsRender={tableOptionsRender}
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        scroll={{ x: 'max-content' }}
        // Collapsed: the open form took half the screen and left five rows of the list in view.
        search={{ labelWidth: 'auto', defaultCollapsed: true }}
        form={{ initialValues: fromUrl.formValues }}
        pagination={{ defaultCurrent: fromUrl.page, defaultPageSize: fromUrl.pageSize, showSizeChanger: true }}
        columnsState={{
          persistenceKey: 'carepool.pool.columns',
          persistenceType: 'localStorage',
          // What the desk reads first fits 1440 px beside the actions; the rest is a click away in the column settings.
          defaultValue: {
            age: { show: false },
            doctor_id: { show: false },
            advisory_way: { show: false },
            orderTime: { show: false },
            reachTime: { show: false },
          },
        }}
        rowSelection={
          access.can('patients:handover')
            ? {
                // antd forwards aria-label to the checkbox input; its CheckboxProps type just omits it.
                getCheckboxProps: (row) =>
                  ({ 'aria-label': t('fig.handover.selectRow', { name: row.name }) }) as unknown as CheckboxProps,
              }
            : false
        }
        tableAlertOptionRender={({ selectedRowKeys, onCleanSelected }) => (
          <Space>
            <HandoverButton
              label={t('fig.handover.moveSelected')}
              selection={() => ({ kind: 'ids', ids: selectedRowKeys.map(String) })}
              onDone={() => {
                onCleanSelected();
                actionRef.current?.reload();
              }}
            />
            <LinkButton onClick={onCleanSelected}>{t('fig.handover.clearSelection')}</LinkButton>
          </Space>
        )}
        toolBarRender={() => [
          <HandoverButton
            key="handover"
            label={t('fig.handover.moveMatching')}
            selection={() => ({ kind: 'filters', ...shown.current, count: shown.current.total })}
            onDone={() => actionRef.current?.reload()}
          />,
          ...(access.can('patients:create') && access.hasMenu('regsiter')
            ? [
                <Button
                  key="register"
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => void navigate('/admin/regsiter')}
                >
                  {t('menu.regsiter')}
                </Button>,
              ]
            : []),
        ]}
        request={async (params, sort) => {
          const [sortKey, direction] = Object.entries(sort).find(([, value]) => value) ?? ['addTime', 'descend'];
          const query: ListQuery = {
            page: params.current ?? 1,
            page_size: params.pageSize ?? 20,
            sort: SORTABLE[sortKey] ?? 'add_time',
            order: direction === 'ascend' ? 'asc' : 'desc',
          };
          for (const key of FILTER_KEYS) {
            const value = params[key] as unknown;
            if (value !== undefined && value !== null && value !== '') Object.assign(query, { [key]: value });
          }
          void navigate({ search: poolUrlOf(query) }, { replace: true });
          try {
            const body = await call(() => staffClient.GET('/back_end/api/v1/patient', { params: { query } }));
            const { page: _page, page_size: _size, sort: _sort, order: _order, ...filters } = query;
            shown.current = { filters, total: body.total };
            return { data: body.patients, total: body.total, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
      />
      <PatientDrawer
        patientId={openId}
        catalogs={catalogs}
        onClose={() => setOpenId(undefined)}
        onChanged={() => actionRef.current?.reload()}
      />
    </PageContainer>
  );
}
