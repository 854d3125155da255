import { Alert, Modal, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { useAction } from '../useAction';
import { HandoverModal } from './HandoverModal';

interface Account {
  id: string;
  username: string;
  displayName: string;
  isActive: boolean;
}

/**
 * 启用 / 停用 an account. Enabling is immediate; disabling asks first (it signs the person out
 * everywhere), says how many patients the account still holds, and offers to hand them over,
 * before or after: the PATCH answers heldPatients, and a departing consultant's patients would
 * otherwise wait with nobody to call them.
 */
export function DisableStaffSwitch({ account, onDone }: { account: Account; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const [confirming, setConfirming] = useState(false);
  const [held, setHeld] = useState<number>();
  const [handover, setHandover] = useState<number>();
  const [saving, setSaving] = useState(false);
  const name = account.displayName || account.username;
  const canHandover = access.can('patients:handover');
  const attempt = useAction<{ heldPatients: number }>((result) => {
    onDone();
    if (result.heldPatients > 0 && canHandover) setHandover(result.heldPatients);
  });

  const patch = (active: boolean) =>
    attempt(
      () =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/staff/{id}', {
            params: { path: { id: Number(account.id) } },
            body: { is_active: active },
          }),
        ),
      active ? t('fig.staff.enabled', { name }) : t('fig.staff.disabled', { name }),
    );

  async function askToDisable() {
    setConfirming(true);
    setHeld(undefined);
    // How many patients the account holds, when the caller may count everyone's (the PATCH tells it too).
    if (access.can('patients:view_all'))
      call(() =>
        staffClient.GET('/back_end/api/v1/patient', {
          params: { query: { author_id: Number(account.id), page: 1, page_size: 1, sort: 'id', order: 'asc' } },
        }),
      )
        .then((body) => setHeld(body.total))
        .catch(() => undefined);
  }

  async function disable() {
    setSaving(true);
    try {
      if (await patch(false)) setConfirming(false);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Switch
        aria-label={t('staff.activeOf', { name: account.username })}
        checked={account.isActive}
        onChange={(active) => (active ? void patch(true) : void askToDisable())}
      />
      <Modal
        open={confirming}
        title={t('fig.staff.disableTitle', { name })}
        okText={t('fig.staff.disable')}
        okButtonProps={{ danger: true }}
        confirmLoading={saving}
        onOk={() => void disable()}
        onCancel={() => setConfirming(false)}
        footer={(_, { OkBtn, CancelBtn }) => (
          <Space>
            <CancelBtn />
            {canHandover && (held ?? 0) > 0 && (
              <Typography.Link
                onClick={() => {
                  setHandover(held);
                }}
              >
                {t('fig.staff.handoverFirst', { count: held })}
              </Typography.Link>
            )}
            <OkBtn />
          </Space>
        )}
      >
        <Space direction="vertical">
          <Typography.Text>{t('fig.staff.disableBody')}</Typography.Text>
          {held !== undefined && held > 0 && (
            <Alert type="warning" showIcon message={t('fig.staff.holds', { name, count: held })} />
          )}
        </Space>
      </Modal>
      <HandoverModal
        open={handover !== undefined}
        selection={
          handover !== undefined
            ? {
                kind: 'filters',
                filters: { author_id: Number(account.id) },
                count: handover,
                excludeStaffId: account.id,
              }
            : undefined
        }
        onClose={() => setHandover(undefined)}
        onDone={(moved) => {
          setHeld((count) => (count === undefined ? count : Math.max(0, count - moved)));
          onDone();
        }}
      />
    </>
  );
}
