import { ConfigProvider } from 'antd';
// The ES builds: Vite resolved `antd/locale/*` to the CommonJS module object, not the
// locale, and Ant Design silently fell back to English ("Cancel", "Select date").
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { usePrefersReducedMotion } from './usePrefersReducedMotion';

/**
 * Ant Design's settings for the whole UI: its own texts (pagination, pickers, dialogs) in the
 * language the user chose, and no zooming or sliding when the system asks for reduced motion
 * (vestibular disorders; also what makes dialogs stand still under automated browsers).
 */
export function AntdProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const reducedMotion = usePrefersReducedMotion();
  const english = i18n.language === 'en';
  // Date pickers take month and weekday names from dayjs's global locale.
  dayjs.locale(english ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={english ? enUS : zhCN} theme={{ token: { motion: !reducedMotion } }}>
      {children}
    </ConfigProvider>
  );
}
