// Boot, routing, layout. Pages are modules under pages/, loaded on first use.
import * as api from './api.js';
import { h, clear, field, select } from './dom.js';
import { t, lang, setLang, oddsFormat, setOddsFormat, money, pct, odds } from './i18n.js';
import * as live from './live.js';
import { accountLinkView, forgotPasswordForm } from './account.js';

const routes = [
  [/^\/$/, 'dashboard', 'dashboard'],
  [/^\/dashboard$/, 'dashboard', 'dashboard'],
  [/^\/opportunities$/, 'opportunities', 'opportunities'],
  [/^\/opportunities\/([\w-]+)$/, 'opportunity', 'opportunities'],
  [/^\/bets$/, 'bets', 'bets'],
  [/^\/bankrolls(?:\/([\w-]+))?$/, 'bankrolls', 'bankrolls'],
  [/^\/analytics$/, 'analytics', 'analytics'],
  [/^\/agents$/, 'agents', 'agents'],
  [/^\/calculators$/, 'calculators', 'calculators'],
  [/^\/notifications$/, 'notifications', 'notifications'],
  [/^\/settings$/, 'settings', 'settings'],
  [/^\/admin(?:\/(\w+))?$/, 'admin', 'admin'],
];
const navItems = ['dashboard', 'opportunities', 'bets', 'bankrolls', 'analytics', 'agents', 'calculators', 'notifications', 'settings', 'admin'];
let unread = 0;
const main = () => document.getElementById('main');
let renderToken = 0;

let navigated = false;
export function navigate(path, { replace = false } = {}) {
  navigated = true;
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const el = h(`div.toast.${kind}`, message);
  box.append(el);
  setTimeout(() => el.remove(), 6000);
}

export function problemText(error) {
  if (error instanceof api.OfflineError) return t('offline');
  const issues = error?.problem?.errors || error?.problem?.field_errors || [];
  const details = Array.isArray(issues) ? issues.map((i) => `${i.field || i.pointer || ''}: ${i.message || i.detail || ''}`).join('; ') : '';
  return [error?.message || t('error'), details].filter(Boolean).join(' — ');
}

function renderNav() {
  const nav = clear(document.getElementById('nav'));
  const user = api.currentUser();
  const path = location.pathname;
  if (!user || path.startsWith('/s/')) return;
  const list = h('ul');
  for (const item of navItems) {
    if (item === 'admin' && user.role !== 'admin') continue;
    const href = item === 'dashboard' ? '/' : `/${item}`;
    const active = href === '/' ? path === '/' || path === '/dashboard' : path.startsWith(href);
    const badge = item === 'notifications' && unread > 0
      ? h('span.badge#unread-badge', { 'aria-label': `${unread} ${t('unread')}` }, String(unread)) : null;
    list.append(h('li', h('a', { href, 'aria-current': active ? 'page' : null, dataset: { link: '' } }, t(item), badge ? ' ' : null, badge)));
  }
  nav.append(list);
}

function renderTools() {
  const tools = clear(document.getElementById('tools'));
  const langSel = select('lang', [['en', 'English'], ['fr', 'Français']], lang());
  langSel.setAttribute('aria-label', t('language'));
  langSel.addEventListener('change', () => { setLang(langSel.value); render(); });
  const oddsSel = select('odds', [['decimal', t('decimal')], ['fractional', t('fractional')], ['american', t('american')]], oddsFormat());
  oddsSel.setAttribute('aria-label', t('odds_format'));
  oddsSel.addEventListener('change', () => { setOddsFormat(oddsSel.value); render(); });
  tools.append(langSel, oddsSel);
  if (api.currentUser() && !location.pathname.startsWith('/s/')) {
    tools.append(h('button.link', { type: 'button', id: 'logout', on: { click: logout } }, t('logout')));
  }
  document.querySelector('.skip').textContent = t('skip');
  document.getElementById('menu-toggle').textContent = t('menu');
}

/** The unread count shown in the navigation (the notifications page sets it after marking events read). */
export function refreshBadge(count) {
  unread = count;
  renderNav();
}

async function loadUnread() {
  try { refreshBadge((await api.get('/v1/notifications?limit=1', { cache: false })).unread); } catch { /* stays as it was */ }
}

async function logout() {
  live.stop();
  await api.logout();
  toast(t('signed_out'));
  navigate('/login', { replace: true });
}

let renderedPath = null;
async function render() {
  const token = ++renderToken;
  renderedPath = location.pathname + location.search;
  document.documentElement.lang = lang();
  const path = location.pathname;
  renderTools();
  renderNav();
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
  const target = main();
  if (path.startsWith('/s/')) return show(token, 'shared', [decodeURIComponent(path.slice(3))], 'shared_opportunity');
  // Links from account mail (#reset?token=…, #verify?token=…): the token stays out of server logs and Referer.
  const account = /^#(reset|verify)\?token=([^&]+)/.exec(location.hash);
  if (account) {
    document.title = `${t(account[1] === 'reset' ? 'reset_password' : 'verify_email')} · MonPS`;
    clear(target).append(accountLinkView(account[1], decodeURIComponent(account[2]), () => {
      history.replaceState(null, '', '/login');
      render();
    }));
    return;
  }
  if (!api.currentUser()) return showLogin(token);
  if (path === '/login') { history.replaceState(null, '', '/'); return render(); }
  for (const [pattern, page, titleKey] of routes) {
    const match = pattern.exec(path);
    if (match) return show(token, page, match.slice(1), titleKey);
  }
  clear(target).append(h('h1', t('not_found')));
}

async function show(token, page, params, titleKey) {
  const target = main();
  clear(target).append(h('p.loading', t('loading')));
  document.title = `${t(titleKey)} · MonPS`;
  try {
    const module = await import(`./pages/${page}.js`);
    const view = await module.render(...params);
    if (token !== renderToken) return;
    clear(target).append(view);
    // After an in-app navigation, focus moves to the new content (screen readers announce it); a fresh load
    // keeps the browser's order, so the first Tab reaches the skip link.
    if (navigated) target.focus({ preventScroll: true });
  } catch (error) {
    if (token !== renderToken) return;
    console.error(error);
    clear(target).append(h('h1', t('error')), h('p.error', { role: 'alert' }, problemText(error)));
  }
}

function showLogin(token) {
  if (location.pathname !== '/login') history.replaceState({ next: location.pathname }, '', '/login');
  document.title = `${t('login')} · MonPS`;
  const error = h('p.error', { role: 'alert' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h('form.card.login', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          await api.login(email.value.trim(), password.value);
          navigate('/', { replace: true });
        } catch (e) {
          error.textContent = e.status === 401 ? t('bad_login') : problemText(e);
        }
      },
    },
  }, h('h1', t('signin_title')), field(t('email'), email), field(t('password'), password), error, h('button.primary', { type: 'submit' }, t('login')),
  h('p', h('button.link#forgot-password', { type: 'button', on: { click: () => form.replaceWith(forgotPasswordForm(email.value.trim())) } }, t('forgot_password'))));
  if (token === renderToken) clear(main()).append(form);
}

// The dashboard's opportunity list polls with ETags (see pages/dashboard.js); notifications arrive on the live stream.
let pollTimer = null;
export function poll(url, intervalMs, onChange) {
  clearInterval(pollTimer);
  let etag = null;
  const tick = async () => {
    if (document.hidden || !api.currentUser() || api.currentUser().offline) return;
    try {
      const result = await api.get(url, { etag: etag || '', cache: false });
      if (result.notModified) return;
      if (etag && result.__etag !== etag) onChange(result);
      etag = result.__etag;
    } catch { /* next tick */ }
  };
  tick();
  pollTimer = setInterval(tick, intervalMs);
}
export function stopPolling() { clearInterval(pollTimer); }

function wire() {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-link]');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || link.target) return;
    event.preventDefault();
    stopPolling();
    navigate(link.getAttribute('href'));
  });
  window.addEventListener('popstate', () => {
    if (location.pathname + location.search === renderedPath) return; // only the hash changed (the skip link)
    stopPolling();
    navigated = true;
    render();
  });
  document.getElementById('menu-toggle').addEventListener('click', (event) => {
    const nav = document.getElementById('nav');
    const open = nav.classList.toggle('open');
    event.currentTarget.setAttribute('aria-expanded', String(open));
  });
  api.onAuthChange((me) => {
    if (me && !me.offline) { live.start(); loadUnread(); } else { live.stop(); unread = 0; }
    renderNav();
    renderTools();
  });
  live.onEvent((event) => {
    unread += 1;
    renderNav();
    toast(live.describe(event, { t, money, pct, odds: (x) => (x ? odds(x) : '?') }));
  });
  api.onStale((stale) => {
    const banner = document.getElementById('stale');
    banner.hidden = !stale;
    banner.textContent = stale ? t('stale') : '';
  });
}

async function boot() {
  wire();
  setLang(lang());
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  if (!location.pathname.startsWith('/s/')) {
    try {
      await api.restore();
    } catch (error) {
      if (error instanceof api.OfflineError && await api.offlineUser()) {
        document.getElementById('stale').hidden = false;
        document.getElementById('stale').textContent = t('stale');
      }
    }
  }
  render();
}

boot();
