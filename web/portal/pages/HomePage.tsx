import {
  CalendarOutlined,
  FileTextOutlined,
  LockOutlined,
  MedicineBoxOutlined,
  MessageOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Col, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ClinicCard } from '../ClinicDetails';
import { PortalCard } from '../PortalCard';
import { usePortalSession } from '../session';

const SHORTCUTS = [
  { path: '/doctors', key: 'nav.doctors', icon: <MedicineBoxOutlined /> },
  { path: '/appointments', key: 'nav.appointments', icon: <CalendarOutlined /> },
  { path: '/records', key: 'records.nav', icon: <FileTextOutlined /> },
  { path: '/consultations', key: 'consultations.nav', icon: <MessageOutlined /> },
  { path: '/profile', key: 'nav.profile', icon: <UserOutlined /> },
  { path: '/password', key: 'nav.password', icon: <LockOutlined /> },
] as const;

export function HomePage() {
  const { t } = useTranslation('portal');
  const { token, patientName } = usePortalSession();
  const navigate = useNavigate();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <PortalCard>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {token && patientName ? t('home.greeting', { name: patientName }) : t('home.welcome')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('home.intro')}</Typography.Paragraph>
        {token ? null : (
          <Space wrap>
            <Typography.Text>{t('home.loginHint')}</Typography.Text>
            <Button type="primary" onClick={() => navigate('/login')}>
              {t('nav.login')}
            </Button>
            <Button onClick={() => navigate('/register')}>{t('nav.register')}</Button>
          </Space>
        )}
      </PortalCard>
      <Row gutter={[12, 12]}>
        {SHORTCUTS.map((item) => (
          <Col key={item.path} xs={12} md={6}>
            <Link to={item.path}>
              <PortalCard hoverable bodyStyle={{ textAlign: 'center', padding: 16 }}>
                <div style={{ fontSize: 28, color: '#1677ff' }}>{item.icon}</div>
                <div style={{ marginTop: 8 }}>{t(item.key)}</div>
              </PortalCard>
            </Link>
          </Col>
        ))}
      </Row>
      <ClinicCard />
    </Space>
  );
}
