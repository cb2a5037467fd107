// PEKA's service worker: shows a Web Push message and opens its link when it is tapped.
self.addEventListener("push", (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || "PEKA", {
    body: data.body || "",
    data: { url: data.url || "/" },
    lang: "id",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin);
  if (url.origin !== self.location.origin) return;  // only our own pages
  event.waitUntil(self.clients.openWindow(url.href));
});
