// The live notification stream (GET /v1/stream) while someone is signed in: a one-time ticket from
// POST /v1/stream/tickets (no token in a URL), resume after the last event seen, reconnect with backoff.
// Events go to listeners (the nav badge, toasts, the notifications page); the log at /v1/notifications stays the truth.
import * as api from './api.js';

const listeners = new Set();
let socket = null;
let lastID = 0;
let retry = 0;
let timer = null;
let wanted = false;

export function onEvent(fn) { listeners.add(fn); return () => listeners.delete(fn); }

/** Marks events up to `id` as seen (the stream then resumes after it). */
export function seen(id) { if (id > lastID) lastID = id; }

export function start() {
  if (wanted) return;
  wanted = true;
  connect();
}

export function stop() {
  wanted = false;
  clearTimeout(timer);
  lastID = 0;
  if (socket) { socket.onclose = null; socket.close(1000); socket = null; }
}

async function connect() {
  if (!wanted || !api.currentUser() || api.currentUser().offline) return;
  let ticket;
  try {
    ticket = (await api.send('POST', '/v1/stream/tickets', {})).ticket;
  } catch {
    return again();
  }
  if (!wanted) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const after = lastID ? `&after=${lastID}` : '';
  const ws = new WebSocket(`${scheme}://${location.host}/v1/stream?ticket=${encodeURIComponent(ticket)}${after}`);
  socket = ws;
  ws.onmessage = (message) => {
    let frame;
    try { frame = JSON.parse(message.data); } catch { return; }
    if (frame.type === 'ready') { retry = 0; if (frame.after > lastID) lastID = frame.after; return; }
    if (frame.type === 'heartbeat' || typeof frame.id !== 'number') return;
    if (frame.id <= lastID) return;
    lastID = frame.id;
    for (const fn of listeners) fn(frame);
  };
  ws.onclose = () => { if (socket === ws) socket = null; again(); };
}

function again() {
  if (!wanted) return;
  clearTimeout(timer);
  const delay = Math.min(30000, 1000 * 2 ** retry) * (0.5 + Math.random() / 2);
  retry = Math.min(retry + 1, 5);
  timer = setTimeout(connect, delay);
}

/** A one-line text for an event, from its type and payload (the server's webhook texts say the same). */
export function describe(event, { t, money, pct, odds }) {
  const p = event.payload || {};
  const pick = p.outcome || p.selection || '';
  switch (event.type) {
    case 'bet.settled': return `${t('n_bet_settled')}: ${p.event || ''} — ${pick} @ ${odds(p.odds)} · ${t(p.status || 'settled')} ${p.profit !== undefined ? money(p.profit, p.currency) : ''}`;
    case 'bet.kickoff_soon': return `${t('n_kickoff_soon')}: ${p.event || ''} — ${pick} @ ${odds(p.odds)}`;
    case 'bet.clv': return `${t('n_clv')}: ${p.event || ''} — ${pick} ${p.clv !== undefined ? pct(p.clv) : ''}`;
    case 'opportunity.new': return `${t('n_opportunity')}: ${p.event || ''} — ${pick} @ ${odds(p.price)} (${p.bookmaker || ''}), ${t('edge')} ${pct(p.edge)}`;
    case 'backtest.finished': return `${t('n_backtest')}: ${p.strategy || ''} ${p.sport || ''} (${p.status || ''})`;
    case 'digest.daily': return `${t('n_digest')} ${p.date || ''}: ${p.bets_settled || 0} ${t('settled_bets')}, ${(p.totals || []).map((x) => money(x.profit, x.currency)).join(', ') || '—'}`;
    case 'job.failed': return `${t('n_job_failed')}: ${p.job || ''} ${p.message || ''}`;
    case 'quota.low': return `${t('n_quota_low')}: ${p.remaining ?? ''}`;
    default: return event.type;
  }
}
