import { useState } from 'react';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Button, DatePicker, Form, Input, Select, Space, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useCatalogs, options } from '../catalogs';
import { stateLabel } from '../patients/patientFormat';
import { getToken } from '../session';

interface ExportFilters {
  keyword?: string;
  state?: number;
  media_from_id?: number;
  add_time?: [Dayjs, Dayjs];
}

/**
 * 导出: plain download links to GET patient/export. The token rides in the query string
 * because a link cannot carry an Authorization header; the server audits every export.
 */
export default function ExportPage() {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [filters, setFilters] = useState<ExportFilters>({});

  const href = (format: 'csv' | 'xlsx') => {
    const query = new URLSearchParams({ format, token: getToken() ?? '' });
    if (filters.keyword?.trim()) query.set('keyword', filters.keyword.trim());
    if (filters.state !== undefined) query.set('state', String(filters.state));
    if (filters.media_from_id !== undefined) query.set('media_from_id', String(filters.media_from_id));
    if (filters.add_time) {
      query.set('add_time_from', String(filters.add_time[0].startOf('day').unix()));
      query.set('add_time_to', String(filters.add_time[1].endOf('day').unix()));
    }
    return `/back_end/api/v1/patient/export?${query.toString()}`;
  };

  return (
    <PageContainer title={t('menu.patients-transfer')}>
      <ProCard>
        <Typography.Paragraph type="secondary">{t('export.hint')}</Typography.Paragraph>
        <Form<ExportFilters> layout="inline" onValuesChange={(_, all) => setFilters(all)} style={{ rowGap: 12 }}>
          <Form.Item name="keyword" label={t('patients.keyword')}>
            <Input allowClear placeholder={t('patients.keywordHint')} />
          </Form.Item>
          <Form.Item name="state" label={t('fields.state')}>
            <Select allowClear style={{ width: 120 }} options={[0, 1, 2].map((value) => ({ value, label: stateLabel(t, value) }))} />
          </Form.Item>
          <Form.Item name="media_from_id" label={t('fields.channel')}>
            <Select allowClear style={{ width: 160 }} options={options(catalogs.channels)} />
          </Form.Item>
          <Form.Item name="add_time" label={t('fields.addTime')}>
            <DatePicker.RangePicker />
          </Form.Item>
        </Form>
        <Space style={{ marginTop: 24 }}>
          <Button type="primary" icon={<DownloadOutlined />} href={href('csv')} download>
            {t('export.csv')}
          </Button>
          <Button icon={<DownloadOutlined />} href={href('xlsx')} download>
            {t('export.xlsx')}
          </Button>
        </Space>
      </ProCard>
    </PageContainer>
  );
}
