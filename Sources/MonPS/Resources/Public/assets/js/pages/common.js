// Pieces several pages share: opportunity rows, bet descriptions, range pickers, status chips.
import { h } from '../dom.js';
import { t, odds, pct, dateTime, label, money } from '../i18n.js';
import * as api from '../api.js';

export const opportunityColumns = () => [
  { label: t('event'), value: (o) => h('a', { href: `/opportunities/${o.id}`, dataset: { link: '' } }, `${o.home} – ${o.away}`) },
  { label: t('selection'), value: (o) => `${o.market} · ${label(o.outcome)}${o.point !== null && o.point !== undefined ? ` ${o.point}` : ''}` },
  { label: t('bookmaker'), value: (o) => o.bookmaker },
  { label: t('odds'), value: (o) => odds(o.price), num: true },
  { label: t('edge'), value: (o) => pct(o.edge), num: true },
  { label: t('score'), value: (o) => Math.round(o.score), num: true },
  { label: t('verdict'), value: (o) => h(`span.chip.${o.verdict}`, o.verdict) },
  { label: t('starts'), value: (o) => dateTime(o.starts_at) },
];

export function betTitle(b) { return b.event_description || `${b.sport} #${b.event_id ?? ''}`; }

export function statusChip(status) { return h(`span.chip.st-${status}`, label(status)); }

export function profitText(minor, currency) {
  if (minor === undefined || minor === null) return '—';
  return h(`span.${minor > 0 ? 'pos' : minor < 0 ? 'neg' : 'zero'}`, money(minor, currency));
}

export function rangePicker(value, onChange) {
  const group = h('div.segmented', { role: 'group', 'aria-label': t('range') });
  for (const r of ['7d', '30d', '90d', 'all']) {
    group.append(h('button', { type: 'button', 'aria-pressed': String(r === value), on: { click: () => onChange(r) } }, r === 'all' ? t('all') : r));
  }
  return group;
}

let bankrollsCache = null;
export async function bankrolls(force = false) {
  if (!bankrollsCache || force) bankrollsCache = (await api.get('/v1/bankrolls?limit=100')).data;
  return bankrollsCache;
}
export function currencyOf(list, id) { return list.find((b) => b.id === id)?.currency || list[0]?.currency || 'EUR'; }
