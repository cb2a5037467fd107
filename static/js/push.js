// Web Push from this browser: a button with data-push-url subscribes it (service worker /sw.js, our
// VAPID key) and posts the subscription there. Hidden where the browser has no Push API.
(function () {
  "use strict";
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function key(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function subscribe(button) {
    const status = document.getElementById(button.dataset.pushStatus);
    button.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") throw new Error(button.dataset.pushDenied);
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const answer = await fetch("/api/v1/push/key/");
      const { public_key } = await answer.json();
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(public_key) });
      const stored = await fetch(button.dataset.pushUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        credentials: "same-origin",
        // The reporter's key, where the page has it (just filed): only the reporter asks for a complaint's news.
        body: JSON.stringify({ ...subscription.toJSON(), ...(button.dataset.reporterKey ? { reporter_key: button.dataset.reporterKey } : {}) }),
      });
      if (!stored.ok) throw new Error((await stored.json()).detail || button.dataset.pushFailed);
      if (status) status.textContent = button.dataset.pushDone;
      button.hidden = true;
    } catch (error) {
      if (status) status.textContent = error.message || button.dataset.pushFailed;
      button.disabled = false;
    }
  }

  for (const button of document.querySelectorAll("[data-push-url]")) {
    if (!supported) continue;
    button.hidden = false;
    button.addEventListener("click", () => subscribe(button));
  }
  window.pekaPush = { supported };
})();
