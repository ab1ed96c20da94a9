// Waymark's offline first-contact app: keeps its page and files so that it opens with no signal.
// Only these are kept; the key and the records always go to the network.
'use strict';
const CACHE = 'waymark-offline-v1';
const FILES = ['/offline/', '/offline/app.js', '/offline/manifest.webmanifest', '/offline/icon.svg', '/static/style.css'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

// The network first, so that a page signed in is current; the copy kept when there is none.
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin || !FILES.includes(url.pathname)) {
    return;
  }
  e.respondWith(fetch(e.request).then((res) => {
    if (res.ok && !res.redirected) {
      const copy = res.clone();
      caches.open(CACHE).then((c) => c.put(e.request, copy));
    }
    return res;
  }).catch(() => caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || Response.error())));
});
