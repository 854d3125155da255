import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';
// The ES builds: Vite resolved `antd/locale/*` to the CommonJS module object, not the
// locale, and Ant Design silently fell back to English ("Cancel", "Select date").
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';

/** Keeps Ant Design's own texts (pagination, pickers, dialogs) in the language the user chose. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  // Date pickers take month and weekday names from dayjs's global locale.
  dayjs.locale(english ? 'en' : 'zh-cn');
  return <ConfigProvider locale={english ? enUS : zhCN}>{children}</ConfigProvider>;
}
