import { DatePicker, Segmented } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clinicDayEnd, clinicDayStart, clinicNowPicker, DATE_FORMAT } from '../../ui/clinicTime';
import type { View } from './figureLinks';

/**
 * The period the statistics and the cost report read: this month of the clinic's calendar at first,
 * sent as whole clinic days in Unix seconds (from = first second, to = last), as the server counts.
 */
export function useClinicPeriod() {
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [
    clinicNowPicker().startOf('month'),
    clinicNowPicker().endOf('month'),
  ]);
  return {
    range,
    setRange,
    from: clinicDayStart(range[0].format(DATE_FORMAT)),
    to: clinicDayEnd(range[1].format(DATE_FORMAT)),
  };
}

/** Cohort or activity: the two ways the figures count, named the same on every screen. */
export function ViewSwitch({ view, onChange }: { view: View; onChange: (view: View) => void }) {
  const { t } = useTranslation('admin');
  return (
    <Segmented<View>
      aria-label={t('fig.stats.view')}
      value={view}
      onChange={onChange}
      options={[
        { value: 'cohort', label: t('fig.stats.cohort') },
        { value: 'activity', label: t('fig.stats.activity') },
      ]}
    />
  );
}

export function PeriodPicker({
  range,
  onChange,
}: {
  range: [Dayjs, Dayjs];
  onChange: (range: [Dayjs, Dayjs]) => void;
}) {
  const { t } = useTranslation('admin');
  return (
    <DatePicker.RangePicker
      aria-label={t('statistics.period')}
      value={range}
      allowClear={false}
      onChange={(value) => value?.[0] && value[1] && onChange([value[0], value[1]])}
    />
  );
}
