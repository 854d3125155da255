import { SwapOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccess } from '../access';
import { ApiError, call, staffClient } from '../api';
import { useAction } from '../useAction';

/**
 * What moves: hand-picked patients (their ids), or every patient matching the list's filters
 * (`count` being the list's total the user confirms: the server refuses another count with 409).
 */
export type HandoverSelection =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'filters'; filters: Record<string, unknown>; count: number; excludeStaffId?: string };

interface Staff {
  id: string;
  name: string;
}

/**
 * Enabled accounts (a handover goes only to one) whose name matches what is typed, searched on the
 * server: a clinic group has thousands of accounts, more than one page could hold.
 */
function useEnabledStaff(open: boolean, keyword: string): Staff[] {
  const [staff, setStaff] = useState<Staff[]>([]);
  useEffect(() => {
    if (!open) return;
    let active = true;
    const query = { page: 1, page_size: 50, active: true, ...(keyword ? { keyword } : {}) };
    const timer = setTimeout(() => {
      call(() => staffClient.GET('/back_end/api/v1/staff', { params: { query } }))
        .then(
          (body) =>
            active &&
            setStaff(
              body.users
                .filter((user) => user.isActive)
                .map((user) => ({ id: user.id, name: user.displayName || user.username })),
            ),
        )
        .catch(() => active && setStaff([]));
    }, 250);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [open, keyword]);
  return staff;
}

/**
 * 移交客户: choose the consultant, confirm with the number of patients that will move, and
 * POST patient/handover (one transaction on the server, audited). Shown only with patients:handover.
 */
export function HandoverModal({
  selection,
  open,
  onClose,
  onDone,
}: {
  selection: HandoverSelection | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (moved: number) => void;
}) {
  const { t } = useTranslation('admin');
  const [keyword, setKeyword] = useState('');
  const staff = useEnabledStaff(open, keyword.trim().slice(0, 50));
  const [target, setTarget] = useState<Staff>();
  const to = target?.id;
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<string>();
  const attempt = useAction<{ handover: { moved: number } }>((result) => onDone(result.handover.moved));
  const count = selection ? (selection.kind === 'ids' ? selection.ids.length : selection.count) : 0;
  const excluded = selection?.kind === 'filters' ? selection.excludeStaffId : undefined;
  // The server refuses a filter-less selection (the whole pool never moves by accident); say so first.
  const noFilter = selection?.kind === 'filters' && Object.keys(selection.filters).length === 0;

  function close() {
    setTarget(undefined);
    setKeyword('');
    setConflict(undefined);
    onClose();
  }

  async function submit() {
    if (!selection || !target) return;
    setSaving(true);
    setConflict(undefined);
    try {
      const body =
        selection.kind === 'ids'
          ? { to_staff_id: Number(target.id), patient_ids: selection.ids.map(Number), expected_count: count }
          : { ...selection.filters, to_staff_id: Number(target.id), expected_count: count };
      const done = await attempt(
        async () => {
          try {
            return await call(() => staffClient.POST('/back_end/api/v1/patient/handover', { body }));
          } catch (cause) {
            if (cause instanceof ApiError && cause.status === 409) setConflict(cause.message);
            throw cause;
          }
        },
        (result) => t('fig.handover.done', { count: result.handover.moved, name: target.name }),
      );
      if (done) close();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('fig.handover.title')}
      onCancel={close}
      destroyOnHidden
      okText={t('fig.handover.confirm', { count })}
      okButtonProps={{ disabled: !target || count === 0 || noFilter }}
      confirmLoading={saving}
      onOk={() => void submit()}
      width={460}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text data-testid="handover-count">
          {selection?.kind === 'filters'
            ? t('fig.handover.matching', { count })
            : t('fig.handover.selected', { count })}
        </Typography.Text>
        {noFilter && <Alert type="warning" showIcon message={t('fig.handover.noFilter')} />}
        <Select
          aria-label={t('fig.handover.to')}
          placeholder={t('fig.handover.to')}
          showSearch
          filterOption={false}
          onSearch={setKeyword}
          style={{ width: '100%' }}
          value={to}
          onChange={(id: string) => setTarget(staff.find((s) => s.id === id))}
          options={[
            ...(target && !staff.some((s) => s.id === target.id) ? [target] : []),
            ...staff.filter((s) => s.id !== excluded),
          ].map((s) => ({ value: s.id, label: s.name }))}
        />
        {target && <Alert type="info" showIcon message={t('fig.handover.summary', { count, name: target.name })} />}
        {conflict && <Alert type="warning" showIcon message={t('fig.handover.changed')} description={conflict} />}
      </Space>
    </Modal>
  );
}

/**
 * The 移交 button: `selection` is read when pressed (the list's current filters and total), so
 * the dialog confirms what the list shows at that moment.
 */
export function HandoverButton({
  label,
  selection,
  disabledReason,
  onDone,
}: {
  label: string;
  selection: () => HandoverSelection | undefined;
  disabledReason?: string;
  onDone: (moved: number) => void;
}) {
  const access = useAccess();
  const [chosen, setChosen] = useState<HandoverSelection>();
  if (!access.can('patients:handover')) return null;
  return (
    <>
      <Button
        icon={<SwapOutlined />}
        disabled={disabledReason !== undefined}
        title={disabledReason}
        onClick={() => setChosen(selection())}
      >
        {label}
      </Button>
      <HandoverModal
        selection={chosen}
        open={chosen !== undefined}
        onClose={() => setChosen(undefined)}
        onDone={onDone}
      />
    </>
  );
}
