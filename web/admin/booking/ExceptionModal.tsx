import { App, DatePicker, Form, Input, InputNumber, Modal, Radio, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { clinicNowPicker } from '../../ui/clinicTime';
import { call, staffClient } from '../api';
import { useSubmit } from '../useAction';
import { DATE_FORMAT, type DatedSession, PERIODS, type Period, periodLabel, sessionLabel } from './bookingFormat';

type ExceptionResult =
  ApiPaths['/back_end/api/v1/schedule/doctors/{id}/exceptions']['post']['responses'][201]['content']['application/json'];
type Kind = 'cancelled' | 'extra';

/** A session to stop or re-size, chosen from the sessions list, or an empty form. */
export interface ExceptionDraft {
  date?: string;
  period?: Period;
  kind?: Kind;
  capacity?: number;
}

interface Values {
  date: Dayjs;
  period: Period;
  kind: Kind;
  capacity?: number;
  reason?: string;
}

/**
 * 停诊 / 加诊 for one dated session. Stopping a session cancels its bookings, so it is
 * confirmed first (with the number booked when known) and the patients to call are shown after.
 */
export function ExceptionModal({
  doctorId,
  draft,
  sessions,
  onClose,
  onSaved,
}: {
  doctorId: number;
  draft: ExceptionDraft;
  sessions: DatedSession[];
  onClose: () => void;
  onSaved: (result: ExceptionResult) => void;
}) {
  const { t } = useTranslation('admin');
  const { modal } = App.useApp();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? draft.kind ?? 'cancelled';
  const { saving, submit } = useSubmit(onSaved, onClose);

  async function save(values: Values) {
    const date = values.date.format(DATE_FORMAT);
    const reason = values.reason?.trim();
    await submit(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/schedule/doctors/{id}/exceptions', {
            params: { path: { id: doctorId } },
            body: {
              date,
              period: values.period,
              kind: values.kind,
              ...(values.kind === 'extra' ? { capacity: values.capacity } : {}),
              ...(reason ? { reason } : {}),
            },
          }),
        ),
      t(values.kind === 'cancelled' ? 'scheduleEdit.stopped' : 'scheduleEdit.extraSaved', {
        session: sessionLabel(t, date, values.period),
      }),
    );
  }

  async function confirmAndSubmit() {
    const values = await form.validateFields();
    if (values.kind !== 'cancelled') return save(values);
    const date = values.date.format(DATE_FORMAT);
    const booked = sessions.find((s) => s.date === date && s.period === values.period)?.booked;
    modal.confirm({
      title: t('scheduleEdit.stopConfirmTitle', { session: sessionLabel(t, date, values.period) }),
      content:
        booked === undefined
          ? t('scheduleEdit.stopConfirmUnknown')
          : booked > 0
            ? t('scheduleEdit.stopConfirmBooked', { count: booked })
            : t('scheduleEdit.stopConfirmNone'),
      okText: t('scheduleEdit.stopOk'),
      okButtonProps: { danger: true },
      cancelText: t('common:cancel'),
      onOk: () => save(values),
    });
  }

  return (
    <Modal
      open
      title={t('scheduleEdit.exceptionTitle')}
      okText={t('common:save')}
      okButtonProps={{ danger: kind === 'cancelled' }}
      confirmLoading={saving}
      onOk={() => void confirmAndSubmit().catch(() => undefined)}
      onCancel={onClose}
      width={460}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          date: draft.date ? dayjs(draft.date) : undefined,
          period: draft.period ?? 'morning',
          kind: draft.kind ?? 'cancelled',
          capacity: draft.capacity,
        }}
      >
        <Form.Item
          name="date"
          label={t('appointments.date')}
          rules={[{ required: true, message: t('scheduleEdit.dateRequired') }]}
        >
          <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isBefore(clinicNowPicker(), 'day')} />
        </Form.Item>
        <Form.Item name="period" label={t('appointments.period')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={PERIODS.map((period) => ({ value: period, label: periodLabel(t, period) }))}
          />
        </Form.Item>
        <Form.Item
          name="kind"
          label={t('schedule.kind')}
          rules={[{ required: true }]}
          extra={t(`scheduleEdit.kindHints.${kind}`)}
        >
          <Radio.Group
            optionType="button"
            options={(['cancelled', 'extra'] as const).map((value) => ({
              value,
              label: t(`scheduleEdit.kinds.${value}`),
            }))}
          />
        </Form.Item>
        {kind === 'extra' && (
          <Form.Item
            name="capacity"
            label={t('scheduleEdit.capacity')}
            rules={[{ required: true, type: 'integer', min: 1, max: 500, message: t('scheduleEdit.capacityRule') }]}
          >
            <InputNumber min={1} max={500} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('schedule.reason')}
          extra={kind === 'cancelled' ? t('scheduleEdit.reasonHint') : undefined}
        >
          <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** After a stop: how many bookings were cancelled and the patients (in the caller's scope) to call. */
export function AffectedPatientsModal({ result, onClose }: { result: ExceptionResult; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { exception, affectedCount, affectedPatients } = result;
  const hidden = affectedCount - affectedPatients.length;
  return (
    <Modal
      open
      title={t('scheduleEdit.affectedTitle', { session: sessionLabel(t, exception.date, exception.period) })}
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      okText={t('common:confirm')}
    >
      <div data-testid="affected-patients">
        <Typography.Paragraph strong>
          {affectedCount > 0
            ? t('scheduleNotice.affectedCount', { count: affectedCount })
            : t('scheduleEdit.affectedNone')}
        </Typography.Paragraph>
        {affectedPatients.length > 0 && (
          <Table
            rowKey="appointmentId"
            size="small"
            pagination={false}
            dataSource={affectedPatients}
            columns={[
              { title: t('fields.name'), dataIndex: 'name' },
              { title: t('fields.tel'), dataIndex: 'tel' },
            ]}
          />
        )}
        {hidden > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('scheduleEdit.affectedHidden', { count: hidden })}
          </Typography.Paragraph>
        )}
      </div>
    </Modal>
  );
}

export type { ExceptionResult };
