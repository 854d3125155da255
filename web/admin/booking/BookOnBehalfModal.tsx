import { Alert, Form, Input, Modal, Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { call, messageOf, staffClient } from '../api';
import { useSubmit } from '../useAction';
import { useRemote } from '../useRemote';
import {
  addDaysText,
  BOOKING_HORIZON_DAYS,
  type DatedSession,
  type Period,
  sessionLabel,
  todayText,
} from './bookingFormat';

type Booked = ApiPaths['/back_end/api/v1/appointment']['post']['responses'][201]['content']['application/json'];

/** How long the patient search waits for typing to settle. */
const SEARCH_DELAY_MS = 300;

interface PatientOption {
  value: number;
  label: string;
}

/** Patients of the pool (in the caller's scope) whose name, phone, WeChat or QQ contains the keyword. */
function usePatientSearch() {
  const [keyword, setKeyword] = useState('');
  const [state, setState] = useState<{ options: PatientOption[]; loading: boolean; error?: string }>({
    options: [],
    loading: false,
  });
  const latest = useRef(0);
  useEffect(() => {
    const term = keyword.trim();
    if (!term) {
      setState({ options: [], loading: false });
      return;
    }
    const request = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    const timer = setTimeout(() => {
      call(() =>
        staffClient.GET('/back_end/api/v1/patient', {
          params: { query: { keyword: term, page: 1, page_size: 20, sort: 'add_time', order: 'desc' } },
        }),
      )
        .then(
          (body) =>
            request === latest.current &&
            setState({
              loading: false,
              options: body.patients.map((p) => ({
                value: Number(p.id),
                label: [p.name, p.tel].filter(Boolean).join(' · '),
              })),
            }),
        )
        .catch(
          (cause: unknown) =>
            request === latest.current && setState({ options: [], loading: false, error: messageOf(cause) }),
        );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [keyword]);
  return { ...state, search: setKeyword };
}

const sessionKey = (s: { date: string; period: string }) => `${s.date}|${s.period}`;
const NO_SESSIONS: DatedSession[] = [];

/**
 * 代约: books a pool patient into one of the doctor's sessions that still has places (the
 * next four weeks, as patients can book), through the same rules as the portal.
 */
export function BookOnBehalfModal({
  doctorId,
  preferredDate,
  onClose,
  onBooked,
}: {
  doctorId: number;
  preferredDate: string;
  onClose: () => void;
  onBooked: (date: string) => void;
}) {
  const { t } = useTranslation('admin');
  const [form] = Form.useForm<{ patientId: number; session: string; visitReason?: string }>();
  const patients = usePatientSearch();
  // The server answers with the appointment, on the date that was asked for.
  const { saving, submit } = useSubmit((body: Booked) => onBooked(body.appointment.date), onClose);
  const from = todayText();
  const sessions = useRemote(
    () =>
      call(() =>
        staffClient.GET('/back_end/api/v1/schedule/doctors/{id}', {
          params: { path: { id: doctorId }, query: { from, to: addDaysText(from, BOOKING_HORIZON_DAYS) } },
        }),
      ).then((body) =>
        body.schedule.sessions.filter((s: DatedSession) => s.remaining > 0 && Number(s.startTime) > Date.now() / 1000),
      ),
    [doctorId, from],
  );
  const open = sessions.data ?? NO_SESSIONS;
  // The chosen patient stays an option while the search text changes or clears.
  const [chosen, setChosen] = useState<PatientOption>();
  const patientOptions =
    chosen && !patients.options.some((o) => o.value === chosen.value)
      ? [chosen, ...patients.options]
      : patients.options;

  useEffect(() => {
    // Start on the day being looked at when it has places; staff can pick another session.
    const preferred = open.find((s) => s.date === preferredDate);
    if (preferred && !form.getFieldValue('session')) form.setFieldValue('session', sessionKey(preferred));
  }, [open, preferredDate, form]);

  async function save() {
    const values = await form.validateFields();
    const [date = '', period = 'morning'] = values.session.split('|') as [string, Period];
    await submit(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/appointment', {
            body: {
              patient_id: values.patientId,
              doctor_id: doctorId,
              date,
              period,
              ...(values.visitReason?.trim() ? { visit_reason: values.visitReason.trim() } : {}),
            },
          }),
        ),
      (body) => t('dayList.booked', { name: body.appointment.patientName, session: sessionLabel(t, date, period) }),
    );
  }

  return (
    <Modal
      open
      title={t('dayList.bookTitle')}
      okText={t('dayList.bookOk')}
      confirmLoading={saving}
      onOk={() => void save().catch(() => undefined)}
      onCancel={onClose}
      width={480}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="patientId"
          label={t('dayList.patient')}
          rules={[{ required: true, message: t('dayList.patientRequired') }]}
          extra={patients.error}
        >
          <Select
            showSearch
            filterOption={false}
            placeholder={t('dayList.patientSearch')}
            onSearch={patients.search}
            onChange={(value: number) => setChosen(patientOptions.find((o) => o.value === value))}
            options={patientOptions}
            notFoundContent={patients.loading ? <Spin size="small" /> : t('dayList.noPatients')}
          />
        </Form.Item>
        <Form.Item
          name="session"
          label={t('dayList.session')}
          rules={[{ required: true, message: t('dayList.sessionRequired') }]}
        >
          <Select
            loading={sessions.loading}
            placeholder={t('dayList.sessionPick')}
            notFoundContent={sessions.loading ? <Spin size="small" /> : t('dayList.noOpenSessions')}
            options={open.map((s) => ({
              value: sessionKey(s),
              label: t('dayList.sessionOption', { session: sessionLabel(t, s.date, s.period), remaining: s.remaining }),
            }))}
          />
        </Form.Item>
        <Form.Item name="visitReason" label={t('dayList.visitReason')}>
          <Input maxLength={200} />
        </Form.Item>
        {sessions.error && <Alert type="error" showIcon message={sessions.error} />}
      </Form>
    </Modal>
  );
}
