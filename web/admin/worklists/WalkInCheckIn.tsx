import { UserAddOutlined } from '@ant-design/icons';
import { Button, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import type { Catalogs } from '../catalogs';
import { ArrivalButton } from '../patients/ArrivalModal';

interface Found {
  id: string;
  name: string;
  tel: string | null;
  doctorId: string | null;
}

/**
 * 无预约到诊: find the patient who walked in (name or phone, as the pool's keyword) and
 * confirm the arrival with the pool's own arrival dialog (POST patient/{id}/arrival).
 */
export function WalkInCheckIn({ catalogs, onDone }: { catalogs: Catalogs; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const [open, setOpen] = useState(false);
  const [keyword, setKeyword] = useState('');
  const [found, setFound] = useState<Found[]>([]);
  const [chosen, setChosen] = useState<Found>();

  useEffect(() => {
    const typed = keyword.trim();
    if (typed.length < 1) return;
    let active = true;
    const timer = setTimeout(() => {
      call(() =>
        staffClient.GET('/back_end/api/v1/patient', {
          params: { query: { keyword: typed, page: 1, page_size: 20, sort: 'add_time', order: 'desc' } },
        }),
      )
        .then((body) => active && setFound(body.patients))
        .catch(() => active && setFound([]));
    }, 250);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [keyword]);

  if (!access.can('patients:confirm_arrival')) return null;
  const close = () => {
    setOpen(false);
    setChosen(undefined);
    setKeyword('');
    setFound([]);
  };
  return (
    <>
      <Button icon={<UserAddOutlined />} onClick={() => setOpen(true)}>
        {t('fig.desk.checkIn')}
      </Button>
      <Modal open={open} title={t('fig.desk.checkInTitle')} footer={null} onCancel={close} destroyOnHidden width={480}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('fig.desk.checkInHint')}</Typography.Text>
          <Select
            aria-label={t('fig.desk.findPatient')}
            placeholder={t('patients.keywordHint')}
            showSearch
            filterOption={false}
            style={{ width: '100%' }}
            onSearch={setKeyword}
            value={chosen?.id}
            onChange={(id: string) => setChosen(found.find((p) => p.id === id))}
            options={found.map((p) => ({ value: p.id, label: `${p.name} ${p.tel ?? ''}` }))}
          />
          {chosen && (
            <Space>
              <Typography.Text strong>{chosen.name}</Typography.Text>
              <ArrivalButton
                patient={chosen}
                catalogs={catalogs}
                onDone={() => {
                  close();
                  onDone();
                }}
              />
            </Space>
          )}
        </Space>
      </Modal>
    </>
  );
}
