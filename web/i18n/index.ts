import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { commonEn, commonZh } from './common';
import { portalEn, portalZh } from './portal';

/**
 * Chinese first, English selectable; the choice is remembered in localStorage.
 * Namespaces: common (shared), portal (patients), admin (back office). Only common and portal are
 * in the first script a phone loads; the back office's tables (several times the portal's) are
 * added by web/i18n/admin-bundle.ts, which the back-office app imports, so a patient never
 * downloads them.
 */
const STORAGE_KEY = 'carepool.language';
const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { common: commonZh, portal: portalZh },
    en: { common: commonEn, portal: portalEn },
  },
  lng: stored === 'en' ? 'en' : 'zh-CN',
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
});

export function setLanguage(language: 'zh-CN' | 'en' | string): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18n;
