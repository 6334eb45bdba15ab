import { h, table, card } from '../dom.js';
import { t, money, dateTime, date } from '../i18n.js';
import * as api from '../api.js';
import { lineChart } from '../charts.js';
import { opportunityColumns, betTitle, statusChip, profitText, bankrolls } from './common.js';
import { poll, toast } from '../app.js';

export async function render() {
  const startOfToday = new Date();
  startOfToday.setHours(0, 0, 0, 0);
  const [urgent, today, week, curve, settled, rolls] = await Promise.all([
    api.get('/v1/opportunities?starts_within=24h&sort=score&limit=10'),
    api.get(`/v1/bets/summary?from=${encodeURIComponent(startOfToday.toISOString())}`),
    api.get('/v1/bets/summary?range=7d'),
    api.get('/v1/analytics/bankroll-curve?range=30d'),
    api.get('/v1/bets?limit=50'),
    bankrolls(true),
  ]);
  const currency = week.currency || rolls[0]?.currency || 'EUR';
  const latest = settled.data.filter((b) => b.settled_at).sort((a, b) => b.settled_at.localeCompare(a.settled_at)).slice(0, 8);
  const kpi = (title, summary, id) => h('div.kpi', { id },
    h('span.kpi-label', title), h('strong.kpi-value', profitText(summary.profit, summary.currency || currency)),
    h('span.kpi-sub', `${summary.bets} ${t('bets_count').toLowerCase()} · ${t('staked')} ${money(summary.staked, summary.currency || currency)}`));
  const balance = rolls.reduce((sum, b) => (b.currency === currency ? sum + b.balance : sum), 0);
  poll('/v1/opportunities?starts_within=24h&sort=score&limit=10', 60000, () => toast(t('new_data')));
  return h('div.page',
    h('h1', t('dashboard')),
    h('div.kpis', kpi(t('today_pnl'), today, 'kpi-today'), kpi(t('week_pnl'), week, 'kpi-week'),
      h('div.kpi', h('span.kpi-label', t('balance')), h('strong.kpi-value', money(balance, currency)), h('span.kpi-sub', `${rolls.length} ${t('bankrolls').toLowerCase()}`))),
    card(t('urgent'), table(opportunityColumns(), urgent.data, { caption: t('urgent'), empty: t('none') })),
    card(t('bankroll_curve'), lineChart([{ name: t('balance'), points: curve.points.map((p) => ({ x: new Date(p.start), y: p.closing })) }],
      { label: t('bankroll_curve'), yFormat: (v) => money(v, currency), xFormat: (x) => date(new Date(x).toISOString()) })),
    card(t('latest_settlements'), table([
      { label: t('event'), value: betTitle },
      { label: t('status'), value: (b) => statusChip(b.status) },
      { label: t('profit'), value: (b) => profitText(b.profit, currency), num: true },
      { label: t('when'), value: (b) => dateTime(b.settled_at) },
    ], latest, { caption: t('latest_settlements'), empty: t('none') })));
}
