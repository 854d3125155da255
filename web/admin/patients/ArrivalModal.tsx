import { ModalForm, ProFormDateTimePicker, ProFormSelect, ProFormText } from '@ant-design/pro-components';
import { useTranslation } from 'react-i18next';
import { clinicNowPicker, pickerToUnix } from '../../ui/clinicTime';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { type Catalogs, options } from '../catalogs';
import { useAction } from '../useAction';

interface ArrivalValues {
  reach_time: string;
  doctor_id?: number;
  spend?: string;
}

/** 确认到诊: records a first or return visit; shown only to roles holding patients:confirm_arrival. */
export function ArrivalButton({
  patient,
  catalogs,
  onDone,
}: {
  patient: { id: string; name: string; doctorId: string | null };
  catalogs: Catalogs;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const attempt = useAction(onDone);
  const access = useAccess();
  if (!access.can('patients:confirm_arrival')) return null;

  function submit(values: ArrivalValues): Promise<boolean> {
    return attempt(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/patient/{id}/arrival', {
            params: { path: { id: Number(patient.id) } },
            body: {
              reach_time: pickerToUnix(values.reach_time),
              ...(values.doctor_id ? { doctor_id: values.doctor_id } : {}),
              ...(values.spend ? { spend: values.spend } : {}),
            },
          }),
        ),
      t('arrival.done', { name: patient.name }),
    );
  }

  return (
    <ModalForm<ArrivalValues>
      title={t('arrival.title', { name: patient.name })}
      trigger={<LinkButton>{t('arrival.action')}</LinkButton>}
      modalProps={{ destroyOnHidden: true }}
      initialValues={{
        reach_time: clinicNowPicker(),
        doctor_id: patient.doctorId ? Number(patient.doctorId) : undefined,
      }}
      onFinish={submit}
      width={420}
    >
      <ProFormDateTimePicker
        name="reach_time"
        label={t('fields.reachTime')}
        rules={[{ required: true }]}
        fieldProps={{ style: { width: '100%' } }}
      />
      <ProFormSelect name="doctor_id" label={t('fields.doctor')} options={options(catalogs.doctors)} showSearch />
      <ProFormText
        name="spend"
        label={t('fields.spend')}
        rules={[{ pattern: /^\d{1,9}(\.\d{1,2})?$/, message: t('validation.spend') }]}
      />
    </ModalForm>
  );
}
