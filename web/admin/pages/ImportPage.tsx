import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Alert, App, Button, Descriptions, Radio, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { errorMessage } from '../../api/client';
import { useAccess } from '../access';
import { getToken } from '../session';

type ImportReport =
  ApiPaths['/back_end/api/v1/patient/import']['post']['responses'][200]['content']['application/json']['importReport'];
type Mode = 'dry_run' | 'commit';

/**
 * 批量导入: upload a file, read the dry-run report, then commit the same file. Multipart is
 * sent with fetch (openapi-fetch serialises JSON bodies); the response type still comes
 * from the generated schema.
 */
async function upload(file: File, mode: Mode, onDuplicate: 'skip' | 'update', fallback: string): Promise<ImportReport> {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(`/back_end/api/v1/patient/import?mode=${mode}&on_duplicate=${onDuplicate}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${getToken() ?? ''}` },
    body: form,
  });
  const body = (await response.json().catch(() => null)) as { importReport?: ImportReport } | null;
  if (!response.ok || !body?.importReport) throw new Error(errorMessage(body, fallback));
  return body.importReport;
}

export default function ImportPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const canImport = useAccess().can('patients:import');
  const [file, setFile] = useState<File>();
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update'>('skip');
  const [report, setReport] = useState<ImportReport>();
  const [busy, setBusy] = useState<Mode>();
  /** A problem with the file as a whole (a missing column, an empty file): shown in the report's place until the next try. */
  const [fileError, setFileError] = useState<string>();
  const templateHref = (format: 'xlsx' | 'csv') =>
    `/back_end/api/v1/patient/import/template?${new URLSearchParams({ format, token: getToken() ?? '' })}`;

  async function run(mode: Mode) {
    if (!file) return;
    setBusy(mode);
    setFileError(undefined);
    try {
      const result = await upload(file, mode, onDuplicate, t('errors.generic'));
      setReport(result);
      if (result.committed)
        message.success(
          t('import.committed', { inserted: result.inserted, updated: result.updated, skipped: result.skipped }),
        );
    } catch (cause) {
      setReport(undefined);
      setFileError(cause instanceof Error ? cause.message : t('errors.generic'));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <PageContainer title={t('menu.patients-import')}>
      <ProCard>
        <Alert
          type="info"
          showIcon
          message={t('import.hint')}
          description={
            canImport && (
              <Space wrap>
                {t('defects.import.templateHint')}
                <Button size="small" icon={<DownloadOutlined />} href={templateHref('xlsx')} download>
                  {t('defects.import.templateXlsx')}
                </Button>
                <Button size="small" icon={<DownloadOutlined />} href={templateHref('csv')} download>
                  {t('defects.import.templateCsv')}
                </Button>
              </Space>
            )
          }
          style={{ marginBottom: 16 }}
        />
        {canImport && (
          <Space wrap>
            <Upload
              accept=".xlsx,.csv"
              maxCount={1}
              beforeUpload={(chosen) => {
                setFile(chosen);
                setReport(undefined);
                setFileError(undefined);
                return false;
              }}
              onRemove={() => {
                setFile(undefined);
                setReport(undefined);
                setFileError(undefined);
              }}
            >
              <Button icon={<UploadOutlined />}>{t('import.choose')}</Button>
            </Upload>
            <Radio.Group
              value={onDuplicate}
              onChange={(event) => setOnDuplicate(event.target.value as 'skip' | 'update')}
              options={[
                { value: 'skip', label: t('import.skip') },
                { value: 'update', label: t('import.update') },
              ]}
            />
            <Button disabled={!file} loading={busy === 'dry_run'} onClick={() => void run('dry_run')}>
              {t('import.dryRun')}
            </Button>
            <Button
              type="primary"
              disabled={!file || !report || report.committed || report.errorCount > 0}
              loading={busy === 'commit'}
              onClick={() => void run('commit')}
            >
              {t('import.commit')}
            </Button>
          </Space>
        )}
        {fileError && (
          <Alert
            data-testid="import-file-error"
            type="error"
            showIcon
            style={{ marginTop: 16 }}
            message={t('defects.import.fileError')}
            description={fileError}
          />
        )}
        {report && (
          <>
            <Descriptions
              bordered
              size="small"
              column={4}
              style={{ marginTop: 16 }}
              items={[
                { key: 'total', label: t('import.totalRows'), children: report.totalRows },
                { key: 'valid', label: t('import.validRows'), children: report.validRows },
                { key: 'errors', label: t('import.errorCount'), children: report.errorCount },
                { key: 'duplicates', label: t('import.duplicates'), children: report.duplicates.length },
              ]}
            />
            {report.errorCount > 0 && (
              <Alert type="error" showIcon style={{ marginTop: 16 }} message={t('import.fixErrors')} />
            )}
            <Table
              style={{ marginTop: 16 }}
              rowKey={(e) => `${e.line}-${e.field}`}
              size="small"
              dataSource={report.errors}
              locale={{ emptyText: t('import.noErrors') }}
              columns={[
                { title: t('import.line'), dataIndex: 'line' },
                { title: t('defects.import.column'), dataIndex: 'column' },
                { title: t('import.reason'), dataIndex: 'reason' },
              ]}
            />
            {report.duplicates.length > 0 && (
              <Table
                style={{ marginTop: 16 }}
                rowKey={(d) => `${d.line}`}
                size="small"
                dataSource={report.duplicates}
                columns={[
                  { title: t('import.line'), dataIndex: 'line' },
                  { title: t('fields.tel'), dataIndex: 'tel' },
                  { title: t('import.source'), render: (_, d) => t(`import.sources.${d.source}`) },
                  { title: t('import.action'), render: (_, d) => t(`import.${d.action}`) },
                ]}
              />
            )}
          </>
        )}
      </ProCard>
    </PageContainer>
  );
}
