import { Alert, Drawer, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { call, staffClient } from '../api';
import { nameOf, useCatalogs } from '../catalogs';
import { useRemote } from '../useRemote';
import { PatientDrawer } from './PatientDrawer';
import { formatTime, stateLabel } from './patientFormat';

type ListQuery = NonNullable<ApiPaths['/back_end/api/v1/patient']['get']['parameters']['query']>;

/** The patients behind a figure: GET patient/ with the query the figure names (the same filters). */
export interface PatientListLink {
  title: string;
  query: Record<string, string | number | boolean>;
}

const PAGE_SIZE = 20;

/**
 * The patient list under a figure's filters, in a drawer over the screen that shows the figure:
 * its total is the list's own count, so a figure and its patients can be checked side by side.
 * Each name opens the record.
 */
export function PatientListDrawer({ link, onClose }: { link: PatientListLink | undefined; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const catalogs = useCatalogs();
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string>();
  const key = JSON.stringify(link?.query ?? null);
  const list = useRemote(
    () =>
      link
        ? call(() =>
            staffClient.GET('/back_end/api/v1/patient', {
              params: { query: { ...(link.query as ListQuery), page, page_size: PAGE_SIZE } },
            }),
          )
        : Promise.resolve(undefined),
    [key, page],
  );
  const body = list.data;
  return (
    <Drawer
      open={link !== undefined}
      onClose={() => {
        setPage(1);
        onClose();
      }}
      width={760}
      title={link?.title}
      destroyOnHidden
    >
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Typography.Paragraph data-testid="patient-list-total">
        {body ? t('fig.list.total', { count: body.total }) : t('fig.list.loading')}
      </Typography.Paragraph>
      <Table
        data-testid="patient-list"
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={body?.patients ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: body?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        columns={[
          {
            title: t('fields.name'),
            render: (_, row) => <LinkButton onClick={() => setOpenId(row.id)}>{row.name}</LinkButton>,
          },
          { title: t('fields.tel'), dataIndex: 'tel' },
          {
            title: t('fields.state'),
            render: (_, row) => (
              <Tag color={row.state === '1' ? 'green' : row.state === '2' ? 'red' : 'default'}>
                {stateLabel(t, row.state)}
              </Tag>
            ),
          },
          { title: t('fields.channel'), render: (_, row) => nameOf(catalogs.channels, row.mediaFromId) },
          { title: t('fields.addTime'), render: (_, row) => formatTime(row.addTime) },
          { title: t('fields.orderTime'), render: (_, row) => formatTime(row.orderTime) },
          { title: t('fields.reachTime'), render: (_, row) => formatTime(row.reachTime) },
        ]}
      />
      <PatientDrawer
        patientId={openId}
        catalogs={catalogs}
        onClose={() => setOpenId(undefined)}
        onChanged={() => list.reload()}
      />
    </Drawer>
  );
}
