import { h, table, field, select, card } from '../dom.js';
import { t, dateTime, money } from '../i18n.js';
import * as api from '../api.js';
import { bankrolls } from './common.js';
import { toast, problemText, navigate } from '../app.js';

const scopes = ['read:public', 'read:bets', 'write:bets', 'read:bankrolls', 'write:bankrolls', 'read:analytics', 'run:backtests', 'write:settings'];
const methods = ['multiplicative', 'additive', 'power', 'shin', 'odds_ratio', 'margin_weights'];

export async function render() {
  const [settings, tokens, rolls] = await Promise.all([api.get('/v1/settings', { cache: false }), api.get('/v1/tokens?limit=100'), bankrolls()]);
  return h('div.page', h('h1', t('settings')), settingsForm(settings, rolls), tokensCard(tokens.data));
}

function settingsForm(s, rolls) {
  const pctInput = (name, value, max) => h('input', { name, type: 'number', step: '0.1', min: '0', max, value: +(value * 100).toFixed(4) });
  const fields = {
    default_bankroll_id: select('default_bankroll_id', [['', '—'], ...rolls.map((b) => [b.id, `${b.name} (${money(b.balance, b.currency)})`])], s.default_bankroll_id || ''),
    kelly_fraction: h('input', { name: 'kelly_fraction', type: 'number', step: '0.05', min: '0', max: '1', value: s.kelly_fraction }),
    max_stake_pct: h('input', { name: 'max_stake_pct', type: 'number', step: '0.5', min: '0.5', max: '100', value: s.max_stake_pct }), // already in percent
    min_edge: pctInput('min_edge', s.min_edge, 100),
    devig_method: select('devig_method', methods.map((m) => [m, m]), s.devig_method),
    sharp_bookmaker: h('input', { name: 'sharp_bookmaker', value: s.sharp_bookmaker }),
    time_zone: h('input', { name: 'time_zone', value: s.time_zone }),
    alert_email: h('input', { type: 'checkbox', checked: s.alerts.email }),
    alert_ws: h('input', { type: 'checkbox', checked: s.alerts.websocket }),
    alert_hook: h('input', { type: 'checkbox', checked: s.alerts.webhook }),
    alert_digest: h('input', { type: 'checkbox', name: 'daily_digest', checked: s.alerts.daily_digest }),
    alert_edge: pctInput('alert_min_edge', s.alerts.min_edge, 999),
  };
  const error = h('p.error', { role: 'alert' });
  const f = fields;
  return card(t('settings'), h('form.settings', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        try {
          await api.send('PUT', '/v1/settings', {
            default_bankroll_id: f.default_bankroll_id.value || null,
            kelly_fraction: Number(f.kelly_fraction.value), max_stake_pct: Number(f.max_stake_pct.value),
            min_edge: Number(f.min_edge.value) / 100, devig_method: f.devig_method.value, sharp_bookmaker: f.sharp_bookmaker.value.trim(),
            time_zone: f.time_zone.value.trim(),
            alerts: { ...s.alerts, email: f.alert_email.checked, websocket: f.alert_ws.checked, webhook: f.alert_hook.checked, min_edge: Number(f.alert_edge.value) / 100, daily_digest: f.alert_digest.checked },
          });
          toast(t('saved'), 'success');
        } catch (e) { error.textContent = problemText(e); }
      },
    },
  },
  h('fieldset', h('legend', t('bankroll')), field(t('default_bankroll'), f.default_bankroll_id), field(t('kelly_fraction'), f.kelly_fraction), field(t('max_stake'), f.max_stake_pct)),
  h('fieldset', h('legend', t('thresholds')), field(t('min_edge'), f.min_edge), field(t('devig_method'), f.devig_method), field(t('sharp_bookmaker'), f.sharp_bookmaker), field('Time zone', f.time_zone)),
  h('fieldset', h('legend', t('alerts')), h('label.check', f.alert_email, ' email'), h('label.check', f.alert_ws, ' websocket'), h('label.check', f.alert_hook, ' webhook'), h('label.check', f.alert_digest, ` ${t('daily_digest')}`), field(t('min_edge_alert'), f.alert_edge)),
  error, h('button.primary', { type: 'submit' }, t('save'))));
}

function tokensCard(tokens) {
  const name = h('input', { name: 'name', required: true, maxLength: 100 });
  // The API asks for the password again when the sign-in is more than 5 minutes old.
  const password = h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', maxLength: 1024 });
  const boxes = scopes.map((s) => h('input', { type: 'checkbox', value: s, checked: s.startsWith('read:') }));
  const secret = h('div', { 'aria-live': 'polite' });
  const form = h('form.tokens', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        secret.replaceChildren();
        try {
          const body = { name: name.value.trim(), scopes: boxes.filter((b) => b.checked).map((b) => b.value) };
          if (password.value) body.current_password = password.value;
          const created = await api.send('POST', '/v1/tokens', body);
          password.value = '';
          // Shown once: it is not kept anywhere by the app.
          secret.append(h('p.notice', t('secret_once')), h('code.secret#token-secret', created.secret));
          list.replaceChildren(tokenTable([created.token, ...current]));
          current.unshift(created.token);
        } catch (e) { secret.append(h('p.error', { role: 'alert' }, problemText(e))); }
      },
    },
  }, field(t('name'), name), field(t('password_again'), password), h('fieldset', h('legend', t('scopes')), boxes.map((b) => h('label.check', b, ` ${b.value}`))), h('button.primary', { type: 'submit' }, t('create')), secret);
  const current = [...tokens];
  const list = h('div', tokenTable(current));
  function tokenTable(rows) {
    return table([
      { label: t('name'), value: (k) => k.name },
      { label: 'Prefix', value: (k) => h('code', k.prefix) },
      { label: t('scopes'), value: (k) => k.scopes.join(', ') },
      { label: t('created'), value: (k) => dateTime(k.created_at) },
      { label: t('last_used'), value: (k) => dateTime(k.last_used_at) },
      { label: t('actions'), value: (k) => h('button.small', { type: 'button', on: { click: async () => { try { await api.send('DELETE', `/v1/tokens/${k.id}`); navigate('/settings', { replace: true }); } catch (e) { toast(problemText(e), 'error'); } } } }, t('revoke')) },
    ], rows, { caption: t('api_tokens'), empty: t('none') });
  }
  return card(t('api_tokens'), form, list);
}
