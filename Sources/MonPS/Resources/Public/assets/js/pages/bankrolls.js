import { h, table, field, select, card, dl } from '../dom.js';
import { t, money, dateTime, toMinor, label } from '../i18n.js';
import * as api from '../api.js';
import { bankrolls, profitText } from './common.js';
import { toast, problemText, navigate } from '../app.js';

export async function render(id) {
  const rolls = await bankrolls(true);
  const current = rolls.find((b) => b.id === id) || rolls.find((b) => !b.archived) || rolls[0];
  const list = h('ul.tiles', rolls.map((b) => h('li', h('a', { href: `/bankrolls/${b.id}`, dataset: { link: '' }, 'aria-current': b.id === current?.id ? 'true' : null },
    h('strong', b.name), h('span', money(b.balance, b.currency)), b.archived ? h('small', 'archived') : null))));
  const parts = [h('h1', t('bankrolls')), card(null, list)];
  if (current) {
    const ledger = await api.get(`/v1/bankrolls/${current.id}/transactions?limit=100`);
    parts.push(
      card(current.name, dl([
        [t('balance'), h('span#bankroll-balance', money(current.balance, current.currency))],
        [t('pending_stakes'), money(current.pending_stakes, current.currency)],
        [t('created'), dateTime(current.created_at)],
      ]), movement(current)),
      card(t('ledger'), table([
        { label: t('when'), value: (e) => dateTime(e.created_at) },
        { label: t('kind'), value: (e) => e.kind },
        { label: t('amount'), value: (e) => profitText(e.amount, current.currency), num: true },
        { label: t('balance_after'), value: (e) => money(e.balance_after, current.currency), num: true },
        { label: t('note'), value: (e) => e.note || (e.bet_id ? `bet #${e.bet_id.slice(0, 8)}` : '—') },
      ], ledger.data, { caption: t('ledger'), empty: t('none') })));
  }
  parts.push(card(t('create'), createForm()));
  return h('div.page', ...parts);
}

function movement(b) {
  const kind = select('kind', [['deposit', t('deposit')], ['withdrawal', t('withdraw')]], 'deposit');
  const amount = h('input', { name: 'amount', inputMode: 'decimal', required: true, id: 'movement-amount' });
  const note = h('input', { name: 'note', maxLength: 500 });
  const error = h('p.error', { role: 'alert' });
  return h('form.inline', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        error.textContent = '';
        const minor = toMinor(amount.value, b.currency);
        if (!(minor > 0)) { error.textContent = `${t('amount')}: > 0`; return; }
        try {
          const body = { kind: kind.value, amount: minor };
          if (note.value.trim()) body.note = note.value.trim();
          await api.send('POST', `/v1/bankrolls/${b.id}/transactions`, body);
          toast(t('saved'), 'success');
          navigate(`/bankrolls/${b.id}`, { replace: true });
        } catch (e) { error.textContent = problemText(e); }
      },
    },
  }, field(t('kind'), kind), field(`${t('amount')} (${b.currency})`, amount), field(t('note'), note), h('button.primary', { type: 'submit' }, t('save')), error);
}

function createForm() {
  const name = h('input', { name: 'name', required: true, maxLength: 100 });
  const currency = h('input', { name: 'currency', required: true, value: 'EUR', pattern: '[A-Za-z]{3}', size: 4 });
  const initial = h('input', { name: 'initial', inputMode: 'decimal', value: '0' });
  const error = h('p.error', { role: 'alert' });
  return h('form.inline', {
    on: {
      submit: async (event) => {
        event.preventDefault();
        try {
          const created = await api.send('POST', '/v1/bankrolls', { name: name.value.trim(), currency: currency.value.toUpperCase(), initial_amount: toMinor(initial.value || '0', currency.value.toUpperCase()) || 0 });
          navigate(`/bankrolls/${created.id}`);
        } catch (e) { error.textContent = problemText(e); }
      },
    },
  }, field(t('name'), name), field('Currency', currency), field(t('amount'), initial), h('button', { type: 'submit' }, t('create')), error);
}
