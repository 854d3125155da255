import { adminEn, adminZh } from '../i18n/admin';
import { commonEn, commonZh } from '../i18n/common';
import { portalEn, portalZh } from '../i18n/portal';
import type { FirstScreenText, FirstScreenTexts } from './paint';

/**
 * The first screen's words, taken at build time from the app's own string tables (vite.config.ts puts them
 * into index.html), so the picture always says what the page will say.
 */
function pick(portal: typeof portalZh, common: typeof commonZh, admin: typeof adminZh): FirstScreenText {
  return {
    title: portal.title,
    nav: {
      home: portal.nav.home,
      doctors: portal.nav.doctors,
      appointments: portal.nav.appointments,
      profile: portal.nav.profile,
      password: portal.nav.password,
      login: portal.nav.login,
    },
    register: portal.nav.register,
    logout: common.logout,
    records: portal.records.nav,
    language: common.language,
    home: portal.home,
    login: {
      title: portal.login.title,
      phone: portal.login.phone,
      password: portal.login.password,
      submit: portal.login.submit,
      noAccount: portal.login.noAccount,
      toRegister: portal.login.toRegister,
    },
    forgotPassword: portal.reset.link,
    doctors: {
      title: portal.doctors.title,
      intro: portal.doctors.intro,
      department: portal.doctors.department,
      allDepartments: portal.doctors.allDepartments,
    },
    profileTitle: portal.profile.title,
    admin: {
      title: admin.title,
      username: admin.login.username,
      password: admin.login.password,
      submit: admin.login.submit,
    },
  };
}

export const firstScreenTexts: FirstScreenTexts = {
  'zh-CN': pick(portalZh, commonZh, adminZh),
  en: pick(portalEn, commonEn, adminEn),
};
