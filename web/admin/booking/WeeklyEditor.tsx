import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, InputNumber, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, staffClient } from '../api';
import { useAction, useSubmit } from '../useAction';
import { PERIODS, type Period, periodLabel, type Schedule, weekdayLabel } from './bookingFormat';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

interface Slot {
  weekday: number;
  period: Period;
  capacity?: number;
}

/**
 * 每周出诊: the weekly template as a weekday × period grid. A cell is set (created or
 * re-sized) in a small dialog and stopped after a confirmation; without
 * appointments:schedules the grid is read-only.
 */
export function WeeklyEditor({
  doctorId,
  schedule,
  editable,
  onChanged,
}: {
  doctorId: number;
  schedule: Schedule;
  editable: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation('admin');
  const [editing, setEditing] = useState<Slot>();
  const attempt = useAction(onChanged);
  const capacityOf = (weekday: number, period: Period) =>
    schedule.weekly.find((w) => w.weekday === weekday && w.period === period)?.capacity;
  const slotName = (slot: Slot) => `${weekdayLabel(t, slot.weekday)} ${periodLabel(t, slot.period)}`;

  async function remove(slot: Slot) {
    await attempt(
      () =>
        call(() =>
          staffClient.DELETE('/back_end/api/v1/schedule/doctors/{id}/weekly/{weekday}/{period}', {
            params: { path: { id: doctorId, weekday: slot.weekday, period: slot.period } },
          }),
        ),
      t('scheduleEdit.weeklyRemoved', { slot: slotName(slot) }),
    );
  }

  const cell = (weekday: number, period: Period) => {
    const capacity = capacityOf(weekday, period);
    const slot = { weekday, period, capacity };
    const name = slotName(slot);
    if (!editable)
      return capacity === undefined ? (
        <Typography.Text type="secondary">—</Typography.Text>
      ) : (
        t('scheduleEdit.places', { count: capacity })
      );
    if (capacity === undefined) {
      return (
        <Button
          size="small"
          type="dashed"
          icon={<PlusOutlined />}
          aria-label={t('scheduleEdit.addWeeklyOf', { slot: name })}
          onClick={() => setEditing(slot)}
        >
          {t('scheduleEdit.addWeekly')}
        </Button>
      );
    }
    return (
      <Space size={4}>
        <Typography.Text strong>{t('scheduleEdit.places', { count: capacity })}</Typography.Text>
        <Button
          size="small"
          type="link"
          icon={<EditOutlined />}
          aria-label={t('scheduleEdit.editWeeklyOf', { slot: name })}
          onClick={() => setEditing(slot)}
        />
        <Popconfirm
          title={t('scheduleEdit.removeWeeklyConfirm', { slot: name })}
          okText={t('scheduleEdit.removeWeekly')}
          okButtonProps={{ danger: true }}
          onConfirm={() => remove(slot)}
        >
          <Button
            size="small"
            type="link"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('scheduleEdit.removeWeeklyOf', { slot: name })}
          />
        </Popconfirm>
      </Space>
    );
  };

  return (
    <>
      <Table
        data-testid="weekly-grid"
        rowKey={(weekday) => weekday}
        size="small"
        pagination={false}
        dataSource={WEEKDAYS}
        columns={[
          { title: t('schedule.weekday'), render: (_, weekday) => weekdayLabel(t, weekday), width: 70 },
          ...PERIODS.map((period) => ({
            title: periodLabel(t, period),
            key: period,
            render: (_: unknown, weekday: number) => cell(weekday, period),
          })),
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('scheduleEdit.weeklyHint')}
      </Typography.Paragraph>
      {editing && (
        <WeeklyModal
          doctorId={doctorId}
          slot={editing}
          title={slotName(editing)}
          onClose={() => setEditing(undefined)}
          onSaved={onChanged}
        />
      )}
    </>
  );
}

function WeeklyModal({
  doctorId,
  slot,
  title,
  onClose,
  onSaved,
}: {
  doctorId: number;
  slot: Slot;
  title: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<{ capacity: number }>();
  const { saving, submit } = useSubmit(onSaved, onClose);

  async function save() {
    const { capacity } = await form.validateFields();
    await submit(
      () =>
        call(() =>
          staffClient.PUT('/back_end/api/v1/schedule/doctors/{id}/weekly/{weekday}/{period}', {
            params: { path: { id: doctorId, weekday: slot.weekday, period: slot.period } },
            body: { capacity },
          }),
        ),
      t('scheduleEdit.weeklySaved', { slot: title, count: capacity }),
    );
  }

  return (
    <Modal
      open
      title={t(slot.capacity === undefined ? 'scheduleEdit.weeklyNewTitle' : 'scheduleEdit.weeklyEditTitle', {
        slot: title,
      })}
      okText={t('common:save')}
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      width={380}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ capacity: slot.capacity ?? 10 }}
        onFinish={() => void save().catch(() => undefined)}
      >
        <Form.Item
          name="capacity"
          label={t('scheduleEdit.capacity')}
          extra={slot.capacity === undefined ? undefined : t('scheduleEdit.capacityHint')}
          rules={[{ required: true, type: 'integer', min: 1, max: 500, message: t('scheduleEdit.capacityRule') }]}
        >
          <InputNumber min={1} max={500} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
