// The only way the app talks to the server: same-origin /v1 calls.
// The access token lives in this module's memory only. The refresh token is an HttpOnly cookie scoped to /v1/auth
// (cookie mode of the auth endpoints), sent with `X-MonPS-CSRF: 1`. Successful GETs are also kept per user in
// IndexedDB (store.js) so an offline start can show the last data, marked stale.
import * as store from './store.js';

let accessToken = null;
let me = null;
let refreshing = null;
const listeners = new Set();

export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}
export class OfflineError extends Error {}

export const currentUser = () => me;
export const isAdmin = () => me?.role === 'admin';
export function onAuthChange(fn) { listeners.add(fn); }
function changed() { for (const fn of listeners) fn(me); }

const csrf = { 'X-MonPS-CSRF': '1' };

async function post(url, body, headers = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), credentials: 'same-origin' });
}

/** Rotates the refresh cookie into a new access token (one at a time across tabs). */
export async function refresh() {
  if (!refreshing) {
    const run = async () => {
      const response = await post('/v1/auth/refresh', {}, csrf);
      if (!response.ok) { accessToken = null; return false; }
      accessToken = (await response.json()).access_token;
      return true;
    };
    refreshing = (navigator.locks ? navigator.locks.request('monps-refresh', run) : run()).finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** Restores the session from the cookie; false when there is none. Throws OfflineError without a network. */
export async function restore() {
  let ok;
  try { ok = await refresh(); } catch { throw new OfflineError('offline'); }
  if (!ok) return false;
  await loadMe();
  return true;
}

export async function login(email, password) {
  const response = await post('/v1/auth/login', { email, password, session: 'cookie' });
  if (!response.ok) throw new ProblemError(response.status, await response.json().catch(() => null));
  accessToken = (await response.json()).access_token;
  await loadMe();
}

async function loadMe() {
  me = await get('/v1/me', { cache: false });
  // Another account's kept data never outlives a switch of user on this browser.
  await store.useUser(me.id, { id: me.id, display_name: me.display_name, role: me.role });
  changed();
  tellWorker('resume'); // the shell is cached again for offline starts (not awaited)
}

/** Signs out: revokes the session, expires the cookie, forgets the token and wipes every cache. */
export async function logout() {
  try { await post('/v1/auth/logout', {}, csrf); } catch { /* offline: the cookie expires on its own */ }
  accessToken = null;
  me = null;
  await wipeAll();
  changed();
}

export async function wipeAll() {
  await store.wipe();
  await tellWorker('wipe');
  if (self.caches) for (const key of await caches.keys()) await caches.delete(key);
}

/** Sends the service worker a message and waits (at most 3 s) for it to be done. */
async function tellWorker(type) {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return;
  const channel = new MessageChannel();
  const done = new Promise((resolve) => { channel.port1.onmessage = resolve; setTimeout(resolve, 3000); });
  worker.postMessage({ type }, [channel.port2]);
  await done;
}

/** Offline start: the last signed-in user's kept data, if any. */
export async function offlineUser() {
  const user = await store.lastUser();
  if (user) { me = user; me.offline = true; changed(); }
  return user;
}

/**
 * fetch with the bearer token; retries once after a refresh on 401; problem+json errors become ProblemError.
 * Options: method, body (JSON), etag (If-None-Match → returns {notModified}), raw (returns the Response),
 * cache (default true for GET: keep for offline), auth (default true).
 */
export async function request(url, options = {}) {
  const method = options.method || 'GET';
  const headers = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = options.contentType || 'application/json';
  if (options.etag) headers['if-none-match'] = options.etag;
  const send = () => fetch(url, {
    method, credentials: 'same-origin',
    headers: accessToken && options.auth !== false ? { ...headers, authorization: `Bearer ${accessToken}` } : headers,
    body: options.body === undefined ? undefined : (options.contentType ? options.body : JSON.stringify(options.body)),
  });
  let response;
  try {
    response = await send();
    if (response.status === 401 && options.auth !== false && await refresh()) response = await send();
  } catch (error) {
    if (method === 'GET' && options.cache !== false) {
      const kept = await store.get(url);
      if (kept !== undefined) { markStale(true); return kept; }
    }
    throw new OfflineError(String(error));
  }
  if (response.status === 304) return { notModified: true };
  if (options.raw) return response;
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    if (response.status === 401 && options.auth !== false) { me = null; changed(); }
    throw new ProblemError(response.status, problem);
  }
  const text = response.status === 204 ? '' : await response.text();
  if (!text) return null; // 204, or a 202 that only acknowledges
  const data = JSON.parse(text);
  if (options.etag !== undefined) data.__etag = response.headers.get('etag');
  if (method === 'GET' && options.cache !== false && me && !me.offline) store.put(url, data);
  return data;
}

export const get = (url, options = {}) => request(url, options);
export const send = (method, url, body) => request(url, { method, body });

let staleListener = () => {};
export function onStale(fn) { staleListener = fn; }
function markStale(value) { staleListener(value); }

/** Builds a query string, leaving out empty values. */
export function qs(params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}
