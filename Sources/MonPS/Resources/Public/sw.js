// MonPS service worker. Precaches the shell of this build (the list is filled in by the server) and serves it
// offline. It never caches API responses: /v1 goes straight to the network, so one user's data can never be served
// to another from here (the app keeps the last data per user in IndexedDB, wiped at logout or user switch).
const VERSION = '__MONPS_VERSION__';
const SHELL = `monps-shell-${VERSION}`;
const PRECACHE = __MONPS_PRECACHE__;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== SHELL).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

// Logout: delete every cache and write nothing more until a user signs in again ('resume' re-precaches the shell).
let paused = false;
const put = (request, response) => { if (!paused) caches.open(SHELL).then((cache) => cache.put(request, response)); };
self.addEventListener('message', (event) => {
  const reply = () => event.ports[0]?.postMessage('done');
  if (event.data?.type === 'wipe') {
    paused = true;
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key)))).then(reply));
  } else if (event.data?.type === 'resume') {
    paused = false;
    event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(reply, reply));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname === '/sw.js') return; // network only
  if (request.mode === 'navigate') {
    // Network first (the shell is no-cache); offline, the cached shell for every app route.
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) put('/', response.clone());
      return response;
    }).catch(() => caches.match('/', { cacheName: SHELL }).then((hit) => hit || Response.error())));
    return;
  }
  if (url.pathname.startsWith(`/assets/${VERSION}/`)) {
    event.respondWith(caches.match(request, { cacheName: SHELL }).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) put(request, response.clone());
      return response;
    })));
  }
});
