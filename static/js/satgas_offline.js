// The inbox without a signal. The service worker (/sw.js) keeps the page, its list, the map outlines and
// the photo thumbnails on the device; this script keeps the officer's changes. Every change is written
// to an outbox in IndexedDB first, with the version it was made on and an Idempotency-Key, then sent;
// what could not be sent waits and goes out when the connection returns, in the order it was made. The
// server does each key once, so a resend after a lost answer does nothing twice. A conflict (409: the
// complaint changed meanwhile) is never resolved here: the officer sees both versions and decides.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  if (!root || !window.indexedDB) return;
  const words = JSON.parse(document.getElementById("offline-labels").textContent);
  const banner = document.getElementById("offline-banner");
  const conflicts = document.getElementById("conflicts");
  const user = root.dataset.user;
  const RETRY_MS = 15000;

  // --- IndexedDB: one store, "outbox", keyed by the Idempotency-Key ------------------------------
  const opened = new Promise((resolve, reject) => {
    const request = indexedDB.open("peka-inbox", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("outbox", { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  async function store(mode, work) {
    const db = await opened;
    return new Promise((resolve, reject) => {
      const tx = db.transaction("outbox", mode);
      const result = work(tx.objectStore("outbox"));
      tx.oncomplete = () => resolve(result.result !== undefined ? result.result : result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const save = (item) => store("readwrite", (s) => s.put(item));
  const drop = (key) => store("readwrite", (s) => s.delete(key));
  // Only this user's items: a colleague signing in on the same phone does not send them.
  const all = async () => (await store("readonly", (s) => s.getAll())).filter((i) => i.user === user).sort((a, b) => a.made - b.made);

  // --- Turning a request into a storable item and back -------------------------------------------
  function describe(url, init) {
    const item = { key: crypto.randomUUID(), user: user, url: url, made: Date.now(), state: "waiting", fields: [], json: null, files: [] };
    if (init.body instanceof FormData) {
      for (const [name, value] of init.body.entries()) {
        if (value instanceof Blob) item.files.push({ name: name, blob: value, filename: value.name || "foto.jpg" });
        else item.fields.push([name, value]);
      }
    } else if (typeof init.body === "string") {
      item.json = init.body;
      for (const [name, value] of Object.entries(JSON.parse(init.body))) item.fields.push([name, String(value)]);
    }
    const field = (name) => (item.fields.find(([n]) => n === name) || [])[1];
    item.code = decodeURIComponent(url.replace(root.dataset.complaintsUrl, "").split("/")[0]);
    item.action = url.replace(/\/$/, "").split("/").pop();
    item.to = field("to") || field("task_force") || "";
    item.note = field("note") || "";
    item.version = Number(field("version")) || null;
    return item;
  }

  function body(item) {
    if (item.json !== null) return item.json;
    const form = new FormData();
    for (const [name, value] of item.fields) form.append(name, value);
    for (const file of item.files) form.append(file.name, file.blob, file.filename);
    return form;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- Sending ------------------------------------------------------------------------------------
  // One attempt for one item. The item leaves the outbox once the server has decided: done, or
  // refused (shown to the officer); it stays while there is no answer, a server fault or no session.
  async function deliver(item) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": item.key };
    if (item.json !== null) headers["Content-Type"] = "application/json";
    let response, answer = null;
    try {
      response = await fetch(item.url, { method: "POST", credentials: "same-origin", headers: headers, body: body(item) });
    } catch (e) {
      return { ok: false, status: 0, queued: true, body: { detail: words.queued } };
    }
    try { answer = await response.json(); } catch (e) { answer = null; }
    const result = { ok: response.ok, status: response.status, body: answer };
    if (response.ok) {
      await drop(item.key);
    } else if (response.status >= 500 || response.status === 401 || response.status === 403) {
      item.problem = (answer && answer.detail) || words.retry;
      await save(item);
      result.queued = true;
    } else {
      item.state = response.status === 409 ? "conflict" : "refused";
      item.problem = message(answer);
      item.current = await now(item.code);
      await save(item);
    }
    return result;
  }

  // The complaint as the server has it now (the other side of a conflict); null if it cannot be read.
  async function now(code) {
    try {
      const response = await fetch(root.dataset.complaintsUrl + encodeURIComponent(code) + "/", { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" });
      return response.ok ? await response.json() : null;
    } catch (e) {
      return null;
    }
  }

  function message(body) {
    if (!body) return words.retry;
    if (body.detail) return body.detail;
    return Object.values(body).flat(2).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  }

  async function send(url, init) {
    const item = describe(url, init);
    await save(item);
    const result = navigator.onLine ? await deliver(item) : { ok: false, status: 0, queued: true, body: { detail: words.queued } };
    await refresh();
    return result;
  }

  let flushing = null;
  // Everything waiting, oldest first; stops at the first item that still gets no answer.
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      let answered = 0;
      try {
        for (const item of await all()) {
          if (item.state !== "waiting") continue;
          const result = await deliver(item);
          if (result.queued) break;
          answered++;
        }
      } finally {
        flushing = null;
        await refresh();
        if (answered && PEKA.inbox) PEKA.inbox.refresh();
      }
    })();
    return flushing;
  }

  // --- What the officer sees ------------------------------------------------------------------------
  async function refresh() {
    const items = await all();
    const waiting = items.filter((i) => i.state === "waiting").length;
    const parts = [];
    if (!navigator.onLine) parts.push(words.offline);
    if (waiting) parts.push((waiting === 1 ? words.waiting_one : words.waiting).replace("%(n)s", waiting));
    banner.textContent = parts.join(" · ");
    banner.hidden = !parts.length;
    banner.classList.toggle("offline", !navigator.onLine);
    showConflicts(items.filter((i) => i.state !== "waiting"));
    markPending(new Set(items.filter((i) => i.state === "waiting").map((i) => i.code)));
  }

  // A complaint with a change still waiting says so in the list, and its buttons wait too: a second
  // change made on the same old version would only come back as a conflict.
  function markPending(codes) {
    for (const item of document.querySelectorAll("#list .item")) {
      const pending = codes.has(item.dataset.code);
      item.classList.toggle("pending", pending);
      let tag = item.querySelector(".pending-tag");
      if (pending && !tag) {
        tag = text("span", words.pending, "pending-tag");
        item.append(tag);
      } else if (!pending && tag) {
        tag.remove();
      }
    }
    const opened = document.querySelector("#detail:not([hidden]) h2.tracking");
    const pending = !!opened && codes.has(opened.textContent);
    for (const button of document.querySelectorAll("#detail .actions .buttons button, #detail .reassign button")) button.disabled = pending;
  }

  function text(tag, content, className) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function when(ms) {
    return new Date(ms).toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
  }

  function mine(item) {
    const box = document.createElement("div");
    box.className = "version mine";
    box.append(text("h3", words.yours.replace("%(version)s", item.version || "—")),
      text("p", (words.actions[item.to] || item.to || item.action) + " · " + when(item.made)));
    if (item.note) box.append(text("p", item.note, "note"));
    if (item.files.length) box.append(text("p", words.with_photo));
    return box;
  }

  function theirs(current) {
    const box = document.createElement("div");
    box.className = "version theirs";
    if (!current) return box;
    const p = current.properties;
    box.append(text("h3", words.theirs.replace("%(version)s", p.version)), text("p", p.status_label));
    const last = (p.events || [])[p.events.length - 1];
    if (last) box.append(text("p", (last.actor || "—") + " · " + new Date(last.at).toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }) + (last.note ? " · " + last.note : ""), "note"));
    return box;
  }

  function showConflicts(items) {
    conflicts.replaceChildren();
    conflicts.hidden = !items.length;
    for (const item of items) {
      const card = document.createElement("article");
      card.className = "conflict";
      card.dataset.code = item.code;
      card.append(text("h2", (item.state === "conflict" ? words.conflict : words.refused).replace("%(code)s", item.code)),
        text("p", item.problem || "", "error"));
      const versions = document.createElement("div");
      versions.className = "versions";
      versions.append(mine(item), theirs(item.current));
      card.append(versions);
      const row = document.createElement("p");
      row.className = "row";
      const current = item.current && item.current.properties;
      // Sending again on the version now stored is the officer's decision, and only where the move still fits.
      if (item.state === "conflict" && current && (item.action !== "transition" || current.allowed_transitions.includes(item.to))) {
        const again = text("button", words.send_again.replace("%(version)s", current.version));
        again.type = "button";
        again.addEventListener("click", async () => {
          await drop(item.key);
          const fields = item.fields.map(([n, v]) => [n, n === "version" ? String(current.version) : v]);
          const json = item.json === null ? null : JSON.stringify(Object.assign(JSON.parse(item.json), { version: current.version }));
          const retry = Object.assign({}, item, { key: crypto.randomUUID(), state: "waiting", fields: fields, json: json, version: current.version, current: null, problem: "" });
          await save(retry);
          await flush();
        });
        row.append(again);
      }
      const discard = text("button", item.state === "conflict" ? words.discard : words.dismiss, "secondary");
      discard.type = "button";
      discard.addEventListener("click", async () => { await drop(item.key); await refresh(); });
      row.append(discard);
      card.append(row);
      conflicts.append(card);
    }
  }

  // --- Keeping the inbox on the device ----------------------------------------------------------------
  async function worker() {
    if (!("serviceWorker" in navigator)) return null;
    try {
      await navigator.serviceWorker.register(root.dataset.serviceWorker, { scope: "/" });
      return await navigator.serviceWorker.ready;
    } catch (e) {
      return null;
    }
  }

  // The page and the files it loaded; the thumbnails of the complaints listed.
  async function keep(features) {
    const registration = await worker();
    if (!registration || !registration.active || !navigator.onLine) return;
    const shell = [location.pathname, ...performance.getEntriesByType("resource").map((e) => e.name).filter((u) => new URL(u).pathname.startsWith(root.dataset.staticUrl))];
    const outlines = JSON.parse(document.getElementById("basemap").textContent);
    const data = [PEKA.inbox.listUrl(), root.dataset.jurisdictionsUrl, outlines.kecamatan_url, outlines.kelurahan_url];
    const thumbnails = (features || []).flatMap((f) => f.properties.photos.map((p) => p.thumbnail_url));
    registration.active.postMessage({ type: "keep", shell: [...new Set(shell)], data: data, thumbnails: thumbnails });
  }

  root.addEventListener("peka:list", (event) => { keep(event.detail.features); refresh(); });
  root.addEventListener("peka:detail", () => refresh());
  // The worker says when all of it is stored (the inbox then opens without a signal).
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "kept") root.dataset.keptAt = String(Date.now());
    });
  }
  // Signing out forgets the stored answers: the next person on this phone does not see them.
  const signOut = document.querySelector("form[data-sign-out]");
  if (signOut) {
    signOut.addEventListener("submit", () => {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "forget" });
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  setInterval(() => { if (navigator.onLine) flush(); }, RETRY_MS);
  PEKA.outbox = { send: send, flush: flush, items: all };
  worker();
  if (navigator.onLine) flush(); else refresh();
})();
