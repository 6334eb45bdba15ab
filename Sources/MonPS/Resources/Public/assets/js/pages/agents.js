import { h, table, field, select, card } from '../dom.js';
import { t, pct, money, dateTime, date, num, label } from '../i18n.js';
import * as api from '../api.js';
import { lineChart, barChart } from '../charts.js';
import { toast, problemText, navigate } from '../app.js';

const strategies = ['consensus', 'consensus_anomaly', 'sharp_value', 'steam'];

export async function render() {
  const period = new URLSearchParams(location.search).get('period') || 'month';
  const [compare, history, backtests] = await Promise.all([
    api.get(`/v1/agents/compare?period=${period}`),
    api.get('/v1/opportunities/history?limit=30'),
    api.get('/v1/backtests?limit=20'),
  ]);
  const stat = (s, key, f) => (s && s[key] !== undefined ? f(s[key]) : '—');
  const latest = backtests.data.find((b) => b.status === 'succeeded' || b.status === 'finished' || b.equity_curve) || backtests.data[0];
  const detail = latest ? await api.get(`/v1/backtests/${latest.id}?bets_limit=1`).catch(() => null) : null;
  const periodSelect = select('period', [['week', t('week')], ['month', t('month')], ['quarter', t('quarter')]], period);
  periodSelect.addEventListener('change', () => navigate(`/agents?period=${periodSelect.value}`));
  return h('div.page', h('h1', t('compare')),
    card(null, field(t('period'), periodSelect)),
    card(t('compare'), table([
      { label: t('agent'), value: (a) => `${a.agent} · ${a.title}` },
      { label: t('enabled'), value: (a) => (a.enabled ? t('yes') : t('no')) },
      { label: t('weight'), value: (a) => (a.weight === undefined ? '—' : num(a.weight)), num: true },
      { label: `${t('bets_count')} (${t('live')})`, value: (a) => a.live.bets, num: true },
      { label: `ROI (${t('live')})`, value: (a) => stat(a.live, 'roi', pct), num: true },
      { label: `${t('clv')} (${t('live')})`, value: (a) => stat(a.live, 'average_clv', pct), num: true },
      { label: `ROI (${t('backtest')})`, value: (a) => stat(a.backtest, 'roi', pct), num: true },
      { label: `${t('hit_rate')} (${t('backtest')})`, value: (a) => stat(a.backtest, 'hit_rate', pct), num: true },
    ], compare.agents, { caption: t('compare') }),
    h('h3', `ROI · ${t('agents')}`),
    barChart(compare.agents.map((a) => ({ label: a.agent, value: a.backtest?.roi ?? a.live.roi ?? null })), { label: `ROI ${t('agents')}`, format: (v) => pct(v) }),
    h('h3', `${t('profit')} / ${t('period')}`),
    lineChart(compare.agents.map((a) => ({ name: a.agent, points: a.periods.filter((p) => (p.live || p.backtest)?.profit !== undefined).map((p) => ({ x: new Date(p.period), y: (p.live || p.backtest).profit })) })).filter((s) => s.points.length),
      { label: `${t('profit')} / ${t('period')}`, yFormat: (v) => num(v, 0), xFormat: (x) => date(new Date(x).toISOString()) })),
    card(t('decision_history'), table([
      { label: t('event'), value: (o) => `${o.home ?? ''} – ${o.away ?? ''}` },
      { label: t('selection'), value: (o) => `${o.market} · ${label(o.outcome)}` },
      { label: t('verdict'), value: (o) => h(`span.chip.${o.verdict}`, o.verdict) },
      { label: t('edge'), value: (o) => pct(o.edge), num: true },
      { label: t('agents'), value: (o) => o.agents.join(', ') },
      { label: t('result'), value: (o) => (o.paper ? label(o.paper.grade) : '—') },
      { label: t('starts'), value: (o) => dateTime(o.starts_at) },
    ], history.data, { caption: t('decision_history'), empty: t('no_decisions_yet') })),
    card(t('backtests'), backtestForm(), table([
      { label: t('strategy'), value: (b) => b.strategy },
      { label: t('status'), value: (b) => b.status },
      { label: t('sport'), value: (b) => b.sport || t('all') },
      { label: t('staked'), value: (b) => b.staking },
      { label: 'ROI', value: (b) => (b.summary?.roi === undefined ? '—' : pct(b.summary.roi)), num: true },
      { label: t('created'), value: (b) => dateTime(b.created_at) },
    ], backtests.data, { caption: t('backtests'), empty: t('none') }),
    detail?.equity_curve?.length ? h('div', h('h3', `${t('equity_curve')} · ${detail.strategy}`),
      lineChart([{ name: detail.strategy, points: detail.equity_curve.map((p) => ({ x: new Date(p.at), y: p.bankroll })) }],
        { label: t('equity_curve'), yFormat: (v) => num(v, 0), xFormat: (x) => date(new Date(x).toISOString()) })) : null));
}

function backtestForm() {
  const strategy = select('strategy', strategies.map((s) => [s, s]), 'consensus');
  const staking = h('input', { name: 'staking', value: 'kelly:0.5', pattern: '(flat:[0-9]+|kelly:[0-9.]+(:[0-9.]+)?)' });
  const status = h('p.hint', { 'aria-live': 'polite' });
  return h('form.inline', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        try {
          let run = await api.send('POST', '/v1/backtests', { strategy: strategy.value, staking: staking.value });
          status.textContent = `${run.id.slice(0, 8)}: ${run.status}`;
          // Follow the run until it ends (the worker picks it up), then reload to show its curve.
          for (let i = 0; i < 60 && ['queued', 'running', 'pending'].includes(run.status); i++) {
            await new Promise((r) => setTimeout(r, 3000));
            run = await api.get(`/v1/backtests/${run.id}?bets_limit=1`, { cache: false });
            status.textContent = `${run.id.slice(0, 8)}: ${run.status}`;
          }
          toast(`${t('backtest')}: ${run.status}`);
        } catch (e) { status.textContent = problemText(e); }
      },
    },
  }, field(t('strategy'), strategy), field('Staking', staking), h('button.primary', { type: 'submit' }, t('run_backtest')), status);
}
