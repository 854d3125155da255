import {
  ModalForm,
  ProFormDateTimePicker,
  ProFormDependency,
  ProFormDigit,
  ProFormRadio,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Popconfirm } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { pickerToUnix, unixToPicker } from '../../ui/clinicTime';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, staffClient } from '../api';
import { type Catalogs, diseaseOptions, options } from '../catalogs';
import { useAction } from '../useAction';
import { DuplicateHint } from './DuplicateHint';

type PatientRecord =
  ApiPaths['/back_end/api/v1/patient/{id}']['get']['responses'][200]['content']['application/json']['patient'];
type UpdateBody = NonNullable<
  ApiPaths['/back_end/api/v1/patient/{id}']['patch']['requestBody']
>['content']['application/json'];

/** PATCH patient/:id checks each field against its own permission (src/features/patients/update-service.ts). */
const FIELD_PERMISSION = {
  name: 'patients:edit',
  sex: 'patients:edit',
  age: 'patients:edit',
  tel: 'patients:edit',
  wechat: 'patients:edit',
  qq: 'patients:edit',
  add_time: 'patients:edit',
  order_time: 'patients:edit',
  advisory_way: 'patients:edit',
  advisory_content: 'patients:edit',
  area: 'patients:edit',
  remarks: 'patients:edit',
  doctor_id: 'patients:change_doctor',
  media_from_id: 'patients:change_channel',
  disease_id: 'patients:change_disease',
  spend: 'patients:edit_spend',
} as const;
type EditableField = keyof typeof FIELD_PERMISSION;
const EDITABLE_FIELDS = Object.keys(FIELD_PERMISSION) as EditableField[];
const EDIT_PERMISSIONS = [...new Set(Object.values(FIELD_PERMISSION))];

interface FormValues {
  name?: string;
  sex?: number | null;
  age?: number | null;
  tel?: string;
  wechat?: string;
  qq?: string;
  add_time?: Dayjs | string;
  order_time?: Dayjs | string | null;
  advisory_way?: string | null;
  advisory_content?: string;
  area?: string;
  remarks?: string;
  doctor_id?: number | null;
  media_from_id?: number | null;
  disease_id?: number | null;
  spend?: string;
}

const text = (value: string | null | undefined) =>
  value === undefined || value === null || value.trim() === '' ? null : value.trim();
const id = (value: string | number | null | undefined) =>
  value === undefined || value === null || value === '' ? null : Number(value);
const unix = (value: Dayjs | string | null | undefined) => (value ? pickerToUnix(value) : null);
const isMasked = (tel: string | null) => Boolean(tel?.includes('*'));

/** The record as the body PATCH would write, so the form's values can be compared field by field. */
function bodyOfRecord(patient: PatientRecord): Record<EditableField, unknown> {
  return {
    name: patient.name,
    sex: id(patient.sex),
    age: id(patient.age),
    tel: patient.tel,
    wechat: patient.wechat,
    qq: patient.qq,
    add_time: Number(patient.addTime),
    order_time: id(patient.orderTime),
    advisory_way: patient.advisoryWay,
    advisory_content: patient.advisoryContent,
    area: patient.area,
    remarks: patient.remarks,
    doctor_id: id(patient.doctorId),
    media_from_id: id(patient.mediaFromId),
    disease_id: id(patient.diseaseId),
    spend: patient.spend,
  };
}

function bodyOfForm(values: FormValues, patient: PatientRecord): Record<EditableField, unknown> {
  const tel = text(values.tel);
  return {
    name: values.name?.trim(),
    sex: values.sex ?? null,
    age: values.age ?? null,
    // A masked number (no full-phone permission) is shown as a placeholder: left blank, it stays as it is.
    tel: tel === null && isMasked(patient.tel) ? patient.tel : tel,
    wechat: text(values.wechat),
    qq: text(values.qq),
    add_time: unix(values.add_time),
    order_time: unix(values.order_time),
    advisory_way: text(values.advisory_way),
    advisory_content: text(values.advisory_content),
    area: text(values.area),
    remarks: text(values.remarks),
    doctor_id: values.doctor_id ?? null,
    media_from_id: values.media_from_id ?? null,
    disease_id: values.disease_id ?? null,
    spend: values.spend === undefined || values.spend.trim() === '' ? patient.spend : Number(values.spend).toFixed(2),
  };
}

function formOfRecord(patient: PatientRecord): FormValues {
  return {
    name: patient.name,
    sex: id(patient.sex),
    age: id(patient.age),
    tel: isMasked(patient.tel) ? undefined : (patient.tel ?? undefined),
    wechat: patient.wechat ?? undefined,
    qq: patient.qq ?? undefined,
    add_time: unixToPicker(Number(patient.addTime)),
    order_time: patient.orderTime ? unixToPicker(Number(patient.orderTime)) : null,
    advisory_way: patient.advisoryWay,
    advisory_content: patient.advisoryContent ?? undefined,
    area: patient.area ?? undefined,
    remarks: patient.remarks ?? undefined,
    doctor_id: id(patient.doctorId),
    media_from_id: id(patient.mediaFromId),
    disease_id: id(patient.diseaseId),
    spend: patient.spend,
  };
}

/**
 * 编辑: the fields the role may change (and only those), loaded from GET patient/:id when the
 * form opens; only the fields whose value changed are sent.
 */
export function EditPatientButton({
  patientId,
  name,
  catalogs,
  onDone,
}: {
  patientId: string;
  name: string;
  catalogs: Catalogs;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const attempt = useAction(onDone);
  const access = useAccess();
  const [loaded, setLoaded] = useState<PatientRecord>();
  if (!EDIT_PERMISSIONS.some((permission) => access.can(permission))) return null;
  const may = (field: EditableField) => access.can(FIELD_PERMISSION[field]);

  async function submit(values: FormValues): Promise<boolean> {
    const patient = loaded;
    if (!patient) return false;
    const before = bodyOfRecord(patient);
    const after = bodyOfForm(values, patient);
    const changed = EDITABLE_FIELDS.filter(
      (field) => may(field) && JSON.stringify(after[field]) !== JSON.stringify(before[field]),
    );
    if (changed.length === 0) {
      message.info(t('access.patient.noChanges'));
      return true;
    }
    const body = Object.fromEntries(changed.map((field) => [field, after[field]])) as UpdateBody;
    return attempt(
      () =>
        call(() =>
          staffClient.PATCH('/back_end/api/v1/patient/{id}', { params: { path: { id: Number(patientId) } }, body }),
        ),
      t('access.patient.saved', { name: (after.name as string | undefined) ?? name }),
    );
  }

  return (
    <ModalForm<FormValues>
      title={t('access.patient.editTitle', { name })}
      trigger={<LinkButton>{t('access.patient.edit')}</LinkButton>}
      modalProps={{ destroyOnHidden: true }}
      width={720}
      grid
      rowProps={{ gutter: 16 }}
      request={async () => {
        const { patient } = await call(() =>
          staffClient.GET('/back_end/api/v1/patient/{id}', { params: { path: { id: Number(patientId) } } }),
        );
        setLoaded(patient);
        return formOfRecord(patient);
      }}
      onFinish={submit}
    >
      {may('name') && (
        <>
          <ProFormText
            colProps={{ md: 8 }}
            name="name"
            label={t('fields.name')}
            rules={[{ required: true, message: t('validation.nameRequired') }, { max: 50 }]}
          />
          <ProFormRadio.Group
            colProps={{ md: 8 }}
            name="sex"
            label={t('fields.sex')}
            options={[0, 1].map((value) => ({ value, label: t(`patients.sexes.${value}`) }))}
          />
          <ProFormDigit
            colProps={{ md: 8 }}
            name="age"
            label={t('fields.age')}
            min={0}
            max={150}
            fieldProps={{ precision: 0 }}
          />
          <ProFormText
            colProps={{ md: 8 }}
            name="tel"
            label={t('fields.tel')}
            fieldProps={{ placeholder: loaded && isMasked(loaded.tel) ? (loaded.tel ?? '') : undefined }}
            rules={[{ pattern: /^1[3-9]\d{9}$/, message: t('validation.tel') }]}
          />
          <ProFormText colProps={{ md: 8 }} name="wechat" label={t('fields.wechat')} rules={[{ max: 50 }]} />
          <ProFormText
            colProps={{ md: 8 }}
            name="qq"
            label="QQ"
            rules={[{ pattern: /^[1-9]\d{4,11}$/, message: t('validation.qq') }]}
          />
          <ProFormDependency name={['tel', 'wechat', 'qq']}>
            {(values: { tel?: string; wechat?: string; qq?: string }) => (
              <DuplicateHint
                // Only what was changed here: the record's own numbers are not news.
                values={{
                  tel: values.tel !== loaded?.tel ? values.tel : undefined,
                  wechat: values.wechat !== loaded?.wechat ? values.wechat : undefined,
                  qq: values.qq !== loaded?.qq ? values.qq : undefined,
                }}
                excludeId={patientId}
                catalogs={catalogs}
              />
            )}
          </ProFormDependency>
          <ProFormDateTimePicker
            colProps={{ md: 8 }}
            name="add_time"
            label={t('fields.addTime')}
            rules={[{ required: true }]}
            fieldProps={{ style: { width: '100%' } }}
          />
          <ProFormDateTimePicker
            colProps={{ md: 8 }}
            name="order_time"
            label={t('fields.orderTime')}
            fieldProps={{ style: { width: '100%' } }}
          />
          <ProFormSelect
            colProps={{ md: 8 }}
            name="advisory_way"
            label={t('fields.advisoryWay')}
            options={catalogs.advisoryWays.map((w) => ({ value: w.name, label: w.name }))}
          />
          <ProFormText colProps={{ md: 8 }} name="area" label={t('fields.area')} rules={[{ max: 50 }]} />
        </>
      )}
      {may('media_from_id') && (
        <ProFormSelect
          colProps={{ md: 8 }}
          name="media_from_id"
          label={t('fields.channel')}
          options={options(catalogs.channels)}
          showSearch
        />
      )}
      {may('disease_id') && (
        <ProFormSelect
          colProps={{ md: 8 }}
          name="disease_id"
          label={t('fields.disease')}
          fieldProps={{ options: diseaseOptions(catalogs) }}
          showSearch
        />
      )}
      {may('doctor_id') && (
        <ProFormSelect
          colProps={{ md: 8 }}
          name="doctor_id"
          label={t('fields.doctor')}
          options={options(catalogs.doctors)}
          showSearch
        />
      )}
      {may('spend') && (
        <ProFormText
          colProps={{ md: 8 }}
          name="spend"
          label={t('fields.spend')}
          rules={[{ pattern: /^\d{1,9}(\.\d{1,2})?$/, message: t('validation.spend') }]}
        />
      )}
      {may('advisory_content') && (
        <>
          <ProFormTextArea
            colProps={{ md: 12 }}
            name="advisory_content"
            label={t('fields.advisoryContent')}
            rules={[{ max: 2000 }]}
          />
          <ProFormTextArea colProps={{ md: 12 }} name="remarks" label={t('fields.remarks')} rules={[{ max: 2000 }]} />
        </>
      )}
    </ModalForm>
  );
}

/** 删除: moves the record into the recycle bin after a confirmation (patients:delete). */
export function DeletePatientButton({
  patient,
  onDone,
}: {
  patient: { id: string; name: string };
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const attempt = useAction(onDone);
  if (!useAccess().can('patients:delete')) return null;
  return (
    <Popconfirm
      title={t('access.patient.deleteConfirm', { name: patient.name })}
      onConfirm={() =>
        attempt(
          () =>
            call(() =>
              staffClient.DELETE('/back_end/api/v1/patient/{id}', {
                params: { path: { id: Number(patient.id) } },
                body: {},
              }),
            ),
          t('access.patient.deleted', { name: patient.name }),
        )
      }
    >
      <LinkButton danger>{t('access.patient.delete')}</LinkButton>
    </Popconfirm>
  );
}
