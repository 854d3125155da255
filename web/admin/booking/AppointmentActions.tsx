import { Button, Form, Input, Modal, Popconfirm, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { useAction, useSubmit } from '../useAction';
import { type StaffAppointment, todayText, yuanToFen } from './bookingFormat';

type Dialog = 'arrive' | 'cancel';

/**
 * What the front desk does with a booked appointment: confirm arrival (from the session
 * date), mark missed (once the session has started; the place stays used) or cancel with a
 * reason. The server applies the same rules; the buttons only say early why they would fail.
 */
export function AppointmentActions({
  appointment,
  today = todayText(),
  onDone,
}: {
  /** The fields the actions read: a day list's row, or the front desk's (which names its state otherwise). */
  appointment: Pick<StaffAppointment, 'id' | 'status' | 'patientName' | 'date' | 'startTime'>;
  /** The clinic's today when the caller knows it (the browser's own date may be another day). */
  today?: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [dialog, setDialog] = useState<Dialog>();
  const attempt = useAction(onDone);
  // Hooks first: React needs the same hooks in the same order on every render.
  if (appointment.status !== 'booked') return null;
  const name = appointment.patientName;
  const id = Number(appointment.id);
  const beforeDay = appointment.date > today;
  const notStarted = Number(appointment.startTime) > Date.now() / 1000;

  async function markMissed() {
    await attempt(
      () =>
        call(() => staffClient.POST('/back_end/api/v1/appointment/{id}/miss', { params: { path: { id } }, body: {} })),
      t('dayList.missed', { name }),
    );
  }

  return (
    <Space size={4} wrap>
      <Tooltip title={beforeDay ? t('dayList.arriveTooEarly') : undefined}>
        <Button
          size="small"
          type="primary"
          ghost
          disabled={beforeDay}
          aria-label={t('dayList.arriveOf', { name })}
          onClick={() => setDialog('arrive')}
        >
          {t('dayList.arrive')}
        </Button>
      </Tooltip>
      <Tooltip title={notStarted ? t('dayList.missTooEarly') : undefined}>
        <span>
          <Popconfirm
            title={t('dayList.missConfirm', { name })}
            okText={t('dayList.miss')}
            onConfirm={markMissed}
            disabled={notStarted}
          >
            <Button size="small" disabled={notStarted} aria-label={t('dayList.missOf', { name })}>
              {t('dayList.miss')}
            </Button>
          </Popconfirm>
        </span>
      </Tooltip>
      <Button size="small" danger aria-label={t('dayList.cancelOf', { name })} onClick={() => setDialog('cancel')}>
        {t('dayList.cancel')}
      </Button>
      {dialog === 'arrive' && <ArriveModal id={id} name={name} onClose={() => setDialog(undefined)} onDone={onDone} />}
      {dialog === 'cancel' && <CancelModal id={id} name={name} onClose={() => setDialog(undefined)} onDone={onDone} />}
    </Space>
  );
}

function ArriveModal({
  id,
  name,
  onClose,
  onDone,
}: {
  id: number;
  name: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<{ spend?: string; notes?: string }>();
  const { saving, submit } = useSubmit(onDone, onClose);
  async function save() {
    const values = await form.validateFields();
    const spend = values.spend?.trim();
    const notes = values.notes?.trim();
    await submit(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/appointment/{id}/arrive', {
            params: { path: { id } },
            body: { ...(spend ? { spend_fen: yuanToFen(spend) } : {}), ...(notes ? { notes } : {}) },
          }),
        ),
      t('dayList.arrived', { name }),
    );
  }
  return (
    <Modal
      open
      title={t('dayList.arriveTitle', { name })}
      okText={t('dayList.arrive')}
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      width={420}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="spend"
          label={t('fields.spend')}
          rules={[{ pattern: /^\d{1,6}(\.\d{1,2})?$/, message: t('validation.spend') }]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item name="notes" label={t('dayList.notes')}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CancelModal({
  id,
  name,
  onClose,
  onDone,
}: {
  id: number;
  name: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<{ reason: string }>();
  const { saving, submit } = useSubmit(onDone, onClose);
  async function save() {
    const { reason } = await form.validateFields();
    await submit(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/appointment/{id}/cancel', {
            params: { path: { id } },
            body: { reason: reason.trim() },
          }),
        ),
      t('dayList.cancelled', { name }),
    );
  }
  return (
    <Modal
      open
      title={t('dayList.cancelTitle', { name })}
      okText={t('dayList.cancelOk')}
      okButtonProps={{ danger: true }}
      cancelText={t('dayList.keep')}
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      width={420}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('dayList.reason')}
          rules={[{ required: true, whitespace: true, message: t('dayList.reasonRequired') }]}
          extra={t('dayList.reasonHint')}
        >
          <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 2, maxRows: 4 }} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
