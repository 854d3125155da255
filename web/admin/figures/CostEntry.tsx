import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Input, Space, Table, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { clinicNowPicker } from '../../ui/clinicTime';
import { call, staffClient } from '../api';
import { useCatalogs } from '../catalogs';
import { useSubmit } from '../useAction';
import { useRemote } from '../useRemote';
import { yuan } from './money';

type ImportReport =
  ApiPaths['/back_end/api/v1/statistics/costs/import']['post']['responses'][200]['content']['application/json']['importReport'];
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;

/**
 * One month's spend per channel, typed in and saved together (an emptied amount removes the
 * month's entry), or a CSV file checked first (dry run) and then written as a whole.
 */
export function CostEntry({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [month, setMonth] = useState<Dayjs>(() => clinicNowPicker().startOf('month'));
  const monthText = month.format('YYYY-MM');
  const stored = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/statistics/costs', {
          params: { query: { from_month: monthText, to_month: monthText } },
        }),
      ).then((body) => body.costs),
    [monthText],
  );
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  useEffect(() => {
    setAmounts(Object.fromEntries((stored.data ?? []).map((cost) => [cost.channelId, cost.amount])));
  }, [stored.data]);
  const before = Object.fromEntries((stored.data ?? []).map((cost) => [cost.channelId, cost.amount]));
  const changed = catalogs.channels.filter((c) => (amounts[c.id] ?? '') !== (before[c.id] ?? ''));
  const invalid = changed.some((c) => (amounts[c.id] ?? '') !== '' && !AMOUNT.test(amounts[c.id]!.trim()));
  const { saving, submit } = useSubmit<{ written: number }>(() => {
    stored.reload();
    onSaved();
  });

  function save() {
    void submit(
      () =>
        call(() =>
          staffClient.PUT('/back_end/api/v1/statistics/costs', {
            body: {
              entries: changed.map((c) => ({
                channel_id: Number(c.id),
                month: monthText,
                amount: (amounts[c.id] ?? '').trim() === '' ? null : amounts[c.id]!.trim(),
              })),
            },
          }),
        ),
      (result) => t('fig.costs.saved', { count: result.written, month: monthText }),
    );
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <DatePicker
          picker="month"
          aria-label={t('fig.costs.month')}
          value={month}
          allowClear={false}
          onChange={(value) => value && setMonth(value.startOf('month'))}
        />
        <Button type="primary" loading={saving} disabled={changed.length === 0 || invalid} onClick={save}>
          {t('fig.costs.save')}
        </Button>
        <Typography.Text type="secondary">{t('fig.costs.entryHint')}</Typography.Text>
      </Space>
      {stored.error && <Alert type="error" showIcon message={stored.error} />}
      <Table
        data-testid="cost-entry"
        rowKey="id"
        size="small"
        loading={stored.loading}
        dataSource={catalogs.channels}
        pagination={false}
        columns={[
          { title: t('statistics.groups.channel'), dataIndex: 'name' },
          {
            title: t('fig.costs.amountOf', { month: monthText }),
            render: (_, channel) => {
              const value = amounts[channel.id] ?? '';
              const bad = value.trim() !== '' && !AMOUNT.test(value.trim());
              return (
                <Input
                  aria-label={t('fig.costs.amountFor', { channel: channel.name, month: monthText })}
                  value={value}
                  status={bad ? 'error' : undefined}
                  suffix={t('fig.costs.yuan')}
                  style={{ width: 200 }}
                  onChange={(event) => setAmounts((all) => ({ ...all, [channel.id]: event.target.value }))}
                />
              );
            },
          },
          {
            title: t('fig.costs.stored'),
            render: (_, channel) => {
              const entry = stored.data?.find((cost) => cost.channelId === channel.id);
              return entry ? `${yuan(entry.amount, t('fig.costs.yuan'))} · ${entry.updatedByName ?? ''}` : '—';
            },
          },
        ]}
      />
      <CostImport
        onWritten={() => {
          stored.reload();
          onSaved();
        }}
      />
    </Space>
  );
}

/** 导入: the file's text goes to a dry run; its report (problems by line, amounts replaced) precedes the commit. */
function CostImport({ onWritten }: { onWritten: () => void }) {
  const { t } = useTranslation('admin');
  const [csv, setCsv] = useState<string>();
  const [report, setReport] = useState<ImportReport>();
  const { saving, submit } = useSubmit<{ importReport: ImportReport }>(({ importReport: result }) => {
    setReport(result);
    if (result.mode === 'commit' && result.written > 0) onWritten();
  });
  const send = (text: string, mode: 'dry_run' | 'commit') =>
    submit(
      () => call(() => staffClient.POST('/back_end/api/v1/statistics/costs/import', { body: { csv: text, mode } })),
      (result) =>
        mode === 'commit'
          ? t('fig.costs.imported', { count: result.importReport.written })
          : t('fig.costs.checked', { count: result.importReport.valid, problems: result.importReport.problems.length }),
    );

  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
      <Typography.Title level={5}>{t('fig.costs.importTitle')}</Typography.Title>
      <Typography.Text type="secondary">{t('fig.costs.importHint')}</Typography.Text>
      <Space>
        <Upload
          accept=".csv,text/csv"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => {
              setCsv(text);
              setReport(undefined);
              void send(text, 'dry_run');
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('fig.costs.chooseFile')}</Button>
        </Upload>
        <Button
          type="primary"
          loading={saving}
          disabled={!csv || !report || report.mode !== 'dry_run' || report.problems.length > 0 || report.valid === 0}
          onClick={() => csv && void send(csv, 'commit')}
        >
          {t('fig.costs.commit')}
        </Button>
      </Space>
      {report && (
        <div data-testid="cost-import-report">
          <Typography.Paragraph>
            {t('fig.costs.reportLine', { rows: report.rows, valid: report.valid, written: report.written })}
          </Typography.Paragraph>
          {report.problems.length > 0 && (
            <Table
              size="small"
              rowKey={(p) => `${p.row}-${p.field}-${p.message}`}
              pagination={false}
              dataSource={report.problems}
              columns={[
                { title: t('fig.costs.line'), render: (_, p) => (p.row === 0 ? t('fig.costs.wholeFile') : p.row) },
                { title: t('fig.costs.field'), render: (_, p) => t(`fig.costs.fields.${p.field}`) },
                { title: t('fig.costs.problem'), dataIndex: 'message' },
              ]}
            />
          )}
          {report.problems.length === 0 && report.entries.length > 0 && (
            <Table
              size="small"
              rowKey="row"
              pagination={false}
              dataSource={report.entries}
              columns={[
                { title: t('fig.costs.line'), dataIndex: 'row' },
                { title: t('statistics.groups.channel'), dataIndex: 'channelName' },
                { title: t('fig.costs.month'), dataIndex: 'month' },
                { title: t('fig.costs.amount'), render: (_, e) => yuan(e.amount, t('fig.costs.yuan')) },
                { title: t('fig.costs.replaces'), render: (_, e) => yuan(e.before, t('fig.costs.yuan')) },
              ]}
            />
          )}
        </div>
      )}
    </Space>
  );
}
