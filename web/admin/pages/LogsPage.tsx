import { PageContainer, ProTable } from '@ant-design/pro-components';
import { App } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { clinicDayEnd, clinicDayStart, DATE_FORMAT, formatClinicInstant } from '../../ui/clinicTime';
import { useTableOptionsRender } from '../accessibleChrome';
import { call, messageOf, staffClient } from '../api';
import { AuditDetails, actionName, actionOptions, targetName } from '../auditFormat';
import { rangeLabelProps } from '../patients/patientFormat';

/** 操作日志: the audit log, newest first, filtered by action, target, outcome and time. */
export default function LogsPage() {
  const { t } = useTranslation('admin');
  const tableOptionsRender = useTableOptionsRender();
  const { message } = App.useApp();
  return (
    <PageContainer title={t('menu.logs')}>
      <ProTable
        optionsRender={tableOptionsRender}
        rowKey="id"
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 1100 }}
        request={async (params) => {
          const query: Record<string, string | number> = {
            page: params.current ?? 1,
            page_size: params.pageSize ?? 20,
          };
          for (const key of ['action', 'target_type', 'target_id', 'outcome'] as const)
            if (params[key]) query[key] = String(params[key]);
          if (params.target_id && !params.target_type) query.target_type = 'patient';
          if (Array.isArray(params.time)) {
            // Whole clinic days, in the milliseconds this API takes.
            query.from = clinicDayStart(dayjs(params.time[0] as string).format(DATE_FORMAT)) * 1000;
            query.to = clinicDayEnd(dayjs(params.time[1] as string).format(DATE_FORMAT)) * 1000 + 999;
          }
          try {
            const body = await call(() =>
              staffClient.GET('/back_end/api/v1/logs', {
                params: { query: query as { page: number; page_size: number } },
              }),
            );
            return { data: body.entries, total: body.total, success: true };
          } catch (cause) {
            message.error(messageOf(cause));
            return { data: [], total: 0, success: false };
          }
        }}
        columns={[
          {
            title: t('audit.time'),
            dataIndex: 'time',
            valueType: 'dateRange',
            search: { transform: (value: unknown) => ({ time: value }) },
            fieldProps: rangeLabelProps(t, t('audit.time')),
            render: (_, e) => formatClinicInstant(e.occurredAt),
            width: 170,
          },
          {
            title: t('audit.actor'),
            search: false,
            render: (_, e) => e.actorDisplayName ?? e.actorUsername ?? e.actorLabel ?? e.actorType,
          },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            valueType: 'select',
            // A list of the actions by name: the filter used to want a raw key such as patient.read typed in.
            fieldProps: {
              options: actionOptions(t),
              showSearch: true,
              optionFilterProp: 'label',
              placeholder: t('defects.audit.actionPick'),
            },
            render: (_, e) => actionName(t, e.action),
          },
          {
            title: t('audit.targetType'),
            dataIndex: 'target_type',
            valueType: 'select',
            fieldProps: {
              options: Object.keys(t('defects.audit.targets', { returnObjects: true }) as Record<string, string>).map(
                (value) => ({ value, label: targetName(t, value) }),
              ),
            },
            render: (_, e) => targetName(t, e.targetType),
          },
          { title: t('audit.targetId'), dataIndex: 'target_id', render: (_, e) => e.targetId },
          {
            title: t('audit.outcome'),
            dataIndex: 'outcome',
            valueType: 'select',
            valueEnum: {
              success: { text: t('audit.success'), status: 'Success' },
              failure: { text: t('audit.failure'), status: 'Error' },
              denied: { text: t('defects.audit.denied'), status: 'Warning' },
            },
          },
          { title: 'IP', dataIndex: 'ip', search: false },
          {
            title: t('audit.details'),
            search: false,
            width: 320,
            render: (_, e) => <AuditDetails t={t} details={e.details} />,
          },
        ]}
      />
    </PageContainer>
  );
}
