{% load static %}// PEKA's service worker, the one for the whole site (scope "/"): it shows Web Push messages and opens
// their link, and it keeps the staff inbox on the device so that it opens and lists its complaints
// without a signal (docs/architecture.md, the inbox offline). Changes made offline are not its
// business: the inbox page queues them in IndexedDB and sends them itself (static/js/satgas_offline.js).
"use strict";

self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || "PEKA", {
    body: data.body || "",
    data: { url: data.url || "/" },
    // One notification per page: newer news about the same complaint replaces the older one.
    tag: data.url || "peka",
    lang: "id",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin);
  if (url.origin !== self.location.origin) return;  // only our own pages
  event.waitUntil(self.clients.openWindow(url.href));
});

// --- The inbox offline -------------------------------------------------------------------------
// SHELL: the inbox page and the files it loads (the page names them in a "keep" message). DATA: what
// the staff API answered and the photo thumbnails: a signed-in person's data, emptied at sign-out.
const SHELL = "peka-inbox-shell-v1";
const DATA = "peka-inbox-data-v1";
const INBOX_PAGE = "{% url 'satgas' %}";
const STAFF_API = "/api/v1/staff/";
const OUTLINES = "/api/v1/boundaries/";
const STATIC = "{% get_static_prefix %}";
const PHOTOS = "/foto/";
// On a weak signal the network gets this long before the copy on the device answers instead.
const NETWORK_WAIT_MS = 6000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith("peka-inbox-") && ![SHELL, DATA].includes(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep") {
    const done = () => event.source && event.source.postMessage({ type: "kept" });
    event.waitUntil(keep(message.shell || [], message.data || [], message.thumbnails || []).then(done));
  }
  if (message.type === "forget") event.waitUntil(Promise.all([caches.delete(DATA), caches.delete(SHELL)]));
});

// Fetch and store what the page asked to keep (its first load came before this worker controlled
// it); a thumbnail already stored is not fetched again (its name is random and never reused).
async function keep(shellUrls, dataUrls, thumbnailUrls) {
  const [shell, data] = await Promise.all([caches.open(SHELL), caches.open(DATA)]);
  const store = async (cache, url, once) => {
    try {
      if (once && (await cache.match(url))) return;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await storeWhole(cache, url, response);
    } catch (e) { /* offline: kept next time */ }
  };
  await Promise.all([
    ...shellUrls.filter(sameOrigin).map((url) => store(shell, url, false)),
    ...dataUrls.filter(sameOrigin).map((url) => store(data, url, false)),
    ...thumbnailUrls.filter(sameOrigin).map((url) => store(data, url, true)),
  ]);
}

// The answer is read to its end before it replaces the stored one: a connection lost halfway through
// the body leaves the old copy in place, never none.
async function storeWhole(cache, key, response) {
  const body = await response.blob();
  await cache.put(key, new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers }));
}

function sameOrigin(url) {
  return new URL(url, self.location.origin).origin === self.location.origin;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate") {
    if (path === INBOX_PAGE) event.respondWith(networkFirst(request, SHELL, INBOX_PAGE));
    return;
  }
  if (path.startsWith(STAFF_API)) {
    // A poll that says which answer it holds wants the network's 304, never an old copy.
    if (request.headers.has("If-None-Match")) return;
    if (path.startsWith(STAFF_API + "complaints/") || path.startsWith(STAFF_API + "jurisdictions/")) {
      event.respondWith(networkFirst(request, DATA).then((r) => r || fromList(url)));
    }
    return;
  }
  // Other pages load these too: they get the copy the inbox kept when offline, and nothing is stored for them.
  if (path.startsWith(OUTLINES)) event.respondWith(networkOrCopy(request, DATA));
  else if (path.startsWith(STATIC)) event.respondWith(networkOrCopy(request, SHELL));
  else if (path.startsWith(PHOTOS) && path.endsWith("-thumb.jpg")) event.respondWith(copyFirst(request, DATA));
});

function networkOrCopy(request, cacheName) {
  return fetch(request).catch(async () => (await caches.match(request, { cacheName: cacheName, ignoreVary: true })) || Response.error());
}

// The network's answer (stored), or after a failure or NETWORK_WAIT_MS the stored copy; null when
// neither exists.
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  const network = fetch(request).then(async (response) => {
    if (response.ok && !response.redirected) storeWhole(cache, key || request, response.clone()).catch(() => {});
    return response;
  });
  network.catch(() => {});  // answered from the copy meanwhile: a later failure is nobody's concern
  const stored = () => cache.match(key || request, { ignoreVary: true });
  try {
    const first = await Promise.race([network, new Promise((ok) => setTimeout(() => ok(null), NETWORK_WAIT_MS))]);
    if (first) return first;
    return (await stored()) || (await network);
  } catch (e) {
    const copy = await stored();
    if (copy) return copy;
    if (request.mode === "navigate") throw e;
    return null;
  }
}

// Thumbnails: the kept copy, else the network (the inbox's "keep" stores them, no other page does).
async function copyFirst(request, cacheName) {
  return (await caches.match(request, { cacheName: cacheName, ignoreVary: true })) || fetch(request);
}

// Offline, a complaint never opened before is shown from the stored list (without its history).
async function fromList(url) {
  const match = url.pathname.slice((STAFF_API + "complaints/").length).match(/^([^/]+)\/$/);
  if (match) {
    const code = decodeURIComponent(match[1]);
    const cache = await caches.open(DATA);
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname !== STAFF_API + "complaints/") continue;
      const list = await (await cache.match(request)).json();
      const feature = (list.features || []).find((f) => f.id === code);
      if (feature) {
        feature.properties.events = [];
        return new Response(JSON.stringify(feature), {
          headers: { "Content-Type": "application/json", "X-PEKA-Offline-Copy": "list" },
        });
      }
    }
  }
  return Response.error();
}
