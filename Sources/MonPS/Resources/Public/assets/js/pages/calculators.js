// The /v1/calc/* calculators: de-vig, expected value, Kelly, closing line value.
import { h, field, select, card, dl } from '../dom.js';
import { t, pct, odds, num } from '../i18n.js';
import * as api from '../api.js';
import { problemText } from '../app.js';

const methods = ['multiplicative', 'additive', 'power', 'shin', 'odds_ratio', 'margin_weights'];
const numbers = (text) => text.split(/[\s;]+|,(?=\s)|,(?!\d)/).map((x) => Number(x.replace(',', '.'))).filter((x) => Number.isFinite(x) && x > 0);

function calculator(title, id, controls, compute) {
  const out = h('div.result', { 'aria-live': 'polite', id: `${id}-result` });
  const form = h('form.calc', {
    id,
    on: {
      submit: async (event) => {
        event.preventDefault();
        out.replaceChildren();
        try { out.append(await compute()); } catch (e) { out.append(h('p.error', { role: 'alert' }, problemText(e))); }
      },
    },
  }, controls, h('button.primary', { type: 'submit' }, t('compute')), out);
  return card(title, form);
}

export async function render() {
  const dvOdds = h('input', { value: '2.10 3.40 3.60', required: true });
  const dvMethod = select('method', methods.map((m) => [m, m]), 'shin');
  const evOdds = h('input', { type: 'number', step: '0.01', min: '1.01', value: '2.2', required: true });
  const evProb = h('input', { type: 'number', step: '0.001', min: '0', max: '1', value: '0.5', required: true });
  const kOdds = h('input', { type: 'number', step: '0.01', min: '1.01', value: '2.5', required: true });
  const kProb = h('input', { type: 'number', step: '0.001', min: '0', max: '1', value: '0.5', required: true });
  const kMult = h('input', { type: 'number', step: '0.05', min: '0', max: '1', value: '0.5' });
  const kBank = h('input', { inputMode: 'decimal', value: '1000' });
  const cBet = h('input', { type: 'number', step: '0.01', min: '1.01', value: '2.3', required: true });
  const cClose = h('input', { value: '2.10 3.40 3.60', required: true });
  const cSel = h('input', { type: 'number', min: '0', step: '1', value: '0' });
  return h('div.page', h('h1', t('calculators')), h('div.grid2',
    calculator(t('devig'), 'calc-devig', [field(`${t('odds')} (decimal)`, dvOdds), field(t('method'), dvMethod)], async () => {
      const r = await api.send('POST', '/v1/calc/devig', { odds: numbers(dvOdds.value), method: dvMethod.value });
      return dl([[t('probability'), r.probabilities.map((p) => pct(p)).join(' · ')], [t('fair_odds'), r.fair_odds.map(odds).join(' · ')], [t('margin'), pct(r.margin, 2)]]);
    }),
    calculator(t('ev'), 'calc-ev', [field(t('odds'), evOdds), field(t('probability'), evProb)], async () => {
      const r = await api.send('POST', '/v1/calc/ev', { odds: Number(evOdds.value), probability: Number(evProb.value) });
      return dl([[t('ev'), pct(r.expected_value, 2)], [t('edge'), pct(r.edge, 2)], [t('fair_odds'), odds(r.fair_odds)], ['Value', r.is_value ? t('yes') : t('no')]]);
    }),
    calculator(t('kelly'), 'calc-kelly', [field(t('odds'), kOdds), field(t('probability'), kProb), field(t('kelly_fraction'), kMult), field(t('bankroll'), kBank)], async () => {
      const r = await api.send('POST', '/v1/calc/kelly', { bets: [{ odds: Number(kOdds.value), probability: Number(kProb.value) }], multiplier: Number(kMult.value), bankroll: Math.round(Number(kBank.value.replace(',', '.')) * 100) });
      return dl([[t('kelly_fraction'), pct(r.fractions[0], 2)], ['Full Kelly', pct(r.full_kelly_fractions[0], 2)], [t('stake'), r.stakes ? num(r.stakes[0] / 100) : '—']]);
    }),
    calculator(t('clv'), 'calc-clv', [field(t('bet_odds'), cBet), field(t('closing_odds'), cClose), field(t('selection'), cSel)], async () => {
      const r = await api.send('POST', '/v1/calc/clv', { bet_odds: Number(cBet.value), closing_odds: numbers(cClose.value), selection: Number(cSel.value) });
      return dl([[t('clv'), pct(r.clv, 2)], [t('fair_odds'), odds(r.fair_closing_odds)], [t('beat_close'), r.beat_close ? t('yes') : t('no')]]);
    })));
}
