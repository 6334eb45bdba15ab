import { h, table, card } from '../dom.js';
import { t, money, pct, date, num } from '../i18n.js';
import * as api from '../api.js';
import { lineChart, barChart, columnChart, heatmap } from '../charts.js';
import { rangePicker } from './common.js';
import { navigate } from '../app.js';

export async function render() {
  const range = new URLSearchParams(location.search).get('range') || '30d';
  const q = `range=${range}`;
  const [curve, byBook, winRate, heat, clv] = await Promise.all([
    api.get(`/v1/analytics/bankroll-curve?${q}`),
    api.get(`/v1/analytics/breakdown?by=bookmaker&${q}`),
    api.get(`/v1/analytics/win-rate?period=${range === '7d' ? 'day' : range === '30d' ? 'week' : 'month'}&${q}`),
    api.get(`/v1/analytics/heatmap?${q}`),
    api.get(`/v1/analytics/clv?${q}`),
  ]);
  const currency = curve.period.currency || byBook.period.currency || 'EUR';
  const days = Array.from({ length: 7 }, (_, i) => new Intl.DateTimeFormat(document.documentElement.lang, { weekday: 'short' }).format(new Date(Date.UTC(2024, 0, 1 + i))));
  return h('div.page', h('h1', t('analytics')),
    rangePicker(range, (r) => navigate(`/analytics?range=${r}`)),
    card(t('bankroll_curve'), lineChart([{ name: t('balance'), points: curve.points.map((p) => ({ x: new Date(p.start), y: p.closing })) }],
      { label: t('bankroll_curve'), yFormat: (v) => money(v, currency), xFormat: (x) => date(new Date(x).toISOString()) }),
    h('p.hint', `max drawdown ${money(curve.max_drawdown, currency)} (${pct(curve.max_drawdown_share)})`)),
    card(t('roi_by_bookmaker'), barChart(byBook.groups.map((g) => ({ label: g.label, value: g.figures.yield })), { label: t('roi_by_bookmaker'), format: (v) => pct(v) }),
      table([
        { label: t('bookmaker'), value: (g) => g.label },
        { label: t('bets_count'), value: (g) => g.figures.bets, num: true },
        { label: t('staked'), value: (g) => money(g.figures.staked, currency), num: true },
        { label: t('profit'), value: (g) => money(g.figures.profit, currency), num: true },
        { label: t('yield'), value: (g) => pct(g.figures.yield), num: true },
      ], byBook.groups, { caption: t('roi_by_bookmaker'), empty: t('none') })),
    card(t('win_rate'), lineChart([
      { name: t('hit_rate'), points: winRate.points.filter((p) => p.hit_rate !== undefined).map((p) => ({ x: new Date(p.start), y: p.hit_rate })) },
      { name: 'expected', points: winRate.points.filter((p) => p.expected_hit_rate !== undefined).map((p) => ({ x: new Date(p.start), y: p.expected_hit_rate })) },
    ], { label: t('win_rate'), yFormat: (v) => pct(v, 0), xFormat: (x) => date(new Date(x).toISOString()) })),
    card(t('heatmap'), heatmap(heat.cells.map((c) => ({ weekday: c.weekday, hour: c.hour, value: c.profit, text: `${days[c.weekday - 1]} ${c.hour}h: ${c.bets} · ${money(c.profit, currency)}` })), { label: t('heatmap'), days })),
    card(t('clv_distribution'), columnChart(clv.histogram.map((b) => ({ label: b.label, value: b.bets, negative: (b.upper ?? 0) <= 0 })), { label: t('clv_distribution'), format: (v) => num(v, 0) }),
      h('p.hint', `${t('bets_count')}: ${clv.bets} · mean ${pct(clv.mean, 2)} · ${t('beat_close')} ${pct(clv.beat_close_share)}`)));
}
