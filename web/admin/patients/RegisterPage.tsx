import {
  PageContainer,
  ProCard,
  ProForm,
  ProFormDateTimePicker,
  ProFormDependency,
  ProFormDigit,
  type ProFormInstance,
  ProFormRadio,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { clinicNowPicker, pickerToUnix } from '../../ui/clinicTime';
import { call, messageOf, staffClient } from '../api';
import { diseaseOptions, options, useCatalogs } from '../catalogs';
import { DuplicateHint, probeKey } from './DuplicateHint';
import { type Duplicate, DuplicateModal } from './DuplicateModal';
import { stateLabel } from './patientFormat';

type NewPatient = ApiPaths['/back_end/api/v1/patient']['post']['requestBody'] extends {
  content: { 'application/json': infer B };
}
  ? B
  : never;

interface FormValues {
  name: string;
  sex?: number;
  age?: number;
  tel?: string;
  wechat?: string;
  qq?: string;
  add_time: string;
  order_time?: string;
  state: number;
  disease_id?: number;
  media_from_id?: number;
  doctor_id?: number;
  advisory_way?: string;
  advisory_content?: string;
  area?: string;
  remarks?: string;
}

const blankToNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());

function toBody(values: FormValues): NewPatient {
  return {
    name: values.name.trim(),
    sex: values.sex ?? null,
    age: values.age ?? null,
    tel: blankToNull(values.tel),
    wechat: blankToNull(values.wechat),
    qq: blankToNull(values.qq),
    add_time: pickerToUnix(values.add_time),
    order_time: values.order_time ? pickerToUnix(values.order_time) : null,
    state: values.state,
    disease_id: values.disease_id ?? null,
    media_from_id: values.media_from_id ?? null,
    doctor_id: values.doctor_id ?? null,
    advisory_way: blankToNull(values.advisory_way),
    advisory_content: blankToNull(values.advisory_content),
    area: blankToNull(values.area),
    remarks: blankToNull(values.remarks),
  };
}

/** 登记用户: the registration form; possible duplicates are listed before anything is saved. */
export default function RegisterPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const catalogs = useCatalogs();
  const formRef = useRef<ProFormInstance<FormValues>>(undefined);
  const [pending, setPending] = useState<{ body: NewPatient; duplicates: Duplicate[]; total: number }>();
  /** The check made while typing, reused by the save when the numbers did not change (a lookup is counted). */
  const checked = useRef<{ key: string; found: { duplicates: Duplicate[]; total: number } }>(undefined);
  const remember = useCallback((key: string, found: { duplicates: Duplicate[]; total: number }) => {
    checked.current = { key, found };
  }, []);

  async function save(body: NewPatient, allowDuplicate: boolean): Promise<void> {
    const { newPatient } = await call(() =>
      staffClient.POST('/back_end/api/v1/patient', {
        body: { ...body, ...(allowDuplicate ? { allow_duplicate: true } : {}) },
      }),
    );
    message.success(t('register.saved', { name: newPatient.name, id: newPatient.id }));
    // The number just saved is a duplicate now: an earlier "none found" must not be reused.
    checked.current = undefined;
    formRef.current?.resetFields();
  }

  async function submit(values: FormValues): Promise<boolean> {
    const body = toBody(values);
    try {
      const identifiers = {
        ...(body.tel ? { tel: body.tel } : {}),
        ...(body.wechat ? { wechat: body.wechat } : {}),
        ...(body.qq ? { qq: body.qq } : {}),
      };
      if (Object.keys(identifiers).length > 0) {
        const key = probeKey(identifiers);
        const report =
          checked.current?.key === key && key === JSON.stringify(identifiers)
            ? checked.current.found
            : await call(() =>
                staffClient.GET('/back_end/api/v1/patient/duplicates', { params: { query: identifiers } }),
              );
        if (report.total > 0) {
          setPending({ body, duplicates: report.duplicates, total: report.total });
          return false;
        }
      }
      await save(body, false);
      return true;
    } catch (cause) {
      message.error(messageOf(cause));
      return false;
    }
  }

  return (
    <PageContainer title={t('menu.regsiter')}>
      <ProCard>
        <ProForm<FormValues>
          formRef={formRef}
          layout="vertical"
          grid
          rowProps={{ gutter: 16 }}
          initialValues={{ add_time: clinicNowPicker(), state: 0 }}
          onFinish={submit}
          submitter={{
            searchConfig: { submitText: t('register.submit') },
            resetButtonProps: { children: t('register.reset') },
          }}
        >
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
              <DuplicateHint values={values} catalogs={catalogs} onChecked={remember} />
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
            name="state"
            label={t('fields.state')}
            rules={[{ required: true }]}
            options={[0, 2].map((value) => ({ value, label: stateLabel(t, value) }))}
          />
          <ProFormSelect
            colProps={{ md: 8 }}
            name="media_from_id"
            label={t('fields.channel')}
            options={options(catalogs.channels)}
            showSearch
          />
          <ProFormSelect
            colProps={{ md: 8 }}
            name="disease_id"
            label={t('fields.disease')}
            fieldProps={{ options: diseaseOptions(catalogs) }}
            showSearch
          />
          <ProFormSelect
            colProps={{ md: 8 }}
            name="doctor_id"
            label={t('fields.doctor')}
            options={options(catalogs.doctors)}
            showSearch
          />
          <ProFormSelect
            colProps={{ md: 8 }}
            name="advisory_way"
            label={t('fields.advisoryWay')}
            options={catalogs.advisoryWays.map((w) => ({ value: w.name, label: w.name }))}
          />
          <ProFormText colProps={{ md: 8 }} name="area" label={t('fields.area')} rules={[{ max: 50 }]} />
          <ProFormTextArea
            colProps={{ md: 12 }}
            name="advisory_content"
            label={t('fields.advisoryContent')}
            rules={[{ max: 2000 }]}
          />
          <ProFormTextArea colProps={{ md: 12 }} name="remarks" label={t('fields.remarks')} rules={[{ max: 2000 }]} />
        </ProForm>
      </ProCard>
      <DuplicateModal
        pending={pending}
        onCancel={() => setPending(undefined)}
        onConfirm={async () => {
          if (!pending) return;
          try {
            await save(pending.body, true);
            setPending(undefined);
          } catch (cause) {
            message.error(messageOf(cause));
          }
        }}
      />
    </PageContainer>
  );
}
