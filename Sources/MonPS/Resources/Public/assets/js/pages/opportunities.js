import { h, table, field, select, card, formData } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { opportunityColumns } from './common.js';
import { navigate } from '../app.js';

const markets = ['h2h', 'spreads', 'totals'];

export async function render() {
  const params = new URLSearchParams(location.search);
  const filters = {
    sport: params.get('sport') || '', market: params.get('market') || '', verdict: params.get('verdict') || '',
    min_edge: params.get('min_edge') || '', starts_within: params.get('starts_within') || '', sort: params.get('sort') || 'score',
  };
  const query = { ...filters, min_edge: filters.min_edge ? Number(filters.min_edge) / 100 : '', limit: 50 };
  const [page, sports] = await Promise.all([
    api.get(`/v1/opportunities${api.qs(query)}`),
    api.get('/v1/sports?active=true&limit=200').catch(() => ({ data: [] })),
  ]);
  const rows = [...page.data];
  const form = h('form.filters', {
    on: {
      submit: (event) => {
        event.preventDefault();
        navigate(`/opportunities${api.qs(formData(event.target))}`);
      },
    },
  },
  field(t('sport'), select('sport', [['', t('any')], ...sports.data.map((s) => [s.key, s.title || s.key])], filters.sport)),
  field(t('market'), select('market', [['', t('any')], ...markets.map((m) => [m, m])], filters.market)),
  field(t('verdict'), select('verdict', [['', t('any')], ['analyze', 'analyze'], ['caution', 'caution']], filters.verdict)),
  field(t('min_edge'), h('input', { name: 'min_edge', type: 'number', min: 0, max: 100, step: 0.5, value: filters.min_edge, inputMode: 'decimal' })),
  field(t('starts_within'), select('starts_within', [['', t('any')], ['6h', '6 h'], ['24h', t('h24')], ['3d', '3 d'], ['7d', '7 d']], filters.starts_within)),
  field(t('sort'), select('sort', [['score', t('score')], ['edge', t('edge')], ['start', t('starts')]], filters.sort)),
  h('button.primary', { type: 'submit' }, t('apply')));
  const body = h('div', table(opportunityColumns(), rows, { caption: t('opportunities'), empty: t('none') }));
  let cursor = page.next_cursor;
  const more = h('button', {
    type: 'button', hidden: !cursor,
    on: {
      click: async () => {
        const next = await api.get(`/v1/opportunities${api.qs({ ...query, cursor })}`);
        rows.push(...next.data);
        cursor = next.next_cursor;
        more.hidden = !cursor;
        body.replaceChildren(table(opportunityColumns(), rows, { caption: t('opportunities') }));
      },
    },
  }, '…');
  return h('div.page', h('h1', t('opportunities')), card(null, form), card(null, body, more));
}
