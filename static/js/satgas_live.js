// New work arrives by itself: every few seconds (data-poll-seconds, at most 30) the inbox asks the staff
// list whether it changed, naming the answer it holds (If-None-Match); unchanged is a bodiless 304. A
// complaint that enters the list meanwhile is marked new, counted on a badge and in the page title,
// "(3) …", until the officer opens it.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  const badge = document.getElementById("new-badge");
  const words = JSON.parse(document.getElementById("offline-labels").textContent);
  const seconds = Math.min(30, Math.max(1, Number(root.dataset.pollSeconds) || 30));
  const title = document.title;
  const unseen = new Set();
  let known = null, knownUrl = null, etag = null, etagUrl = null, asking = false;

  function show() {
    const n = unseen.size;
    document.title = n ? "(" + n + ") " + title : title;
    badge.hidden = !n;
    badge.textContent = words.new_count.replace("%(n)s", n);
    for (const item of document.querySelectorAll("#list .item")) {
      const fresh = unseen.has(item.dataset.code);
      item.classList.toggle("new", fresh);
      let tag = item.querySelector(".new-tag");
      if (fresh && !tag) {
        tag = document.createElement("span");
        tag.className = "new-tag";
        tag.textContent = words.new_tag;
        item.prepend(tag);
      } else if (!fresh && tag) {
        tag.remove();
      }
    }
  }

  // Every list the page shows (its own loads and ours): what is in it now is known; what was not
  // before, under the same filters, is new.
  root.addEventListener("peka:list", (event) => {
    const url = PEKA.inbox.listUrl();
    const codes = new Set(event.detail.features.map((f) => f.id));
    if (known && url === knownUrl) for (const code of codes) if (!known.has(code)) unseen.add(code);
    for (const code of [...unseen]) if (!codes.has(code)) unseen.delete(code);
    known = codes;
    knownUrl = url;
    show();
  });
  root.addEventListener("peka:detail", (event) => { unseen.delete(event.detail.feature.id); show(); });
  badge.addEventListener("click", () => { unseen.clear(); show(); });

  async function ask() {
    if (asking || !navigator.onLine || !PEKA.inbox) return;
    asking = true;
    const url = PEKA.inbox.listUrl();
    try {
      const headers = { Accept: "application/json" };
      if (etag && etagUrl === url) headers["If-None-Match"] = etag;
      const response = await fetch(url, { credentials: "same-origin", headers: headers });
      if (response.status !== 200) return;  // 304: nothing new; anything else: ask again next time
      const body = await response.json();
      if (url !== PEKA.inbox.listUrl()) return;  // the filters changed while we asked
      etag = response.headers.get("ETag");
      etagUrl = url;
      PEKA.inbox.showList({ ok: true, status: 200, body: body });
    } catch (e) {
      // no signal: the offline banner says so; ask again next time
    } finally {
      asking = false;
    }
  }

  setInterval(ask, seconds * 1000);
})();
