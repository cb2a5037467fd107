// Replies and filing on behalf. In an opened complaint's note box: the response templates that fit it,
// already filled in ({code}, {kelurahan}, {due}) in Indonesian and English, one tap to put in the note.
// Beside the list: a form to file a complaint for a caller (channel "staff"), placed by a tap on the map,
// through the same intake and routing as every other complaint.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  const words = JSON.parse(document.getElementById("offline-labels").textContent);
  const api = PEKA.api;

  // --- Templates in the note box -----------------------------------------------------------------
  root.addEventListener("peka:detail", async (event) => {
    const code = event.detail.feature.id;
    const note = document.getElementById("note-" + code);
    if (!note) return;
    const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(code) + "/replies/");
    if (!answer.ok || !answer.body.length || !note.isConnected || document.getElementById("reply-" + code)) return;
    const select = document.createElement("select");
    select.id = "reply-" + code;
    select.append(new Option(words.reply_choose, ""));
    for (const [language, name] of [["id", "Bahasa Indonesia"], ["en", "English"]]) {
      const group = document.createElement("optgroup");
      group.label = name;
      group.lang = language;
      for (const reply of answer.body) group.append(new Option(reply.title, language + ":" + reply.id));
      select.append(group);
    }
    select.addEventListener("change", () => {
      if (!select.value) return;
      const [language, id] = select.value.split(":");
      note.value = answer.body.find((r) => String(r.id) === id).text[language];
      note.dispatchEvent(new Event("input", { bubbles: true }));
      note.focus();
    });
    const label = document.createElement("label");
    label.textContent = words.reply;
    label.htmlFor = select.id;
    const noteLabel = document.querySelector('label[for="' + note.id + '"]');
    (noteLabel || note).before(label, select);
  });

  // --- Filing for a caller -------------------------------------------------------------------------
  const form = document.getElementById("caller-form");
  const open = document.getElementById("caller-open");
  const result = document.getElementById("caller-result");
  if (!form || !open) return;
  let marker = null, key = null;

  function place(latlng) {
    const map = PEKA.inbox.map;
    if (!marker) marker = L.marker(latlng, { draggable: true, title: words.caller_point }).addTo(map);
    marker.setLatLng(latlng);
    form.querySelector("[data-point]").textContent = words.caller_point_at
      .replace("%(lat)s", latlng.lat.toFixed(5)).replace("%(lon)s", latlng.lng.toFixed(5));
  }

  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    open.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) {
      key = crypto.randomUUID();  // one key per complaint: a double tap or a retry files it once
      place(marker ? marker.getLatLng() : PEKA.inbox.map.getCenter());
      form.querySelector("select, textarea").focus();
    }
  });
  PEKA.inbox.map.on("click", (e) => { if (!form.hidden) place(e.latlng); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const point = marker.getLatLng();
    const reporter = { name: data.get("caller_name") || "", phone: data.get("caller_phone") || "" };
    const body = {
      category: data.get("category"),
      description: data.get("description"),
      location: { type: "Point", coordinates: [Number(point.lng.toFixed(6)), Number(point.lat.toFixed(6))] },
    };
    if (reporter.name || reporter.phone) body.reporter = reporter;
    const message = form.querySelector(".error");
    message.textContent = "";
    const answer = await api(root.dataset.complaintsUrl, {
      method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key }, body: JSON.stringify(body),
    });
    if (!answer.ok) {
      message.textContent = answer.body ? Object.values(answer.body).flat(2).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ") : words.retry;
      return;
    }
    const filed = answer.body;
    result.replaceChildren();
    const line = document.createElement("p");
    line.textContent = words.caller_filed.replace("%(code)s", filed.id).replace("%(task_force)s", filed.task_force || filed.agency || "—");
    result.append(line);
    if (filed.reporter_key) {
      const keyLine = document.createElement("p");
      keyLine.textContent = words.caller_key.replace("%(key)s", filed.reporter_key);
      keyLine.className = "caller-key";
      result.append(keyLine);
    }
    result.hidden = false;
    form.reset();
    form.hidden = true;
    open.setAttribute("aria-expanded", "false");
    if (marker) { marker.remove(); marker = null; }
    PEKA.inbox.refresh();
  });
})();
