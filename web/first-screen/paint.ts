/**
 * The first screen painted from the HTML itself (issue 18): index.html runs this function inline, before the
 * entry script arrives, so a phone on a slow network sees the page's header and heading when the HTML lands
 * (one round trip) instead of after React, the router, i18next and antd have downloaded and rendered (about
 * 250 KB and 1.3 s of CPU). The picture is drawn with the same sizes, places, fonts and colours as the page
 * React renders (web/portal/PortalLayout.tsx and the pages; the back office's sign-in), in the language the
 * app will pick (web/i18n/index.ts: localStorage, Chinese otherwise).
 *
 * It covers the window (#first-screen, fixed) while React renders underneath; the app removes it in the
 * same commit that shows the real page (web/first-screen/remove.ts), so nothing moves (no layout shift). Its
 * largest text is the same as the real page's, so Chrome's LCP stays at this early paint: a later element
 * counts only when it is larger, and a removed one still counts.
 *
 * Runs as an inline script: vite.config.ts serialises this function into index.html, so it must use
 * nothing from outside its body (no imports, no helpers at module level).
 */
export interface FirstScreenText {
  title: string;
  nav: { home: string; doctors: string; appointments: string; profile: string; password: string; login: string };
  register: string;
  logout: string;
  records: string;
  language: string;
  home: { welcome: string; greeting: string; intro: string; loginHint: string };
  login: { title: string; phone: string; password: string; submit: string; noAccount: string; toRegister: string };
  forgotPassword: string;
  doctors: { title: string; intro: string; department: string; allDepartments: string };
  profileTitle: string;
  admin: { title: string; username: string; password: string; submit: string };
}

export type FirstScreenTexts = Record<'zh-CN' | 'en', FirstScreenText>;

export function paintFirstScreen(texts: FirstScreenTexts): void {
  const holder = document.getElementById('first-screen');
  if (!holder) return;
  const remove = () => {
    holder.remove();
  };
  const read = (key: string): string | null => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const english = read('carepool.language') === 'en';
  const t = english ? texts.en : texts['zh-CN'];
  if (english) document.documentElement.lang = 'en';
  const escapeHtml = (value: string) => value.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
  // antd's Button puts a space between exactly two Chinese characters ("登 录").
  const buttonText = (value: string) => (/^[\u4e00-\u9fa5]{2}$/.test(value) ? value.split('').join(' ') : value);
  const button = (value: string, classes: string) =>
    `<div class="fs-btn ${classes}">${escapeHtml(buttonText(value))}</div>`;
  const field = (label: string) => `<div class="fs-label">${escapeHtml(label)}</div><div class="fs-input"></div>`;

  const path = location.pathname.replace(/\/+$/, '') || '/';
  let html = '';
  if (path === '/admin/login') {
    html =
      `<div class="fs fs-admin"><div class="fs-card fs-acard"><div class="fs-arow"><div class="fs-h3 fs-m0">${escapeHtml(t.admin.title)}</div>` +
      `<div class="fs-aselect">${english ? 'English' : '中文'}</div></div>${field(t.admin.username)}${field(t.admin.password)}` +
      `${button(t.admin.submit, 'fs-primary')}</div></div>`;
  } else if (!path.startsWith('/admin')) {
    const token = read('carepool.portal.token');
    const name = read('carepool.portal.name');
    const signedInOnly = ['/appointments', '/profile', '/password', '/notifications', '/records'];
    // A signed-in page without a session shows the login page (web/portal/PortalApp.tsx's SignedIn).
    const page = !token && signedInOnly.includes(path) ? '/login' : path;
    let content = '';
    if (page === '/') {
      const shortcuts = [t.nav.doctors, t.nav.appointments, t.records, t.nav.profile, t.nav.password];
      content =
        `<div class="fs-stack"><div class="fs-card"><div class="fs-body">` +
        `<div class="fs-h3">${escapeHtml(token && name ? t.home.greeting.replace('{{name}}', name) : t.home.welcome)}</div>` +
        `<div class="fs-p fs-sec">${escapeHtml(t.home.intro)}</div>` +
        (token
          ? ''
          : `<div class="fs-wrap"><span>${escapeHtml(t.home.loginHint)}</span>${button(t.nav.login, 'fs-primary')}${button(t.register, '')}</div>`) +
        `</div></div><div class="fs-grid">${shortcuts
          .map(
            (label) => `<div class="fs-card fs-short"><div class="fs-icon"></div><div>${escapeHtml(label)}</div></div>`,
          )
          .join('')}</div></div>`;
    } else if (page === '/login') {
      content =
        `<div class="fs-card fs-narrow"><div class="fs-body"><div class="fs-h3">${escapeHtml(t.login.title)}</div>` +
        `${field(t.login.phone)}${field(t.login.password)}${button(t.login.submit, 'fs-primary fs-lg')}` +
        `<div class="fs-center fs-mt16">${escapeHtml(t.login.noAccount)} <span class="fs-link">${escapeHtml(t.login.toRegister)}</span></div>` +
        `<div class="fs-center fs-mt8"><span class="fs-link">${escapeHtml(t.forgotPassword)}</span></div></div></div>`;
    } else if (page === '/doctors') {
      content =
        `<div class="fs-stack"><div class="fs-h3 fs-m0">${escapeHtml(t.doctors.title)}</div>` +
        `<div class="fs-sec">${escapeHtml(t.doctors.intro)}</div>` +
        `<div class="fs-field"><div>${escapeHtml(t.doctors.department)}</div>` +
        `<select class="fs-select" disabled tabindex="-1"><option>${escapeHtml(t.doctors.allDepartments)}</option></select></div></div>`;
    } else if (page === '/profile') {
      content = `<div class="fs-card"><div class="fs-cardhead"><div class="fs-h3 fs-m0">${escapeHtml(t.profileTitle)}</div></div><div class="fs-body"></div></div>`;
    }
    const tabs = [
      ['/', t.nav.home],
      ['/doctors', t.nav.doctors],
      ['/appointments', t.nav.appointments],
      ['/profile', t.nav.profile],
    ];
    const active = page === '/' ? '/' : page === '/password' ? '/profile' : page;
    html =
      `<div class="fs"><div class="fs-hd"><span class="fs-brand">${escapeHtml(t.title)}</span><span class="fs-fill"></span>` +
      // Both options, as the real switch has: a native select is as wide as its longest option.
      `<select class="fs-lang" tabindex="-1"><option>${english ? 'English</option><option>中文' : '中文</option><option>English'}</option></select>` +
      (token ? `<span class="fs-logout">${escapeHtml(t.logout)}</span>` : `<span>${escapeHtml(t.nav.login)}</span>`) +
      `</div><div class="fs-main"><div class="fs-in">${content}</div></div>` +
      `<div class="fs-tabs">${tabs
        .map(
          ([to, label]) =>
            `<div class="fs-tab${(to === '/' ? active === '/' : active.startsWith(to as string)) ? ' fs-on' : ''}"><div class="fs-ticon"></div>${escapeHtml(label as string)}</div>`,
        )
        .join('')}</div></div>`;
  }
  if (!html) {
    remove();
    return;
  }
  holder.innerHTML = html;
  // Should the app never render (its script failed to load, a chunk failed), the picture must not stay
  // in front of whatever the app shows instead: any load error or rejected promise removes it, and so
  // does a long wait.
  addEventListener('error', remove, true);
  addEventListener('unhandledrejection', remove);
  setTimeout(remove, 20_000);
}
