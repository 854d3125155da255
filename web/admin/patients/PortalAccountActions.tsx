import { App, Card, Descriptions, Popconfirm, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiPaths } from '../../api/client';
import { LinkButton } from '../../ui/LinkButton';
import { useAccess } from '../access';
import { call, messageOf, staffClient } from '../api';
import { formatTime } from './patientFormat';

type PortalAccountView =
  ApiPaths['/back_end/api/v1/patient/{id}/portal-account']['get']['responses'][200]['content']['application/json'];

/**
 * The desk's view of a patient's portal account (patients:portal_account): verified or not,
 * locked or not, and the actions staff take for a person standing at the desk: link an
 * unverified account after checking their identity, reset the portal password (a temporary
 * one, shown once), lift the sign-in lock. Each is confirmed first; the server audits each.
 */
export function PortalAccountActions({ patientId }: { patientId: string | number }) {
  const { t } = useTranslation('admin');
  const { message, modal } = App.useApp();
  const access = useAccess();
  const allowed = access.can('patients:portal_account');
  const [view, setView] = useState<PortalAccountView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = Number(patientId);

  useEffect(() => {
    if (!allowed) return;
    let active = true;
    call(() => staffClient.GET('/back_end/api/v1/patient/{id}/portal-account', { params: { path: { id } } }))
      .then((body) => active && setView(body))
      .catch((cause: unknown) => active && setError(messageOf(cause)));
    return () => {
      active = false;
    };
  }, [allowed, id]);

  if (!allowed) return null;

  const run = async (action: () => Promise<PortalAccountView>, done: string) => {
    try {
      setView(await action());
      message.success(done);
    } catch (cause) {
      message.error(messageOf(cause));
    }
  };

  const link = () =>
    run(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/patient/{id}/portal-account/link', { params: { path: { id } }, body: {} }),
        ),
      t('portalAccount.linked'),
    );
  const unlock = () =>
    run(
      () =>
        call(() =>
          staffClient.POST('/back_end/api/v1/patient/{id}/portal-account/unlock', {
            params: { path: { id } },
            body: {},
          }),
        ),
      t('portalAccount.unlocked'),
    );
  const resetPassword = async () => {
    try {
      const answer = await call(() =>
        staffClient.POST('/back_end/api/v1/patient/{id}/portal-account/reset-password', {
          params: { path: { id } },
          body: {},
        }),
      );
      message.success(t('portalAccount.resetDone'));
      if (answer.temporaryPassword)
        modal.info({
          title: t('portalAccount.resetDone'),
          content: (
            <>
              <Typography.Paragraph>{t('portalAccount.temporaryPassword')}</Typography.Paragraph>
              <Typography.Text code copyable data-testid="temporary-password">
                {answer.temporaryPassword}
              </Typography.Text>
            </>
          ),
        });
    } catch (cause) {
      message.error(messageOf(cause));
    }
  };

  const account = view?.account;
  const locked = account?.lockedUntil && account.lockedUntil * 1000 > Date.now() ? account.lockedUntil : null;
  return (
    <Card size="small" title={t('portalAccount.title')} style={{ marginTop: 16 }} data-testid="portal-account">
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {view && !account && !view.linkable && (
        <Typography.Text type="secondary">{t('portalAccount.none')}</Typography.Text>
      )}
      {account && (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={account.phone}>
            <Space wrap>
              {account.phoneVerified ? (
                <Tag color="green">{t('portalAccount.verified')}</Tag>
              ) : (
                <Tag color="orange">{t('portalAccount.unverified')}</Tag>
              )}
              {locked && <Tag color="red">{t('portalAccount.locked', { time: formatTime(locked) })}</Tag>}
              <Typography.Text type="secondary">
                {t('portalAccount.created', { time: formatTime(account.createdAt) })}
              </Typography.Text>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}
      {view?.linkable && !account && (
        <Typography.Paragraph>
          {t('portalAccount.linkable', { time: formatTime(view.linkable.createdAt) })}
        </Typography.Paragraph>
      )}
      <Space wrap>
        {view?.linkable && !account && (
          <Popconfirm title={t('portalAccount.link')} description={t('portalAccount.linkConfirm')} onConfirm={link}>
            <LinkButton>{t('portalAccount.link')}</LinkButton>
          </Popconfirm>
        )}
        {account && (
          <Popconfirm
            title={t('portalAccount.resetPassword')}
            description={t('portalAccount.resetConfirm')}
            onConfirm={resetPassword}
          >
            <LinkButton>{t('portalAccount.resetPassword')}</LinkButton>
          </Popconfirm>
        )}
        {locked && (
          <Popconfirm
            title={t('portalAccount.unlock')}
            description={t('portalAccount.unlockConfirm')}
            onConfirm={unlock}
          >
            <LinkButton>{t('portalAccount.unlock')}</LinkButton>
          </Popconfirm>
        )}
      </Space>
    </Card>
  );
}
