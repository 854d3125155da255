import { Col, DatePicker, Form, type FormInstance, Input, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../api/client';
import { type Catalogs, diseaseOptions, options } from './catalogs';
import { rangeLabelProps, STATES, stateLabel } from './patients/patientFormat';
import { useConsultants } from './patients/useConsultants';

/** Every filter of GET patient/ and GET patient/export (PatientFilterFields on the server), typed from the contract. */
export type PatientFilterQuery = Omit<
  NonNullable<ApiPaths['/back_end/api/v1/patient/export']['get']['parameters']['query']>,
  'token' | 'format'
>;

type Range = [Dayjs, Dayjs] | null | undefined;

/** What the form holds: the API's fields, with the three time filters as date ranges. */
export interface PatientFilterValues {
  keyword?: string;
  state?: number;
  media_from_id?: number;
  disease_id?: number;
  department_id?: number;
  doctor_id?: number;
  author_id?: number;
  advisory_way?: string;
  visit_type?: 'first' | 'return';
  add_time?: Range;
  order_time?: Range;
  reach_time?: Range;
}

const RANGES = ['add_time', 'order_time', 'reach_time'] as const;
const PLAIN = [
  'state',
  'media_from_id',
  'disease_id',
  'department_id',
  'doctor_id',
  'author_id',
  'advisory_way',
  'visit_type',
] as const;

/**
 * The form's values as the API's query: empty fields left out, a date range as whole days
 * (from the start of the first to the end of the last, in the browser's time zone, as the pool list does).
 */
export function patientFilterQuery(values: PatientFilterValues): PatientFilterQuery {
  const query: PatientFilterQuery = {};
  const keyword = values.keyword?.trim();
  if (keyword) query.keyword = keyword;
  for (const key of PLAIN) {
    const value = values[key];
    if (value !== undefined && value !== null && value !== '') Object.assign(query, { [key]: value });
  }
  for (const key of RANGES) {
    const range = values[key];
    if (range)
      Object.assign(query, {
        [`${key}_from`]: range[0].startOf('day').unix(),
        [`${key}_to`]: range[1].endOf('day').unix(),
      });
  }
  return query;
}

/** How many filters are set, for a summary next to the form. */
export function countFilters(query: PatientFilterQuery): number {
  return Object.keys(query).filter((key) => !key.endsWith('_to')).length;
}

/**
 * The patient filters as a labelled form (客户池's filters outside a table), for screens that
 * act on "the patients matching these conditions", such as the export.
 */
export function PatientFilterForm({
  form,
  catalogs,
  onChange,
}: {
  form: FormInstance<PatientFilterValues>;
  catalogs: Catalogs;
  onChange: (values: PatientFilterValues) => void;
}) {
  const { t } = useTranslation('admin');
  const consultants = useConsultants();
  const col = { xs: 24, sm: 12, lg: 8, xl: 6 };
  const select = { allowClear: true, showSearch: true, optionFilterProp: 'label' } as const;
  return (
    <Form<PatientFilterValues> form={form} layout="vertical" onValuesChange={(_, all) => onChange(all)}>
      <Row gutter={16}>
        <Col {...col}>
          <Form.Item name="keyword" label={t('patients.keyword')}>
            <Input allowClear placeholder={t('patients.keywordHint')} maxLength={50} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="state" label={t('fields.state')}>
            <Select {...select} options={STATES.map((value) => ({ value, label: stateLabel(t, value) }))} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="media_from_id" label={t('fields.channel')}>
            <Select {...select} options={options(catalogs.channels)} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="department_id" label={t('fields.department')}>
            <Select {...select} options={options(catalogs.departments)} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="disease_id" label={t('fields.disease')}>
            <Select {...select} options={diseaseOptions(catalogs)} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="doctor_id" label={t('fields.doctor')}>
            <Select {...select} options={options(catalogs.doctors)} />
          </Form.Item>
        </Col>
        {consultants.length > 0 && (
          <Col {...col}>
            <Form.Item name="author_id" label={t('fields.consultant')}>
              <Select {...select} options={options(consultants)} />
            </Form.Item>
          </Col>
        )}
        <Col {...col}>
          <Form.Item name="advisory_way" label={t('fields.advisoryWay')}>
            <Select {...select} options={catalogs.advisoryWays.map((way) => ({ value: way.name, label: way.name }))} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="visit_type" label={t('fields.visitType')}>
            <Select
              allowClear
              options={[
                { value: 'first', label: t('visits.first') },
                { value: 'return', label: t('visits.return') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="add_time" label={t('fields.addTime')}>
            <DatePicker.RangePicker style={{ width: '100%' }} {...rangeLabelProps(t, t('fields.addTime'))} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="order_time" label={t('fields.orderTime')}>
            <DatePicker.RangePicker style={{ width: '100%' }} {...rangeLabelProps(t, t('fields.orderTime'))} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="reach_time" label={t('fields.reachTime')}>
            <DatePicker.RangePicker style={{ width: '100%' }} {...rangeLabelProps(t, t('fields.reachTime'))} />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}
