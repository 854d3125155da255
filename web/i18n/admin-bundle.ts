import { adminEn, adminZh } from './admin';
import {
  adminConsultationsEn,
  adminConsultationsZh,
  consultationsMenuEn,
  consultationsMenuZh,
} from './admin-consultations';
import { adminNotesEn, adminNotesZh } from './admin-notes';
import i18n from './index';

/**
 * The back office's string tables, registered when the back-office app's chunk loads (before any
 * of its components renders): the portal's first script stays free of them (web/i18n/index.ts).
 */
i18n.addResourceBundle('zh-CN', 'admin', { ...adminZh, ...adminNotesZh, ...adminConsultationsZh }, true, true);
i18n.addResourceBundle('en', 'admin', { ...adminEn, ...adminNotesEn, ...adminConsultationsEn }, true, true);
// The menu's labels are one table (admin.ts); deep-merged into it, not spread over it.
i18n.addResourceBundle('zh-CN', 'admin', { menu: consultationsMenuZh }, true, true);
i18n.addResourceBundle('en', 'admin', { menu: consultationsMenuEn }, true, true);
