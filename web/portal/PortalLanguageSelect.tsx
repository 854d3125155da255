import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n';
import { LANGUAGE_OPTIONS, languageValue } from '../ui/languages';
import { NativeSelect } from './NativeSelect';

/** The portal's language switch: a native select (see NativeSelect for why not antd's). */
export function PortalLanguageSelect() {
  const { t, i18n } = useTranslation('common');
  return (
    <NativeSelect
      aria-label={t('language')}
      value={languageValue(i18n.language)}
      onChange={(event) => setLanguage(event.target.value)}
      style={{ height: 28 }}
    >
      {LANGUAGE_OPTIONS.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </NativeSelect>
  );
}
