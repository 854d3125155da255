import { adminEn, adminZh } from './admin';
import { adminNotesEn, adminNotesZh } from './admin-notes';
import i18n from './index';

/**
 * The back office's string tables, registered when the back-office app's chunk loads (before any
 * of its components renders): the portal's first script stays free of them (web/i18n/index.ts).
 */
i18n.addResourceBundle('zh-CN', 'admin', { ...adminZh, ...adminNotesZh }, true, true);
i18n.addResourceBundle('en', 'admin', { ...adminEn, ...adminNotesEn }, true, true);
