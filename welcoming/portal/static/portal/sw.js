/* Welcoming portal service worker: pages she has already seen, and the last results, open offline.
   Pages: network first, the copy from the last visit when offline. Static files: cache first. */
const VERSION = "welcoming-v2";
const PAGES = VERSION + "-pages";
const STATIC = VERSION + "-static";
const MAX_PAGES = 40;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(["/static/portal/portal.css"])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => !key.startsWith(VERSION)).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function trim(cache) {
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(key);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/admin/") || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(STATIC).then((cache) => cache.put(request, copy));
      return response;
    })));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then((response) => {
      /* a page marked no-store (her registration reference) never goes into the cache */
      if (response.ok && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
        const copy = response.clone();
        caches.open(PAGES).then((cache) => cache.put(request, copy).then(() => trim(cache)));
      }
      return response;
    }).catch(() => caches.match(request).then((hit) => hit || caches.match("/last-results").then((last) => last || Response.error()))));
  }
});

self.addEventListener("message", (event) => {
  /* the page tells which results are the last ones, so they open offline from any link */
  if (event.data && event.data.lastResults) {
    caches.open(PAGES).then((cache) => cache.match(event.data.lastResults).then((hit) => hit && cache.put("/last-results", hit)));
  }
});
