import { h, table, field, select, card, dl } from '../dom.js';
import { t, odds, pct, dateTime, money, label, toMinor, fromMinor, date } from '../i18n.js';
import * as api from '../api.js';
import { lineChart } from '../charts.js';
import { bankrolls, currencyOf } from './common.js';
import { toast, problemText, navigate } from '../app.js';

export async function render(id) {
  const detail = await api.get(`/v1/opportunities/${encodeURIComponent(id)}`);
  const o = detail.opportunity;
  const [history, rolls] = await Promise.all([
    api.get(detail.history_url).catch(() => ({ series: [] })),
    bankrolls(),
  ]);
  const series = history.series.filter((s) => s.market === o.market && s.outcome === o.outcome)
    .map((s) => ({ name: s.bookmaker, points: s.points.filter((p) => (o.point ?? null) === (p.point ?? null)).map((p) => ({ x: new Date(p.captured_at), y: p.price })) }))
    .filter((s) => s.points.length);
  return h('div.page',
    h('h1', `${o.home} – ${o.away}`),
    card(null, dl([
      [t('sport'), `${o.sport}${o.competition ? ` · ${o.competition}` : ''}`],
      [t('starts'), dateTime(o.starts_at)],
      [t('selection'), `${o.market} · ${label(o.outcome)}${o.point !== null && o.point !== undefined ? ` ${o.point}` : ''}`],
      [t('bookmaker'), `${o.bookmaker} @ ${odds(o.price)}`],
      [t('fair_odds'), odds(o.fair_odds)],
      [t('edge'), pct(o.edge)],
      [t('score'), `${Math.round(o.score)} · ${o.verdict}`],
    ])),
    card(t('bet_slip'), betSlip(o, rolls)),
    card(t('votes'), table([
      { label: t('agent'), value: (v) => v.agent },
      { label: t('voted'), value: (v) => (v.voted ? t('yes') : t('no')) },
      { label: t('weight'), value: (v) => v.weight.toFixed(2), num: true },
      { label: t('edge'), value: (v) => pct(v.edge), num: true },
      { label: t('reason'), value: (v) => v.reason || '—' },
    ], detail.votes, { caption: t('votes') })),
    card(t('odds_history'), lineChart(series, { label: `${t('odds_history')}: ${o.home} – ${o.away}`, yFormat: (v) => odds(v), xFormat: (x) => date(new Date(x).toISOString()) }),
      table([
        { label: t('bookmaker'), value: (p) => p.bookmaker },
        { label: t('selection'), value: (p) => `${label(p.outcome)}${p.point !== null && p.point !== undefined ? ` ${p.point}` : ''}` },
        { label: t('odds'), value: (p) => odds(p.price), num: true },
        { label: t('when'), value: (p) => dateTime(p.captured_at) },
      ], detail.current_best, { caption: t('odds') })),
    card(t('share'), shareForm(o)));
}

function betSlip(o, rolls) {
  const usable = rolls.filter((b) => !b.archived);
  const bankroll = select('bankroll_id', usable.map((b) => [b.id, `${b.name} (${money(b.balance, b.currency)})`]), usable[0]?.id);
  const oddsInput = h('input', { name: 'odds', type: 'number', step: '0.01', min: '1.01', value: o.price, inputMode: 'decimal', required: true });
  const stake = h('input', { name: 'stake', type: 'text', inputMode: 'decimal', required: true, id: 'slip-stake' });
  const info = h('p.hint', { id: 'slip-suggestion', 'aria-live': 'polite' });
  const error = h('p.error', { role: 'alert' });
  const currency = () => currencyOf(usable, bankroll.value);
  let suggested = null;
  async function suggest() {
    info.textContent = t('loading');
    try {
      const s = await api.send('POST', '/v1/bets/stake-suggestion', { opportunity_id: o.id, bankroll_id: bankroll.value, odds: Number(oddsInput.value) });
      suggested = s;
      stake.value = fromMinor(s.stake, s.currency);
      info.textContent = `${t('suggested_stake')}: ${money(s.stake, s.currency)} · ${pct(s.fraction, 2)} ${t('bankroll').toLowerCase()} · ${t('edge')} ${pct(s.edge)}${s.reasons.length ? ` · ${s.reasons.map((r) => r.message).join('; ')}` : ''}`;
    } catch (e) { info.textContent = problemText(e); }
  }
  bankroll.addEventListener('change', suggest);
  oddsInput.addEventListener('change', suggest);
  if (usable.length) suggest();
  const form = h('form.slip', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        const minor = toMinor(stake.value, currency());
        if (!(minor > 0)) { error.textContent = `${t('stake')}: > 0`; return; }
        try {
          await api.send('POST', '/v1/bets', { opportunity_id: o.id, bankroll_id: bankroll.value, odds: Number(oddsInput.value), stake: minor });
          await bankrolls(true);
          toast(t('bet_placed'), 'success');
          navigate('/bets');
        } catch (e) { error.textContent = problemText(e); }
      },
    },
  }, field(t('bankroll'), bankroll), field(t('odds'), oddsInput), field(t('stake'), stake), info, error,
  h('button.primary', { type: 'submit', id: 'place-bet', disabled: !usable.length }, t('place_bet')));
  return form;
}

function shareForm(o) {
  const emails = h('input', { name: 'emails', type: 'text', autocomplete: 'off' });
  const result = h('div', { 'aria-live': 'polite' });
  const publicLink = h('input', { name: 'public', type: 'checkbox', checked: true });
  return h('form.share', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        result.replaceChildren();
        const list = emails.value.split(',').map((e) => e.trim()).filter(Boolean);
        try {
          const body = { public: publicLink.checked };
          if (list.length) body.emails = list;
          const shared = await api.send('POST', `/v1/opportunities/${o.id}/shares`, body);
          const url = shared.token ? `${location.origin}/s/${shared.token}` : null;
          result.append(h('p', t('sent')), url ? h('p', t('link'), ': ', h('a', { href: url, id: 'share-link' }, url)) : null);
        } catch (e) { result.append(h('p.error', { role: 'alert' }, problemText(e))); }
      },
    },
  }, field(t('share_users'), emails), h('label.check', publicLink, ' ', t('share_public')), h('button', { type: 'submit' }, t('share')), result);
}
