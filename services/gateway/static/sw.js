// Tangerang Live service worker: keeps the region's main pages for when the signal drops.
// Network first (a page is always fresh when there is signal); the kept copy when not.
// Registered as /sw.js?r=<region code> by tl-offline.js; optional: every page works without it.
"use strict";
const CACHE = "tl-pages-v2";
const REGION = new URL(self.location).searchParams.get("r") || "36.71";
const FORM = `/r/${REGION}/lapor`;
const KEPT = ["", "harga", "loker", "lapor"].map((page) => `/r/${REGION}/${page}`)
  .concat(["/tl-offline.js", `/r/${REGION}/manifest.webmanifest`]);

// Never keep what the server says not to store: the ticket page that shows its tracking
// secret, a signed-in citizen's pages, errors. The lapor form is the one no-store page
// kept: its only one-time content, the form's idempotency key, is replaced by
// tl-offline.js on every load of the kept copy.
function keepable(url, response) {
  if (!response.ok) {
    return false;
  }
  if (url.pathname === FORM && !url.search) {
    return true;
  }
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !/(^|[\s,])no-store([\s,]|$)/.test(control) && !url.searchParams.has("baru");
}

function keep(cache, request, response) {
  return keepable(new URL(request.url || request, self.location), response)
    ? cache.put(request, response) : null;
}

self.addEventListener("install", (event) => {
  // One by one: a page that fails now (a service down) must not stop the others.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(KEPT.map((url) => fetch(url)
      .then((response) => keep(cache, url, response)).catch(() => null))))
    .then(() => self.skipWaiting()));
});

// An older worker's pages go: they may hold a ticket page with its tracking secret.
self.addEventListener("activate", (event) => event.waitUntil(caches.keys()
  .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
  .then(() => self.clients.claim())));

function served(url) {
  return url.pathname.startsWith("/r/") || url.pathname.startsWith("/lacak/")
    || url.pathname === "/tl-offline.js";
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !served(url)) {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => keep(cache, event.request, copy));
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: url.pathname.endsWith("/lapor") })
    .then((kept) => kept || caches.match(`/r/${REGION}/`))
    .then((kept) => kept || new Response("Tidak ada sinyal.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } }))));
});
