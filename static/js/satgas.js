// The task-force inbox: open complaints on a map and in a list (overdue first), a detail panel with
// the history and the workflow buttons. Talks only to /api/v1/staff/ with the session cookie.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const list = document.getElementById("list");
  const count = document.getElementById("count");
  const detail = document.getElementById("detail");
  const filters = document.getElementById("filters");

  const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView([0.51, 101.45], 12);
  const markers = L.layerGroup().addTo(map);

  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options));
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { ok: response.ok, status: response.status, body: body };
  }

  function text(tag, content, className) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }) : "—";
  }

  function errorMessage(body) {
    if (!body) return labels.failed;
    if (body.detail) return body.detail;
    return Object.entries(body).map(([field, messages]) => field + ": " + [].concat(messages).join(" ")).join(" ");
  }

  async function loadOutlines() {
    PEKA.basemap(map, { kecamatan: { style: { color: "#7a8793", weight: 1, fill: false } } }).catch(() => {});
    const jurisdictions = await api(root.dataset.jurisdictionsUrl);
    if (jurisdictions.ok && jurisdictions.body.features.length) {
      const layer = L.geoJSON(jurisdictions.body, { style: { color: "#0b6e4f", weight: 2, fillOpacity: 0.04 } }).addTo(map);
      map.fitBounds(layer.getBounds());
    }
  }

  async function loadList() {
    const params = new URLSearchParams(new FormData(filters));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    if (!params.has("status")) params.set("open", "true");
    params.set("page_size", "1000");
    const answer = await api(root.dataset.complaintsUrl + "?" + params);
    list.replaceChildren();
    markers.clearLayers();
    if (!answer.ok) { count.textContent = errorMessage(answer.body); return; }
    const features = answer.body.features;
    count.textContent = features.length ? labels.count.replace("%(n)s", answer.body.count) : labels.none;
    for (const feature of features) {
      const p = feature.properties;
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "item" + (p.is_overdue ? " overdue" : "");
      button.dataset.code = feature.id;
      button.append(text("strong", feature.id), text("span", p.category_name), text("span", p.kecamatan.name),
        text("span", (p.is_overdue ? labels.overdue + " · " : labels.due + " ") + when(p.due_at), "due"),
        text("span", p.status_label, "status"));
      button.addEventListener("click", () => show(feature.id));
      item.append(button);
      list.append(item);
      const [lon, lat] = feature.geometry.coordinates;
      L.circleMarker([lat, lon], {
        radius: 7, weight: p.is_overdue ? 3 : 1, color: p.is_overdue ? "#b71c1c" : "#1d2733",
        fillColor: labels.colors[p.category] || "#546e7a", fillOpacity: 0.9,
      }).bindTooltip(feature.id + " · " + p.category_name).on("click", () => show(feature.id)).addTo(markers);
    }
  }

  async function show(code) {
    const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(code) + "/");
    if (!answer.ok) return;
    render(answer.body);
  }

  function render(feature) {
    const p = feature.properties;
    detail.hidden = false;
    detail.replaceChildren();
    const close = text("button", labels.close, "link close");
    close.type = "button";
    close.addEventListener("click", () => { detail.hidden = true; });
    detail.append(close, text("h2", feature.id), text("p", p.category_name + " · " + p.status_label, "status"),
      text("p", p.description), text("p", p.kecamatan.name + (p.kelurahan ? ", " + p.kelurahan.name : "")),
      text("p", (p.is_overdue ? labels.overdue + " · " : labels.due + " ") + when(p.due_at), p.is_overdue ? "due overdue" : "due"));
    if (p.reporter_name || p.reporter_phone || p.reporter_email) {
      detail.append(text("h3", labels.reporter), text("p", [p.reporter_name, p.reporter_phone, p.reporter_email].filter(Boolean).join(" · ")));
    }
    if (p.allowed_transitions.length) {
      const form = document.createElement("form");
      form.className = "actions stack";
      const noteId = "note-" + feature.id, dupId = "dup-" + feature.id;
      const noteLabel = text("label", labels.note); noteLabel.htmlFor = noteId;
      const note = document.createElement("textarea"); note.id = noteId; note.name = "note"; note.rows = 2;
      const dupLabel = text("label", labels.duplicate_of); dupLabel.htmlFor = dupId;
      const dup = document.createElement("input"); dup.id = dupId; dup.name = "duplicate_of";
      const message = text("p", "", "error"); message.setAttribute("role", "alert");
      form.append(noteLabel, note, dupLabel, dup);
      const buttons = document.createElement("div");
      buttons.className = "buttons";
      for (const to of p.allowed_transitions) {
        const button = text("button", labels.actions[to] || to);
        button.type = "button";
        button.dataset.to = to;
        button.addEventListener("click", async () => {
          const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(feature.id) + "/transition/", {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify({ to: to, note: note.value, duplicate_of: dup.value, version: p.version }),
          });
          if (answer.ok) { render(answer.body); loadList(); } else { message.textContent = errorMessage(answer.body); }
        });
        buttons.append(button);
      }
      form.append(buttons, message);
      detail.append(form);
    }
    detail.append(text("h3", labels.history));
    const events = document.createElement("ol");
    events.className = "events";
    for (const event of p.events) {
      events.append(text("li", when(event.at) + " · " + (event.actor || "—") + " · " + (event.from_status ? event.from_status + " → " : "") + event.to_status + (event.note ? " · " + event.note : "")));
    }
    detail.append(events);
  }

  filters.addEventListener("change", loadList);
  loadOutlines();
  loadList();
})();
