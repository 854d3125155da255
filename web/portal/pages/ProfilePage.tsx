import { BellOutlined, EditOutlined, LockOutlined, UploadOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Descriptions, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Profile } from '../format';
import { PortalCard } from '../PortalCard';
import { usePortalSession } from '../session';
import { Loaded, useLoad } from '../states';
import { ProfileForm } from './ProfileForm';
import { VerifyPhone } from './VerifyPhone';

type AvatarEnvelope = paths['/patient/avatar']['post']['responses'][200]['content']['application/json'];
const MAX_AVATAR_BYTES = 2 * 1024 * 1024;

/**
 * Only avatars this server stored are shown: a record may still hold an external URL from
 * before uploads were the only way (the CSP refuses such images too), shown as no avatar.
 */
const shownAvatar = (url: string | null): string | undefined =>
  url?.startsWith('/uploads/avatars/') ? url : undefined;

export function ProfilePage() {
  const { t } = useTranslation('portal');
  const { client, call, token, signIn } = usePortalSession();
  const state = useLoad(() => call(client.GET('/patient')), [client, call]);
  const [edited, setEdited] = useState<Profile | null>(null);
  const [editing, setEditing] = useState(false);
  const { message } = App.useApp();
  const navigate = useNavigate();

  const saved = (profile: Profile) => {
    setEdited(profile);
    setEditing(false);
    if (token) signIn(token, profile.name);
    void message.success(t('profile.saved'));
  };

  return (
    <PortalCard
      title={
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('profile.title')}
        </Typography.Title>
      }
      extra={
        state.data && !editing ? (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('profile.edit')}
          </Button>
        ) : null
      }
    >
      <Loaded state={state}>
        {(loaded) => {
          const profile = edited ?? loaded;
          if (editing) return <ProfileForm profile={profile} onSaved={saved} onCancel={() => setEditing(false)} />;
          return (
            <Space direction="vertical" size="large" style={{ width: '100%' }}>
              <AvatarBlock url={profile.avatar_url} onUploaded={(url) => setEdited({ ...profile, avatar_url: url })} />
              {profile.phone_verified ? null : (
                <VerifyPhone
                  phone={profile.phone}
                  onVerified={() => {
                    setEdited(null);
                    state.reload();
                  }}
                />
              )}
              <ProfileView profile={profile} />
              <Space wrap>
                <Button icon={<LockOutlined />} onClick={() => navigate('/password')}>
                  {t('profile.changePassword')}
                </Button>
                <Button icon={<BellOutlined />} onClick={() => navigate('/notifications')}>
                  {t('notify.link')}
                </Button>
              </Space>
            </Space>
          );
        }}
      </Loaded>
    </PortalCard>
  );
}

function ProfileView({ profile }: { profile: Profile }) {
  const { t } = useTranslation('portal');
  const orNotSet = (value: string | null) =>
    value ?? <Typography.Text type="secondary">{t('profile.notSet')}</Typography.Text>;
  return (
    <Descriptions column={1} bordered size="small" styles={{ label: { width: 110 } }}>
      <Descriptions.Item label={t('profile.phone')}>
        {profile.phone}{' '}
        {profile.phone_verified ? <Tag color="green">{t('verify.verified')}</Tag> : <Tag>{t('verify.unverified')}</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label={t('profile.name')}>{profile.name}</Descriptions.Item>
      <Descriptions.Item label={t('profile.gender')}>
        {orNotSet(profile.gender ? t(`profile.${profile.gender}`) : null)}
      </Descriptions.Item>
      <Descriptions.Item label={t('profile.birthDate')}>{orNotSet(profile.birth_date)}</Descriptions.Item>
      <Descriptions.Item label={t('profile.address')}>{orNotSet(profile.address)}</Descriptions.Item>
      <Descriptions.Item label={t('profile.medicalHistory')}>
        <span style={{ whiteSpace: 'pre-wrap' }}>{orNotSet(profile.medical_history)}</span>
      </Descriptions.Item>
    </Descriptions>
  );
}

/** The photo with its upload button; multipart goes through fetch (the typed client speaks JSON). */
function AvatarBlock({ url, onUploaded }: { url: string | null; onUploaded: (url: string) => void }) {
  const { t } = useTranslation('portal');
  const { t: tc } = useTranslation('common');
  const { message } = App.useApp();
  const { token, signOut, requireLogin } = usePortalSession();
  const [uploading, setUploading] = useState(false);

  const upload = async (file: File) => {
    if (file.size > MAX_AVATAR_BYTES) {
      void message.error(t('profile.avatarTooLarge'));
      return;
    }
    setUploading(true);
    try {
      const form = new FormData();
      form.append('file', file);
      const response = await fetch('/patient/avatar', {
        method: 'POST',
        body: form,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const body: unknown = await response.json().catch(() => null);
      if (response.status === 401) {
        signOut();
        requireLogin();
      }
      if (!response.ok) throw new Error(errorMessage(body, t('profile.avatarFailed')));
      onUploaded((body as AvatarEnvelope).data.avatar_url);
      void message.success(t('profile.avatarUploaded'));
    } catch (caught) {
      void message.error(
        caught instanceof TypeError
          ? tc('networkError')
          : caught instanceof Error
            ? caught.message
            : t('profile.avatarFailed'),
      );
    } finally {
      setUploading(false);
    }
  };

  return (
    <Space size="middle" align="center" wrap>
      <Avatar
        size={72}
        src={shownAvatar(url)}
        icon={shownAvatar(url) ? undefined : <UserOutlined />}
        alt={t('profile.avatarAlt')}
      />
      <Space direction="vertical" size={4}>
        <Upload
          accept="image/png,image/jpeg,image/webp"
          showUploadList={false}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={uploading}>
            {t('profile.changeAvatar')}
          </Button>
        </Upload>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('profile.avatarHint')}
        </Typography.Text>
      </Space>
    </Space>
  );
}
