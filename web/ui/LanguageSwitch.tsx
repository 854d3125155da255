import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n';
import { LANGUAGE_OPTIONS, languageValue } from './languages';

/** The back office's switch: antd's Select, which the back office loads anyway. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation('common');
  return (
    <Select
      aria-label={t('language')}
      size="small"
      value={languageValue(i18n.language)}
      onChange={(value) => setLanguage(value)}
      options={[...LANGUAGE_OPTIONS]}
      style={{ width: 100 }}
    />
  );
}
