/** The languages the UI offers, in the order the switches list them (Chinese first). */
export const LANGUAGE_OPTIONS = [
  { value: 'zh-CN', label: '中文' },
  { value: 'en', label: 'English' },
] as const;

/** The switch's value for i18next's current language: anything not English is shown as Chinese. */
export const languageValue = (language: string): 'zh-CN' | 'en' => (language === 'en' ? 'en' : 'zh-CN');
