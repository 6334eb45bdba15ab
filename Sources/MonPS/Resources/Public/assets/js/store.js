// Last data per user in IndexedDB, for offline starts only. One database; the records of a user other than the
// one signing in are deleted first, and everything is deleted at logout. Nothing here is a credential.
const DB = 'monps-data';
let dbPromise = null;
let userId = null;

function open() {
  if (!self.indexedDB) return Promise.resolve(null);
  dbPromise ||= new Promise((resolve) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => { req.result.createObjectStore('responses'); req.result.createObjectStore('meta'); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
  });
  return dbPromise;
}

async function tx(storeName, mode, fn) {
  const db = await open();
  if (!db) return undefined;
  return new Promise((resolve) => {
    const t = db.transaction(storeName, mode);
    const result = fn(t.objectStore(storeName));
    t.oncomplete = () => resolve(result?.result);
    t.onerror = () => resolve(undefined);
    t.onabort = () => resolve(undefined);
  });
}

export async function useUser(id, profile) {
  const last = await lastUser();
  if (last && last.id !== id) await tx('responses', 'readwrite', (s) => s.clear());
  userId = id;
  await tx('meta', 'readwrite', (s) => s.put(profile, 'user'));
}

export async function lastUser() { return tx('meta', 'readonly', (s) => s.get('user')); }

export async function put(url, data) {
  if (!userId) return;
  await tx('responses', 'readwrite', (s) => s.put({ at: Date.now(), data }, `${userId} ${url}`));
}

export async function get(url) {
  const user = userId || (await lastUser())?.id;
  if (!user) return undefined;
  const record = await tx('responses', 'readonly', (s) => s.get(`${user} ${url}`));
  return record?.data;
}

export async function wipe() {
  userId = null;
  await tx('responses', 'readwrite', (s) => s.clear());
  await tx('meta', 'readwrite', (s) => s.clear());
}
