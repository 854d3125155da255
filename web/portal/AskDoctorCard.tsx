import { Alert, App, Button, Flex, Input, Typography } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { TEXT_MAX } from '../ui/ChatComposer';
import { NativeSelect } from './NativeSelect';
import { PortalCard } from './PortalCard';
import { messageOf, PortalError, usePortalSession } from './session';
import { EmptyState, Loaded, useLoad } from './states';

/** The consultation the server names when I already have an open one with that doctor (409). */
function openConsultationOf(error: unknown): number | null {
  if (!(error instanceof PortalError) || error.status !== 409) return null;
  const body = error.body as { consultation_id?: unknown } | null;
  return typeof body?.consultation_id === 'number' ? body.consultation_id : null;
}

/**
 * A new question: one of the doctors I may ask (the clinic may allow only those I booked with)
 * and the first message. With a doctor whose consultation is still open, the message goes into
 * that one instead: a patient has one open consultation per doctor.
 */
export function AskDoctorCard({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { message } = App.useApp();
  const { client, call } = usePortalSession();
  const navigate = useNavigate();
  const state = useLoad(() => call(client.GET('/patient/consultation-doctors')), [client, call]);
  const ids = useId();
  const [doctorId, setDoctorId] = useState('');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const submit = async () => {
    const doctor = state.data?.doctors.find((item) => String(item.id) === doctorId);
    if (!doctor || !text.trim()) return;
    setSending(true);
    setRefusal(null);
    try {
      if (doctor.open_consultation_id !== null) {
        await call(
          client.POST('/patient/consultations/{id}/messages', {
            params: { path: { id: doctor.open_consultation_id } },
            body: { text: text.trim() },
          }),
        );
        void message.info(t('consultations.alreadyOpen'));
        navigate(`/consultations/${doctor.open_consultation_id}`);
        return;
      }
      const opened = await call(
        client.POST('/patient/consultations', { body: { doctor_id: doctor.id, text: text.trim() } }),
      );
      navigate(`/consultations/${opened.consultation.id}`);
    } catch (error) {
      const open = openConsultationOf(error);
      if (open !== null) {
        void message.info(t('consultations.alreadyOpen'));
        navigate(`/consultations/${open}`);
        return;
      }
      setRefusal(messageOf(error, tc('networkError')));
    } finally {
      setSending(false);
    }
  };

  return (
    <PortalCard size="small" title={t('consultations.askTitle')}>
      <Loaded
        state={state}
        isEmpty={(data) => data.doctors.length === 0}
        empty={<EmptyState description={t('consultations.noDoctors')} />}
      >
        {(data) => (
          <Flex vertical gap={12}>
            {data.policy === 'booked' ? (
              <Typography.Text type="secondary">{t('consultations.policyBooked')}</Typography.Text>
            ) : null}
            <Flex vertical gap={4}>
              <label htmlFor={`${ids}-doctor`}>{t('consultations.doctor')}</label>
              <NativeSelect id={`${ids}-doctor`} value={doctorId} onChange={(event) => setDoctorId(event.target.value)}>
                <option value="" disabled>
                  {t('consultations.chooseDoctor')}
                </option>
                {data.doctors.map((doctor) => (
                  <option key={doctor.id} value={doctor.id}>
                    {[doctor.name, doctor.title, doctor.department_name].filter(Boolean).join(' · ')}
                    {doctor.open_consultation_id !== null ? `（${t('consultations.open')}）` : ''}
                  </option>
                ))}
              </NativeSelect>
            </Flex>
            <Flex vertical gap={4}>
              <label htmlFor={`${ids}-question`}>{t('consultations.question')}</label>
              <Input.TextArea
                id={`${ids}-question`}
                value={text}
                maxLength={TEXT_MAX}
                autoSize={{ minRows: 3, maxRows: 8 }}
                placeholder={t('consultations.questionPlaceholder')}
                onChange={(event) => setText(event.target.value)}
              />
            </Flex>
            {refusal ? <Alert type="error" showIcon message={refusal} /> : null}
            <Flex gap={8} justify="flex-end">
              <Button onClick={onCancel}>{t('consultations.cancel')}</Button>
              <Button
                type="primary"
                loading={sending}
                disabled={!doctorId || !text.trim()}
                onClick={() => void submit()}
              >
                {t('consultations.submit')}
              </Button>
            </Flex>
          </Flex>
        )}
      </Loaded>
    </PortalCard>
  );
}
