// Notifications: the event log (7 days) with live arrivals, mark read; the webhooks (Discord, Telegram, signed
// JSON) with a test send; deliveries that failed for good, retried from here.
import { h, table, card, field, select, clear } from '../dom.js';
import { t, money, pct, odds, dateTime } from '../i18n.js';
import * as api from '../api.js';
import * as live from '../live.js';
import { toast, problemText, refreshBadge } from '../app.js';

const types = ['opportunity.new', 'bet.kickoff_soon', 'bet.settled', 'bet.clv', 'backtest.finished', 'digest.daily'];
const adminTypes = ['job.failed', 'quota.low'];
const text = (event) => live.describe(event, { t, money, pct, odds: (x) => (x ? odds(x) : '?') });

export async function render() {
  const [page, hooks, dead] = await Promise.all([
    api.get('/v1/notifications?limit=50', { cache: false }),
    api.get('/v1/notifications/webhooks', { cache: false }),
    api.get('/v1/notifications/deliveries?status=dead&limit=50', { cache: false }),
  ]);
  return h('div.page', h('h1', t('notifications')), eventLog(page), webhooks(hooks.data), deadLetters(dead.data));
}

function eventLog(first) {
  let unread = first.unread;
  let cursor = first.next_cursor;
  let newest = first.data[0]?.id || 0;
  const count = h('span#unread-count', String(unread));
  const list = h('ol.events#events');
  const row = (event) => h(`li.event${event.read_at ? '' : '.unread'}`, { dataset: { id: String(event.id), type: event.type } },
    h('time', { datetime: event.created_at }, dateTime(event.created_at)), ' ', h('span.event-text', text(event)));
  for (const event of first.data) list.append(row(event));
  if (newest) live.seen(newest);
  const more = h('button', { type: 'button', hidden: !cursor, on: { click: async () => {
    const next = await api.get(`/v1/notifications?limit=50&cursor=${encodeURIComponent(cursor)}`, { cache: false });
    for (const event of next.data) list.append(row(event));
    cursor = next.next_cursor;
    more.hidden = !cursor;
  } } }, t('load_more'));
  const markAll = h('button#mark-read', { type: 'button', on: { click: async () => {
    if (!newest) return;
    try {
      const result = await api.send('POST', '/v1/notifications/read', { up_to: newest });
      unread = result.unread;
      count.textContent = String(unread);
      for (const item of list.querySelectorAll('.unread')) item.classList.remove('unread');
      refreshBadge(unread);
    } catch (error) { toast(problemText(error), 'error'); }
  } } }, t('mark_all_read'));
  const stopListening = live.onEvent((event) => {
    if (!list.isConnected) { stopListening(); return; }
    newest = Math.max(newest, event.id);
    list.prepend(row(event));
    unread += 1;
    count.textContent = String(unread);
  });
  if (!first.data.length) list.append(h('li.empty', t('none')));
  return card(t('event_log'), h('p', t('unread'), ': ', count, ' ', markAll), list, more);
}

function webhooks(hooks) {
  const admin = api.isAdmin();
  const wrap = h('div');
  const draw = (items) => {
    clear(wrap).append(table([
      { label: t('name'), value: (w) => w.name },
      { label: t('kind'), value: (w) => w.kind },
      { label: t('target'), value: (w) => w.target_display },
      { label: t('events'), value: (w) => w.events.join(', ') },
      { label: t('actions'), value: (w) => h('span',
        h('button', { type: 'button', on: { click: () => test(w) } }, t('send_test')), ' ',
        h('button.danger', { type: 'button', on: { click: () => remove(w) } }, t('delete'))) },
    ], items, { caption: t('webhooks'), empty: t('none') }));
  };
  const reload = async () => draw((await api.get('/v1/notifications/webhooks', { cache: false })).data);
  const test = async (w) => {
    try { await api.send('POST', `/v1/notifications/webhooks/${w.id}/test`, {}); toast(t('test_queued')); }
    catch (error) { toast(problemText(error), 'error'); }
  };
  const remove = async (w) => {
    try { await api.send('DELETE', `/v1/notifications/webhooks/${w.id}`); await reload(); }
    catch (error) { toast(problemText(error), 'error'); }
  };
  draw(hooks);

  const kind = select('kind', [['discord', 'Discord'], ['telegram', 'Telegram'], ['generic', t('signed_json')]], 'discord');
  const name = h('input', { name: 'name', required: true, maxlength: 100 });
  const url = h('input', { name: 'url', type: 'url', placeholder: 'https://' });
  const botToken = h('input', { name: 'bot_token', autocomplete: 'off' });
  const chatID = h('input', { name: 'chat_id' });
  const urlField = field(t('url'), url), botField = field(t('bot_token'), botToken), chatField = field(t('chat_id'), chatID);
  const boxes = [...types, ...(admin ? adminTypes : [])].map((type) =>
    h('label.check', h('input', { type: 'checkbox', name: 'events', value: type, checked: true }), ` ${type}`));
  const secret = h('p.secret', { hidden: true });
  const error = h('p.error', { role: 'alert' });
  const showFields = () => {
    const telegram = kind.value === 'telegram';
    urlField.hidden = telegram;
    botField.hidden = chatField.hidden = !telegram;
  };
  kind.addEventListener('change', showFields);
  showFields();
  const form = h('form.card#webhook-form', { on: { submit: async (event) => {
    event.preventDefault();
    error.textContent = '';
    const body = { kind: kind.value, name: name.value.trim(), events: boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value) };
    if (kind.value === 'telegram') Object.assign(body, { bot_token: botToken.value.trim(), chat_id: chatID.value.trim() });
    else body.url = url.value.trim();
    try {
      const created = await api.send('POST', '/v1/notifications/webhooks', body);
      form.reset();
      showFields();
      // The signing secret of a generic webhook is shown once, like an API token.
      secret.hidden = body.kind !== 'generic';
      secret.textContent = body.kind === 'generic' ? `${t('signing_secret')}: ${created.signing_secret}` : '';
      await reload();
      toast(t('saved'));
    } catch (e) { error.textContent = problemText(e); }
  } } },
  h('h3', t('add_webhook')), field(t('kind'), kind), field(t('name'), name), urlField, botField, chatField,
  h('fieldset', h('legend', t('events')), ...boxes), error, h('button.primary', { type: 'submit' }, t('save')));
  return card(t('webhooks'), wrap, secret, form);
}

function deadLetters(items) {
  const wrap = h('div');
  const draw = (rows) => clear(wrap).append(table([
    { label: t('when'), value: (d) => dateTime(d.created_at) },
    { label: t('events'), value: (d) => d.event_type },
    { label: t('channel'), value: (d) => d.webhook_name || d.channel },
    { label: t('attempts'), value: (d) => String(d.attempts), num: true },
    { label: t('last_error'), value: (d) => d.last_error || '—' },
    { label: t('actions'), value: (d) => h('button', { type: 'button', on: { click: async () => {
      try {
        await api.send('POST', `/v1/notifications/deliveries/${d.id}/retry`, {});
        toast(t('retry_queued'));
        draw((await api.get('/v1/notifications/deliveries?status=dead&limit=50', { cache: false })).data);
      } catch (error) { toast(problemText(error), 'error'); }
    } } }, t('retry')) },
  ], rows, { caption: t('failed_deliveries'), empty: t('none') }));
  draw(items);
  return card(t('failed_deliveries'), wrap);
}
