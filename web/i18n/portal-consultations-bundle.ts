import i18n from './index';
import { portalConsultationsEn, portalConsultationsZh } from './portal-consultations';

/*
 * The consultation pages' strings, deep-merged into the portal namespace when their chunk loads:
 * every other portal page, the first one a phone opens above all, stays without them.
 */
i18n.addResourceBundle('zh-CN', 'portal', portalConsultationsZh, true, true);
i18n.addResourceBundle('en', 'portal', portalConsultationsEn, true, true);
