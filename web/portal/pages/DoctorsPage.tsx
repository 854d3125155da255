import { Alert, Button, Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { type Doctor, weekdayOf } from '../format';
import { NativeSelect } from '../NativeSelect';
import { PortalCard } from '../PortalCard';
import { usePortalSession } from '../session';
import { EmptyState, Loaded, useLoad } from '../states';

/** Departments and their doctors (no login needed); the chosen department lives in the URL. */
export function DoctorsPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const [search, setSearch] = useSearchParams();
  const departmentId = Number(search.get('department')) || undefined;

  const departments = useLoad(() => call(client.GET('/patient/departments')), [client, call]);
  const doctors = useLoad(
    () =>
      call(client.GET('/patient/doctors', { params: { query: departmentId ? { department_id: departmentId } : {} } })),
    [client, call, departmentId],
  );

  const chooseDepartment = (id: number | undefined) => {
    const next = new URLSearchParams(search);
    if (id) next.set('department', String(id));
    else next.delete('department');
    setSearch(next, { replace: true });
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('doctors.title')}
      </Typography.Title>
      {/* Also in the first screen painted from the HTML (web/first-screen/paint.ts): the page's largest text. */}
      <Typography.Text type="secondary">{t('doctors.intro')}</Typography.Text>
      <Flex vertical gap={4}>
        <label htmlFor="department-filter">{t('doctors.department')}</label>
        <NativeSelect
          id="department-filter"
          disabled={departments.loading && !departments.data}
          value={departmentId ?? ''}
          onChange={(event) => chooseDepartment(Number(event.target.value) || undefined)}
          style={{ width: '100%', maxWidth: 360 }}
        >
          <option value="">{t('doctors.allDepartments')}</option>
          {(departments.data ?? []).map((department) => (
            <option key={department.id} value={department.id}>
              {department.name}
            </option>
          ))}
        </NativeSelect>
        {departments.error ? (
          <Alert type="warning" showIcon message={`${t('doctors.departmentsFailed')}: ${departments.error}`} />
        ) : null}
      </Flex>
      <Loaded
        state={doctors}
        isEmpty={(list) => list.length === 0}
        empty={<EmptyState description={t('doctors.empty')} />}
      >
        {(list) => (
          <Flex vertical gap={12}>
            {list.map((doctor) => (
              <DoctorCard key={doctor.id} doctor={doctor} />
            ))}
          </Flex>
        )}
      </Loaded>
    </Space>
  );
}

function DoctorCard({ doctor }: { doctor: Doctor }) {
  const { t } = useTranslation('portal');
  const navigate = useNavigate();
  return (
    <PortalCard size="small" aria-label={doctor.name}>
      <Flex justify="space-between" align="flex-start" gap={8} wrap>
        <div style={{ minWidth: 0, flex: 1 }}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {doctor.name} {doctor.title ? <Tag color="blue">{doctor.title}</Tag> : null}
          </Typography.Title>
          {doctor.department_name ? <Typography.Text type="secondary">{doctor.department_name}</Typography.Text> : null}
          {doctor.specialty ? (
            <Typography.Paragraph style={{ margin: '4px 0 0' }}>
              {t('doctors.specialty', { specialty: doctor.specialty })}
            </Typography.Paragraph>
          ) : null}
          <div style={{ marginTop: 6 }}>
            {doctor.next_available_dates.length > 0 ? (
              <Space size={[4, 4]} wrap>
                <Typography.Text type="secondary">{t('doctors.nextDates')}</Typography.Text>
                {doctor.next_available_dates.map((date) => (
                  <Tag key={date} color="green">
                    {date.slice(5)} {weekdayOf(date, t)}
                  </Tag>
                ))}
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('doctors.noDates')}</Typography.Text>
            )}
          </div>
        </div>
        <Button
          type="primary"
          onClick={() => navigate(`/doctors/${doctor.id}`)}
          aria-label={`${t('doctors.viewSessions')}: ${doctor.name}`}
        >
          {t('doctors.viewSessions')}
        </Button>
      </Flex>
    </PortalCard>
  );
}
