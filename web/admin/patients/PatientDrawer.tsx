import { ProDescriptions } from '@ant-design/pro-components';
import { Alert, Drawer, Skeleton, Space, Tabs } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import type { Catalogs } from '../catalogs';
import { ArrivalButton } from './ArrivalModal';
import { DeletePatientButton, EditPatientButton } from './PatientActions';
import { AppointmentsTab, AuditTab, FollowUpsTab, VisitsTab } from './PatientTabs';
import { PortalAccountActions } from './PortalAccountActions';
import { formatTime, sexLabel, stateLabel } from './patientFormat';

type PatientRecord =
  ApiPaths['/back_end/api/v1/patient/{id}']['get']['responses'][200]['content']['application/json']['patient'];

/** The full record (GET patient/:id) with its timeline, visits, appointments and audit trail. */
export function PatientDrawer({
  patientId,
  catalogs,
  onClose,
  onChanged,
}: {
  patientId: string | undefined;
  catalogs: Catalogs;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation('admin');
  const access = useAccess();
  const [patient, setPatient] = useState<PatientRecord>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger after an edit, read by no line of the effect
  useEffect(() => {
    if (!patientId) return;
    let active = true;
    setPatient(undefined);
    setError(undefined);
    call(() => staffClient.GET('/back_end/api/v1/patient/{id}', { params: { path: { id: Number(patientId) } } }))
      .then((body) => active && setPatient(body.patient))
      .catch((cause: unknown) => active && setError(messageOf(cause)));
    return () => {
      active = false;
    };
  }, [patientId, version]);

  const refresh = () => {
    setVersion((n) => n + 1);
    onChanged();
  };

  return (
    <Drawer
      open={Boolean(patientId)}
      onClose={onClose}
      width={760}
      title={patient ? `${patient.name} · #${patient.id}` : t('patients.detail')}
      destroyOnHidden
      extra={
        patient && (
          <Space>
            <EditPatientButton patientId={patient.id} name={patient.name} catalogs={catalogs} onDone={refresh} />
            <ArrivalButton patient={patient} catalogs={catalogs} onDone={refresh} />
            <DeletePatientButton
              patient={patient}
              onDone={() => {
                onChanged();
                onClose();
              }}
            />
          </Space>
        )
      }
    >
      {error && <Alert type="error" showIcon message={error} />}
      {!error && !patient && <Skeleton active />}
      {patient && (
        <>
          <ProDescriptions
            column={2}
            size="small"
            bordered
            dataSource={patient}
            columns={[
              { title: t('fields.name'), dataIndex: 'name' },
              { title: t('fields.sex'), render: () => sexLabel(t, patient.sex) },
              { title: t('fields.tel'), dataIndex: 'tel' },
              { title: t('fields.age'), dataIndex: 'age' },
              { title: t('fields.wechat'), dataIndex: 'wechat' },
              { title: 'QQ', dataIndex: 'qq' },
              { title: t('fields.state'), render: () => stateLabel(t, patient.state) },
              { title: t('fields.channel'), dataIndex: 'mediaFromName' },
              { title: t('fields.department'), dataIndex: 'departmentName' },
              { title: t('fields.disease'), dataIndex: 'diseaseName' },
              { title: t('fields.doctor'), dataIndex: 'doctorName' },
              { title: t('fields.consultant'), dataIndex: 'authorName' },
              { title: t('fields.advisoryWay'), dataIndex: 'advisoryWay' },
              { title: t('fields.area'), dataIndex: 'area' },
              { title: t('fields.addTime'), render: () => formatTime(patient.addTime) },
              { title: t('fields.orderTime'), render: () => formatTime(patient.orderTime) },
              { title: t('fields.reachTime'), render: () => formatTime(patient.reachTime) },
              { title: t('fields.visitCount'), dataIndex: 'visitCount' },
              { title: t('fields.spend'), dataIndex: 'spend' },
              { title: t('fields.birthDate'), dataIndex: 'birthDate' },
              { title: t('fields.address'), dataIndex: 'address', span: 2 },
              { title: t('fields.advisoryContent'), dataIndex: 'advisoryContent', span: 2 },
              { title: t('fields.medicalHistory'), dataIndex: 'medicalHistory', span: 2 },
              { title: t('fields.remarks'), dataIndex: 'remarks', span: 2 },
            ]}
          />
          <PortalAccountActions patientId={patient.id} />
          <Tabs
            style={{ marginTop: 16 }}
            items={[
              { key: 'follow-ups', label: t('followUps.title'), children: <FollowUpsTab patientId={patient.id} /> },
              {
                key: 'visits',
                label: t('visits.title'),
                children: (
                  <VisitsTab
                    patientId={patient.id}
                    version={version}
                    diseases={catalogs.departments.flatMap((department) => department.diseases)}
                  />
                ),
              },
              ...(access.can('appointments:view')
                ? [
                    {
                      key: 'appointments',
                      label: t('appointments.title'),
                      children: <AppointmentsTab patientId={patient.id} />,
                    },
                  ]
                : []),
              ...(access.can('logs:view')
                ? [{ key: 'audit', label: t('audit.title'), children: <AuditTab patientId={patient.id} /> }]
                : []),
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
