import { DownloadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Alert, Button, Form, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import { useCatalogs } from '../catalogs';
import {
  countFilters,
  PatientFilterForm,
  type PatientFilterQuery,
  type PatientFilterValues,
  patientFilterQuery,
} from '../PatientFilterForm';
import { getToken } from '../session';

/** How long the count waits for typing to settle before asking the server. */
const COUNT_DELAY_MS = 300;

/** The number of patients the filters match (what the export will contain), refreshed as they change. */
function useMatchingCount(query: PatientFilterQuery): { count?: number; error?: string } {
  const [state, setState] = useState<{ count?: number; error?: string }>({});
  const key = JSON.stringify(query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query object is new on every render; its JSON (`key`) says when it changed
  useEffect(() => {
    let active = true;
    const timer = setTimeout(() => {
      call(() =>
        staffClient.GET('/back_end/api/v1/patient', {
          params: { query: { ...query, page: 1, page_size: 1, sort: 'id', order: 'asc' } },
        }),
      )
        .then((body) => active && setState({ count: body.total }))
        .catch((cause: unknown) => active && setState({ error: messageOf(cause) }));
    }, COUNT_DELAY_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [key]);
  return state;
}

/**
 * 导出: every filter of the pool list, then plain download links to GET patient/export. The
 * token rides in the query string because a link cannot carry an Authorization header; the
 * file streams straight to disk, whatever its size. The server audits every export.
 */
export default function ExportPage() {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const catalogs = useCatalogs();
  const [form] = Form.useForm<PatientFilterValues>();
  const [query, setQuery] = useState<PatientFilterQuery>({});
  const matching = useMatchingCount(query);
  const allowed = access.can('patients:export');

  const href = (format: 'csv' | 'xlsx') => {
    const params = new URLSearchParams({ format, token: getToken() ?? '' });
    for (const [key, value] of Object.entries(query)) params.set(key, String(value));
    return `/back_end/api/v1/patient/export?${params.toString()}`;
  };

  const filterCount = countFilters(query);
  return (
    <PageContainer title={t('menu.patients-transfer')}>
      <ProCard
        title={t('exportFilters.title')}
        extra={
          <Button
            disabled={filterCount === 0}
            onClick={() => {
              form.resetFields();
              setQuery({});
            }}
          >
            {t('exportFilters.reset')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('export.hint')}</Typography.Paragraph>
        <PatientFilterForm
          form={form}
          catalogs={catalogs}
          onChange={(values) => setQuery(patientFilterQuery(values))}
        />
        <div data-testid="export-summary" role="status" style={{ margin: '8px 0 16px' }}>
          {matching.error ? (
            <Alert type="error" showIcon message={matching.error} />
          ) : (
            <Typography.Text strong>
              {matching.count === undefined
                ? t('exportFilters.counting')
                : t('exportFilters.matching', { count: matching.count })}
              {' · '}
              {filterCount === 0
                ? t('exportFilters.noFilters')
                : t('exportFilters.filterCount', { count: filterCount })}
            </Typography.Text>
          )}
        </div>
        {allowed ? (
          <Space>
            <Button type="primary" icon={<DownloadOutlined />} href={href('csv')} download>
              {t('export.csv')}
            </Button>
            <Button icon={<DownloadOutlined />} href={href('xlsx')} download>
              {t('export.xlsx')}
            </Button>
          </Space>
        ) : (
          <Alert type="info" showIcon message={t('exportFilters.notAllowed')} />
        )}
      </ProCard>
    </PageContainer>
  );
}
