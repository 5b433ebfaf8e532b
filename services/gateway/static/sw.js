// Tangerang Live service worker: keeps the region's main pages for when the signal drops.
// Network first (a page is always fresh when there is signal); the kept copy when not.
// Registered as /sw.js?r=<region code> by tl-offline.js; optional: every page works without it.
"use strict";
const CACHE = "tl-pages-v1";
const REGION = new URL(self.location).searchParams.get("r") || "36.71";
const KEPT = ["", "harga", "loker", "lapor"].map((page) => `/r/${REGION}/${page}`)
  .concat(["/tl-offline.js", `/r/${REGION}/manifest.webmanifest`]);

self.addEventListener("install", (event) => {
  // One by one: a page that fails now (a service down) must not stop the others.
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all(KEPT.map((url) => cache.add(url).catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function keepable(url) {
  return url.pathname.startsWith("/r/") || url.pathname.startsWith("/lacak/")
    || url.pathname === "/tl-offline.js";
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !keepable(url)) {
    return;
  }
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    }
    return response;
  }).catch(() => caches.match(event.request, { ignoreSearch: url.pathname.endsWith("/lapor") })
    .then((kept) => kept || caches.match(`/r/${REGION}/`))
    .then((kept) => kept || new Response("Tidak ada sinyal.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } }))));
});
