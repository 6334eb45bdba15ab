// Admin: users and audit log, jobs and runs, platform settings, agents, historical imports, manual settlement.
import { h, table, field, select, card, dl } from '../dom.js';
import { t, dateTime, num, label } from '../i18n.js';
import * as api from '../api.js';
import { toast, problemText, navigate } from '../app.js';
import { statusChip } from './common.js';

const tabs = ['users', 'audit', 'jobs', 'platform', 'agents', 'import', 'settle'];
const tabLabel = (tab) => ({ users: t('users'), audit: t('audit_log'), jobs: t('jobs_runs'), platform: t('platform'), agents: t('agent_onoff'), import: t('import_file'), settle: t('settle') }[tab]);
const reload = () => navigate(location.pathname + location.search, { replace: true });

export async function render(tab = 'users') {
  if (!tabs.includes(tab)) tab = 'users';
  const nav = h('nav.tabs', { 'aria-label': t('admin') }, tabs.map((x) => h('a', { href: `/admin/${x}`, dataset: { link: '' }, 'aria-current': x === tab ? 'page' : null }, tabLabel(x))));
  const body = await sections[tab]();
  return h('div.page', h('h1', `${t('admin')} · ${tabLabel(tab)}`), nav, body);
}

const sections = {
  async users() {
    const email = new URLSearchParams(location.search).get('email') || '';
    const page = await api.get(`/v1/admin/users${api.qs({ email, limit: 100 })}`, { cache: false });
    const search = h('input', { name: 'email', type: 'search', value: email });
    return card(t('users'), h('form.inline', { role: 'search', on: { submit: (e) => { e.preventDefault(); navigate(`/admin/users${api.qs({ email: search.value.trim() })}`); } } },
      field(t('search'), search), h('button', { type: 'submit' }, t('search'))),
    table([
      { label: t('email'), value: (u) => u.email },
      { label: t('name'), value: (u) => u.display_name },
      { label: t('role'), value: (u) => { const s = select('role', [['user', 'user'], ['viewer', 'viewer'], ['admin', 'admin']], u.role); s.setAttribute('aria-label', `${t('role')} ${u.email}`); s.addEventListener('change', () => update(u, { role: s.value })); return s; } },
      { label: t('status'), value: (u) => u.status },
      { label: t('created'), value: (u) => dateTime(u.created_at) },
      { label: t('actions'), value: (u) => (u.status === 'deleted' ? '—' : h('button.small', { type: 'button', on: { click: () => update(u, { disabled: u.status !== 'disabled' }) } }, u.status === 'disabled' ? t('enable') : t('disable'))) },
    ], page.data, { caption: t('users') }));
  },
  async audit() {
    const page = await api.get('/v1/admin/audit-log?limit=100', { cache: false });
    return card(t('audit_log'), table([
      { label: t('when'), value: (e) => dateTime(e.occurred_at) },
      { label: t('action'), value: (e) => e.action },
      { label: 'Actor', value: (e) => (e.actor_user_id || '—').slice(0, 8) },
      { label: 'Target', value: (e) => `${e.target_type || ''} ${(e.target_id || '').slice(0, 12)}` },
      { label: 'IP', value: (e) => e.ip || '—' },
    ], page.data, { caption: t('audit_log') }));
  },
  async jobs() {
    const [jobs, runs] = await Promise.all([api.get('/v1/admin/jobs', { cache: false }), api.get('/v1/admin/jobs/runs?limit=50', { cache: false })]);
    return h('div', card(t('jobs'), table([
      { label: t('name'), value: (j) => j.name },
      { label: t('description'), value: (j) => j.description },
      { label: t('interval'), value: (j) => `${j.interval_seconds} s`, num: true },
      { label: t('last_run'), value: (j) => (j.last_run ? `${j.last_run.status} · ${dateTime(j.last_run.started_at)}` : '—') },
      { label: t('actions'), value: (j) => h('button.small', { type: 'button', on: { click: async () => { try { await api.send('POST', `/v1/admin/jobs/${encodeURIComponent(j.name)}/run`); toast(`${j.name}: ${t('run_now')}`); reload(); } catch (e) { toast(problemText(e), 'error'); } } } }, t('run_now')) },
    ], jobs.data, { caption: t('jobs') })),
    card(t('runs'), table([
      { label: t('name'), value: (r) => r.job },
      { label: t('status'), value: (r) => r.status },
      { label: t('started'), value: (r) => dateTime(r.started_at) },
      { label: t('items'), value: (r) => r.items, num: true },
      { label: t('errors'), value: (r) => r.errors, num: true },
      { label: t('note'), value: (r) => r.message || '—' },
    ], runs.data, { caption: t('runs'), empty: t('none') })));
  },
  async platform() {
    const s = await api.get('/v1/admin/settings', { cache: false });
    const key = h('input', { name: 'odds_api_key', type: 'password', autocomplete: 'off', placeholder: s.odds_api_key.configured ? `••••${s.odds_api_key.last4 || ''}` : '' });
    const open = h('input', { type: 'checkbox', checked: s.registration_open });
    const settle = h('input', { type: 'number', min: 60, value: s.settlement_interval_seconds });
    const clv = h('input', { type: 'number', min: 60, value: s.clv_interval_seconds });
    const error = h('p.error', { role: 'alert' });
    return card(t('platform'), dl([[t('odds_api_key'), `${s.odds_api_key.configured ? t('key_set') : t('key_unset')} (${s.odds_api_key.source})`], ['Odds interval', `${s.default_odds_interval_seconds} s`], ['Updated', dateTime(s.updated_at)]]),
      h('form.settings', {
        on: {
          submit: async (event) => {
            event.preventDefault();
            error.textContent = '';
            const body = { registration_open: open.checked, settlement_interval_seconds: Number(settle.value), clv_interval_seconds: Number(clv.value) };
            if (key.value) body.odds_api_key = key.value; // write-only: never read back, only its last 4 characters
            try { await api.send('PUT', '/v1/admin/settings', body); key.value = ''; toast(t('saved'), 'success'); reload(); } catch (e) { error.textContent = problemText(e); }
          },
        },
      }, field(t('odds_api_key'), key, 'write-only'), h('label.check', open, ' ', t('registration_open')), field('Settlement interval (s)', settle), field('CLV interval (s)', clv), error, h('button.primary', { type: 'submit' }, t('save'))));
  },
  async agents() {
    const agents = await api.get('/v1/agents', { cache: false });
    return card(t('agent_onoff'), table([
      { label: t('agent'), value: (a) => `${a.letter} · ${a.title}` },
      { label: t('description'), value: (a) => a.description },
      { label: t('enabled'), value: (a) => { const box = h('input', { type: 'checkbox', checked: a.enabled, 'aria-label': `${t('enabled')} ${a.title}` }); box.addEventListener('change', async () => { try { await api.send('PATCH', `/v1/admin/agents/${a.id}`, { enabled: box.checked }); toast(t('saved'), 'success'); } catch (e) { box.checked = !box.checked; toast(problemText(e), 'error'); } }); return box; } },
    ], agents.data, { caption: t('agents') }));
  },
  async import() {
    const format = select('format', [['football-data', 'football-data'], ['tennis-data', 'tennis-data'], ['sbr', 'sbr'], ['csv', 'csv']], 'football-data');
    const sport = select('sport', [['', '—'], ['nhl', 'nhl'], ['mlb', 'mlb'], ['nba', 'nba']], '');
    const file = h('input', { type: 'file', name: 'file', required: true, accept: '.csv,.txt,.xlsx,.xls' });
    const out = h('div', { 'aria-live': 'polite' });
    return card(t('import_file'), h('form.settings', {
      on: {
        submit: async (event) => {
          event.preventDefault();
          out.replaceChildren(t('loading'));
          const chosen = file.files[0];
          try {
            const r = await api.request(`/v1/admin/imports${api.qs({ format: format.value, sport: sport.value, file_name: chosen.name })}`, { method: 'POST', body: chosen, contentType: chosen.name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream' });
            out.replaceChildren(dl([['Rows', r.rows_read], ['Events', `${r.events_created} + ${r.events_matched}`], ['Prices', r.snapshots_added], ['Skipped', r.rows_skipped]]));
          } catch (e) { out.replaceChildren(h('p.error', { role: 'alert' }, problemText(e))); }
        },
      },
    }, field(t('format'), format), field(t('sport'), sport), field(t('file'), file), h('button.primary', { type: 'submit' }, t('upload')), out));
  },
  async settle() {
    // Any user's bet, by its id (shown in the bettor's table): settle a pending bet or correct a settled one.
    const id = h('input', { name: 'bet', required: true, pattern: '[0-9a-fA-F-]{36}', id: 'settle-bet-id' });
    const status = select('status', ['won', 'half_won', 'push', 'half_lost', 'lost', 'void'].map((s) => [s, label(s)]), 'won');
    const note = h('input', { name: 'note', maxLength: 500 });
    const out = h('div', { 'aria-live': 'polite', id: 'settle-result' });
    return card(t('settle'), h('form.inline', {
      on: {
        submit: async (event) => {
          event.preventDefault();
          out.replaceChildren();
          try {
            const body = { status: status.value };
            if (note.value.trim()) body.note = note.value.trim();
            const b = await api.send('POST', `/v1/bets/${id.value.trim()}/settle`, body);
            toast(t('settled_msg'), 'success');
            out.append(dl([[t('event'), b.event_description || String(b.event_id ?? '')], [t('status'), statusChip(b.status)], [t('stake'), num(b.stake, 0)], [t('profit'), num(b.profit, 0)]]));
          } catch (e) { out.append(h('p.error', { role: 'alert' }, problemText(e))); }
        },
      },
    }, field('Bet id', id), field(t('result'), status), field(t('note'), note), h('button.primary', { type: 'submit', id: 'settle-submit' }, t('settle'))), out);
  },
};

async function update(user, body) {
  try { await api.send('PATCH', `/v1/admin/users/${user.id}`, body); toast(t('saved'), 'success'); reload(); } catch (e) { toast(problemText(e), 'error'); reload(); }
}
