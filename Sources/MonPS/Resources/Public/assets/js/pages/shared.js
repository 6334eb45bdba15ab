// A public shared link (/s/{token}): readable without an account.
import { h, card, dl } from '../dom.js';
import { t, odds, pct, dateTime, label } from '../i18n.js';
import * as api from '../api.js';

export async function render(token) {
  const o = await api.get(`/v1/shared/${encodeURIComponent(token)}`, { auth: false, cache: false });
  return h('div.page', h('h1', t('shared_opportunity')),
    card(`${o.home} – ${o.away}`, dl([
      [t('sport'), `${o.sport}${o.competition ? ` · ${o.competition}` : ''}`],
      [t('starts'), dateTime(o.starts_at)],
      [t('selection'), `${o.market} · ${label(o.outcome)}${o.point !== null && o.point !== undefined ? ` ${o.point}` : ''}`],
      [t('bookmaker'), `${o.bookmaker} @ ${odds(o.price)}`],
      [t('fair_odds'), odds(o.fair_odds)],
      [t('edge'), h('span#shared-edge', pct(o.edge))],
      [t('score'), `${Math.round(o.score)} · ${o.verdict}`],
    ])),
    h('p', h('a.button', { href: '/' }, t('open_in_app'))));
}
