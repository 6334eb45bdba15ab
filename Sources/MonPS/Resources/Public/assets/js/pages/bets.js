import { h, table, field, select, card, formData } from '../dom.js';
import { t, odds, pct, dateTime, money, label, toMinor, fromMinor } from '../i18n.js';
import * as api from '../api.js';
import { betTitle, statusChip, profitText, bankrolls, currencyOf } from './common.js';
import { toast, problemText, navigate } from '../app.js';

const statuses = ['pending', 'won', 'half_won', 'push', 'half_lost', 'lost', 'void', 'cancelled'];
const outcomes = ['won', 'half_won', 'push', 'half_lost', 'lost', 'void'];

export async function render() {
  const params = new URLSearchParams(location.search);
  const filters = { status: params.get('status') || '', sport: params.get('sport') || '', bookmaker: params.get('bookmaker') || '', bankroll_id: params.get('bankroll_id') || '' };
  const [page, rolls, summary] = await Promise.all([
    api.get(`/v1/bets${api.qs({ ...filters, limit: 100 })}`),
    bankrolls(true),
    api.get(`/v1/bets/summary${api.qs({ bankroll_id: filters.bankroll_id })}`),
  ]);
  const cur = (b) => currencyOf(rolls, b.bankroll_id);
  const form = h('form.filters', {
    on: { submit: (event) => { event.preventDefault(); navigate(`/bets${api.qs(formData(event.target))}`); } },
  },
  field(t('status'), select('status', [['', t('all')], ...statuses.map((s) => [s, label(s)])], filters.status)),
  field(t('sport'), h('input', { name: 'sport', value: filters.sport, pattern: '[a-z0-9_]{1,64}' })),
  field(t('bookmaker'), h('input', { name: 'bookmaker', value: filters.bookmaker, pattern: '[a-z0-9_]{1,64}' })),
  field(t('bankroll'), select('bankroll_id', [['', t('all')], ...rolls.map((b) => [b.id, b.name])], filters.bankroll_id)),
  h('button.primary', { type: 'submit' }, t('apply')),
  h('button', { type: 'button', on: { click: () => exportBets(filters) } }, `${t('export')} CSV`));
  const columns = [
    { label: t('event'), value: (b) => h('span', betTitle(b), h('small.id', ` #${b.id.slice(0, 8)}`)) },
    { label: t('selection'), value: (b) => `${b.market} · ${label(b.selection)}${b.point !== undefined ? ` ${b.point}` : ''}` },
    { label: t('bookmaker'), value: (b) => b.bookmaker },
    { label: t('odds'), value: (b) => odds(b.odds), num: true },
    { label: t('stake'), value: (b) => money(b.stake, cur(b)), num: true },
    { label: t('status'), value: (b) => statusChip(b.status) },
    { label: t('profit'), value: (b) => profitText(b.profit, cur(b)), num: true },
    { label: t('clv'), value: (b) => (b.clv === undefined ? '—' : pct(b.clv)), num: true },
    { label: t('placed'), value: (b) => dateTime(b.placed_at) },
    { label: t('actions'), value: (b) => actions(b, cur(b)) },
  ];
  const currency = summary.currency || rolls[0]?.currency || 'EUR';
  return h('div.page', h('h1', t('bets')),
    h('div.kpis',
      h('div.kpi', h('span.kpi-label', t('pnl')), h('strong.kpi-value#bets-profit', profitText(summary.profit, currency)), h('span.kpi-sub', `${summary.bets} ${t('bets_count').toLowerCase()} · ${t('pending')} ${summary.pending}`)),
      h('div.kpi', h('span.kpi-label', 'ROI'), h('strong.kpi-value', pct(summary.roi)), h('span.kpi-sub', `${t('hit_rate')} ${pct(summary.hit_rate)}`)),
      h('div.kpi', h('span.kpi-label', t('clv')), h('strong.kpi-value', pct(summary.average_clv)), h('span.kpi-sub', `${t('beat_close')} ${pct(summary.beat_close_share)}`))),
    card(null, form), card(null, table(columns, page.data, { caption: t('bets'), empty: t('none') })));
}

function actions(b, currency) {
  const box = h('div.actions');
  if (b.status === 'pending') {
    box.append(h('button.small', { type: 'button', on: { click: () => editDialog(b, currency) } }, t('edit')));
    box.append(h('button.small', {
      type: 'button',
      on: {
        click: async () => {
          try { await api.send('DELETE', `/v1/bets/${b.id}`); toast(t('cancelled_msg')); navigate(location.pathname + location.search, { replace: true }); } catch (e) { toast(problemText(e), 'error'); }
        },
      },
    }, t('cancel')));
  }
  if (b.status !== 'cancelled') {
    box.append(h('button.small', { type: 'button', on: { click: () => settleDialog(b) } }, b.status === 'pending' ? t('settle') : t('correct')));
  }
  return box;
}

export function dialog(title, content, onSubmit) {
  const error = h('p.error', { role: 'alert' });
  const dlg = h('dialog', { 'aria-label': title });
  const form = h('form', {
    method: 'dialog',
    on: {
      submit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        try { await onSubmit(new FormData(form)); dlg.close(); dlg.remove(); } catch (e) { error.textContent = problemText(e); }
      },
    },
  }, h('h2', title), content, error, h('div.buttons', h('button.primary', { type: 'submit' }, t('save')),
    h('button', { type: 'button', on: { click: () => { dlg.close(); dlg.remove(); } } }, t('cancel'))));
  dlg.append(form);
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

function editDialog(b, currency) {
  dialog(`${t('edit')}: ${betTitle(b)}`, [
    field(t('odds'), h('input', { name: 'odds', type: 'number', step: '0.01', min: '1.01', value: b.odds })),
    field(`${t('stake')} (${currency})`, h('input', { name: 'stake', inputMode: 'decimal', value: fromMinor(b.stake, currency) })),
  ], async (data) => {
    await api.send('PATCH', `/v1/bets/${b.id}`, { odds: Number(data.get('odds')), stake: toMinor(data.get('stake'), currency) });
    navigate(location.pathname + location.search, { replace: true });
  });
}

export function settleDialog(b, after) {
  dialog(`${b.status === 'pending' ? t('settle') : t('correct')}: ${b.event_description || b.id}`, [
    field(t('result'), select('status', outcomes.map((s) => [s, label(s)]), b.status === 'pending' ? 'won' : b.status)),
    field(t('note'), h('input', { name: 'note', maxLength: 500 })),
  ], async (data) => {
    const body = { status: data.get('status') };
    if (data.get('note')) body.note = data.get('note');
    await api.send('POST', `/v1/bets/${b.id}/settle`, body);
    toast(t('settled_msg'), 'success');
    if (after) after(); else navigate(location.pathname + location.search, { replace: true });
  });
}

async function exportBets(filters) {
  const response = await api.request(`/v1/bets/export${api.qs({ format: 'csv', sport: filters.sport, bookmaker: filters.bookmaker, bankroll_id: filters.bankroll_id, status: filters.status })}`, { raw: true });
  if (!response.ok) { toast(t('error'), 'error'); return; }
  const url = URL.createObjectURL(await response.blob());
  const a = h('a', { href: url, download: 'monps-bets.csv' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
