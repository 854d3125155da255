import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { type DoctorSessions, periodLabel, type Session, weekdayOf } from '../format';
import { PortalCard } from '../PortalCard';
import { messageOf, PortalError, usePortalSession } from '../session';
import { EmptyState, Loaded, useLoad } from '../states';

/**
 * A doctor's sessions for the next 4 weeks with the places left. The range is left to the
 * server's defaults (today .. today + 28 in the clinic's calendar), so a phone in another
 * time zone never asks for "yesterday".
 */
export function DoctorSessionsPage() {
  const { t } = useTranslation('portal');
  const { client, call } = usePortalSession();
  const navigate = useNavigate();
  const doctorId = Number(useParams().id);
  const state = useLoad(async () => {
    if (!Number.isInteger(doctorId) || doctorId < 1) throw new PortalError(t('notFound.title'), 404);
    return call(client.GET('/patient/doctors/{id}/sessions', { params: { path: { id: doctorId } } }));
  }, [client, call, doctorId]);
  const [lastBooked, setLastBooked] = useState<string | null>(null);
  // My live bookings with this doctor, so those sessions read "booked" instead of offering a second try.
  const { token } = usePortalSession();
  const mine = useLoad(async () => {
    if (!token) return new Set<string>();
    const { upcoming } = await call(client.GET('/patient/appointments'));
    return new Set(
      upcoming.filter((a) => a.doctor_id === doctorId && a.status === 'booked').map((a) => `${a.date}|${a.period}`),
    );
  }, [client, call, token, doctorId, lastBooked]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => navigate('/doctors')} style={{ padding: 0 }}>
        {t('sessions.back')}
      </Button>
      {lastBooked ? (
        <Alert
          type="success"
          showIcon
          role="status"
          message={t('sessions.booked')}
          description={
            <Space direction="vertical" size={8}>
              <span>{lastBooked}</span>
              <Button size="small" type="primary" onClick={() => navigate('/appointments')}>
                {t('sessions.viewAppointments')}
              </Button>
            </Space>
          }
        />
      ) : null}
      <Loaded state={state}>
        {(data) => (
          <SessionList
            data={data}
            mine={mine.data ?? new Set()}
            onBooked={(text) => {
              setLastBooked(text);
              state.reload();
            }}
          />
        )}
      </Loaded>
    </Space>
  );
}

function groupByDate(sessions: Session[]): [string, Session[]][] {
  const groups = new Map<string, Session[]>();
  for (const session of sessions) groups.set(session.date, [...(groups.get(session.date) ?? []), session]);
  return [...groups.entries()];
}

function SessionList({
  data,
  mine,
  onBooked,
}: {
  data: DoctorSessions;
  mine: Set<string>;
  onBooked: (text: string) => void;
}) {
  const { t } = useTranslation('portal');
  const groups = groupByDate(data.sessions);
  return (
    <>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('sessions.title', { doctor: data.doctor_name })}
        </Typography.Title>
        <Typography.Text type="secondary">{t('sessions.range', { from: data.from, to: data.to })}</Typography.Text>
      </div>
      {groups.length === 0 ? (
        <EmptyState description={t('sessions.empty')} />
      ) : (
        groups.map(([date, sessions]) => (
          <PortalCard key={date} size="small" title={`${date} ${weekdayOf(date, t)}`}>
            <List
              dataSource={sessions}
              renderItem={(session) => (
                <SessionRow
                  doctorId={data.doctor_id}
                  doctorName={data.doctor_name}
                  session={session}
                  bookedByMe={mine.has(`${session.date}|${session.period}`)}
                  onBooked={onBooked}
                />
              )}
            />
          </PortalCard>
        ))
      )}
    </>
  );
}

interface SessionRowProps {
  doctorId: number;
  doctorName: string;
  session: Session;
  bookedByMe: boolean;
  onBooked: (text: string) => void;
}

function SessionRow({ doctorId, doctorName, session, bookedByMe, onBooked }: SessionRowProps) {
  const { t } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { modal, message } = App.useApp();
  const { client, call, token, requireLogin } = usePortalSession();
  const [booking, setBooking] = useState(false);
  const description = t('sessions.confirmContent', {
    doctor: doctorName,
    date: session.date,
    weekday: weekdayOf(session.date, t),
    period: periodLabel(session.period, t),
  });

  const book = async (visitReason: string) => {
    setBooking(true);
    try {
      await call(
        client.POST('/patient/appointments', {
          body: {
            doctor_id: doctorId,
            date: session.date,
            period: session.period,
            ...(visitReason.trim() ? { visit_reason: visitReason.trim() } : {}),
          },
        }),
      );
      void message.success(t('sessions.booked'));
      onBooked(description);
    } catch (caught) {
      modal.error({ title: t('sessions.bookFailed'), content: messageOf(caught, t('sessions.bookFailed')) });
    } finally {
      setBooking(false);
    }
  };

  const ask = () => {
    if (!token) {
      requireLogin();
      return;
    }
    // The confirm dialog's content is rendered once: the reason is read from this variable on OK.
    let visitReason = '';
    modal.confirm({
      title: t('sessions.confirmTitle'),
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{description}</span>
          <label htmlFor="visit-reason">{t('sessions.reasonLabel')}</label>
          <Input
            id="visit-reason"
            maxLength={200}
            placeholder={t('sessions.reasonPlaceholder')}
            onChange={(event) => {
              visitReason = event.target.value;
            }}
          />
        </Space>
      ),
      okText: t('sessions.confirmOk'),
      cancelText: tc('cancel'),
      onOk: () => {
        void book(visitReason);
      },
    });
  };

  const blocked = bookedByMe
    ? t('sessions.mine')
    : !session.bookable
      ? session.remaining <= 0
        ? t('sessions.full')
        : t('sessions.started')
      : null;
  return (
    <List.Item>
      <Flex justify="space-between" align="center" gap={8} style={{ width: '100%' }} wrap>
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{periodLabel(session.period, t)}</Typography.Text>
          <Typography.Text type={session.remaining > 0 ? 'success' : 'secondary'} data-testid="remaining">
            {t('sessions.remaining', { remaining: session.remaining, capacity: session.capacity })}
          </Typography.Text>
        </Space>
        {blocked ? (
          <Tag color={bookedByMe ? 'blue' : undefined}>{blocked}</Tag>
        ) : (
          <Button
            type="primary"
            loading={booking}
            onClick={ask}
            aria-label={`${t('sessions.book')} ${session.date} ${periodLabel(session.period, t)}`}
          >
            {token ? t('sessions.book') : t('sessions.loginToBook')}
          </Button>
        )}
      </Flex>
    </List.Item>
  );
}
