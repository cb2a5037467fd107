// The task-force inbox, phone first: the map of open complaints above a list (overdue first); opening one
// centres the map on it and shows the report photo, the reporter ("Tampilkan kontak", then tap to call), "Navigasi", the history
// and the workflow actions in one fixed order, an "after" photo with "Resolve", and reassignment for
// supervisors. Talks only to /api/v1/staff/ with the session cookie.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const list = document.getElementById("list");
  const count = document.getElementById("count");
  const detail = document.getElementById("detail");
  const filters = document.getElementById("filters");
  // The order the buttons always take, whatever the step: forward first, the refusals last.
  const ACTION_ORDER = ["diverifikasi", "dikerjakan", "selesai", "duplikat", "ditolak"];

  const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView([0.51, 101.45], 12);
  map.getContainer().pekaMap = map;  // for browser tests
  const markers = L.layerGroup().addTo(map);

  const api = PEKA.api;
  // Assignment, moderation and the on-site check (satgas_assign.js) plug in here.
  const hooks = PEKA.inboxHooks || {};

  function text(tag, content, className) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function link(content, href, className) {
    const a = text("a", content, className);
    a.href = href;
    return a;
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" }) : "—";
  }

  // The server's own sentences, never its field names.
  function errorMessage(body) {
    if (!body) return labels.failed;
    if (body.detail) return body.detail;
    return Object.values(body).flat(2).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  }

  async function loadOutlines() {
    PEKA.basemap(map, { kecamatan: { style: { color: "#7a8793", weight: 1, fill: false } } }).catch(() => {});
    const jurisdictions = await api(root.dataset.jurisdictionsUrl);
    if (jurisdictions.ok && jurisdictions.body.features.length) {
      const layer = L.geoJSON(jurisdictions.body, { style: { color: "#0b6e4f", weight: 2, fillOpacity: 0.04 } }).addTo(map);
      // Not animated: an item opened during a zoom animation would be moved back when it ended.
      if (!opened) map.fitBounds(layer.getBounds(), { animate: false });  // an item opened meanwhile keeps the map on it
    }
  }

  let listAsked = 0;  // only the answer to the latest filters is shown (an earlier one may come later)

  function listUrl() {
    const params = new URLSearchParams(new FormData(filters));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    if (!params.has("status")) params.set("open", "true");
    params.set("page_size", "1000");
    return root.dataset.complaintsUrl + "?" + params;
  }

  async function loadList() {
    const asked = ++listAsked;
    const answer = await api(listUrl());
    if (asked !== listAsked) return;
    showList(answer);
  }

  function showList(answer) {
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
      button.append(text("strong", feature.id, "tracking"), text("span", p.status_label, "status"),
        text("span", p.category_name, "what"), text("span", p.kecamatan.name, "place"),
        text("span", (p.is_overdue ? labels.overdue + " · " : labels.due + " ") + when(p.due_at), "due"));
      button.addEventListener("click", () => show(feature.id));
      item.append(button);
      if (hooks.item) hooks.item(item, feature);
      list.append(item);
      const [lon, lat] = feature.geometry.coordinates;
      L.circleMarker([lat, lon], {
        radius: 8, weight: p.is_overdue ? 3 : 1, color: p.is_overdue ? "#b71c1c" : "#1d2733",
        fillColor: labels.colors[p.category] || "#546e7a", fillOpacity: 0.9,
      }).bindTooltip(feature.id + " · " + p.category_name).on("click", () => show(feature.id)).addTo(markers);
    }
    if (hooks.listed) hooks.listed(features);
    root.dispatchEvent(new CustomEvent("peka:list", { detail: { features: features } }));
  }

  // Changes go through the offline outbox where the page has one (satgas_offline.js): kept on the
  // device while there is no signal, sent once with an Idempotency-Key.
  function post(url, init) {
    return PEKA.outbox ? PEKA.outbox.send(url, init) : api(url, init);
  }

  let opened = false;

  async function show(code) {
    opened = true;
    const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(code) + "/");
    if (!answer.ok) { count.textContent = errorMessage(answer.body); return; }
    render(answer.body);
    const [lon, lat] = answer.body.geometry.coordinates;
    map.setView([lat, lon], Math.max(map.getZoom(), 16), { animate: false });
  }

  // The reporter's contact is never in the list or the detail: it is asked for ("Tampilkan kontak"),
  // and the server logs who asked. An anonymous reporter's is shown to nobody.
  function contactLine(contact) {
    const line = document.createElement("p");
    line.className = "reporter row";
    if (contact.name) line.append(text("span", contact.name));
    if (contact.phone) line.append(link(labels.call.replace("%(phone)s", contact.phone), "tel:" + contact.phone.replace(/[^+\d]/g, ""), "button secondary"));
    if (contact.email) line.append(link(contact.email, "mailto:" + contact.email, "button secondary"));
    return line;
  }

  function reporter(feature) {
    const p = feature.properties;
    const out = [];
    if (p.reporter_anonymous) out.push(text("h3", labels.reporter), text("p", labels.anonymous, "note"));
    else if (p.reporter_contact) {
      const line = document.createElement("p");
      line.className = "reporter row";
      const button = text("button", labels.show_contact, "secondary");
      button.type = "button";
      const message = text("p", "", "error");
      message.setAttribute("role", "alert");
      button.addEventListener("click", async () => {
        button.disabled = true;
        const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(feature.id) + "/contact/", { method: "POST" });
        button.disabled = false;
        if (answer.ok) { line.replaceWith(contactLine(answer.body)); message.textContent = ""; } else { message.textContent = errorMessage(answer.body); }
      });
      line.append(button, text("span", labels.contact_logged, "note"));
      out.push(text("h3", labels.reporter), line, message);
    }
    // Who read the contact: for the agency's supervisors and the city admins (null for anyone else).
    if (Array.isArray(p.contact_views) && (p.contact_views.length || p.reporter_contact)) {
      out.push(text("h4", labels.contact_views));
      if (!p.contact_views.length) out.push(text("p", labels.contact_views_none, "note"));
      else {
        const views = document.createElement("ol");
        views.className = "contact-views";
        for (const v of p.contact_views) views.append(text("li", when(v.at) + " · " + v.actor));
        out.push(views);
      }
    }
    return out;
  }

  function navigation(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const row = document.createElement("p");
    row.className = "row";
    // geo: opens the phone's own maps app; the web map is there where no app takes it.
    row.append(link(labels.navigate, "geo:" + lat + "," + lon + "?q=" + lat + "," + lon, "button"),
      link(labels.web_map, "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon, "button secondary"));
    row.lastChild.rel = "noopener";
    row.lastChild.target = "_blank";
    return row;
  }

  function photos(p) {
    const figures = p.photos.map((photo) => {
      const figure = document.createElement("figure");
      const a = link("", photo.url);
      const img = document.createElement("img");
      img.src = photo.thumbnail_url;
      img.alt = photo.kind === "after" ? labels.after_photo : labels.report_photo;
      img.width = 160;
      a.append(img);
      figure.append(a, text("figcaption", img.alt));
      return figure;
    });
    if (!figures.length) return [];
    const box = document.createElement("div");
    box.className = "photos";
    box.append(...figures);
    return [box];
  }

  function field(labelText, control, id) {
    const label = text("label", labelText);
    label.htmlFor = control.id = id;
    return [label, control];
  }

  function actions(feature) {
    const p = feature.properties;
    const form = document.createElement("form");
    form.className = "actions stack";
    const message = text("p", "", "error");
    message.setAttribute("role", "alert");
    const note = document.createElement("textarea");
    note.rows = 2;
    const dup = document.createElement("input");
    const after = document.createElement("input");
    after.type = "file";
    after.accept = "image/jpeg,image/png,image/webp";
    const allowed = ACTION_ORDER.filter((to) => p.allowed_transitions.includes(to));
    // Staff notes are private: shown to the citizen only when the officer ticks this.
    const shown = document.createElement("input");
    shown.type = "checkbox";
    shown.id = "note-public-" + feature.id;
    const shownLabel = text("label", " " + labels.note_public, "check");
    shownLabel.htmlFor = shown.id;
    shownLabel.prepend(shown);
    form.append(...field(labels.note, note, "note-" + feature.id), shownLabel);
    if (allowed.includes("duplikat")) form.append(...field(labels.duplicate_of, dup, "dup-" + feature.id));
    if (allowed.includes("selesai")) form.append(...field(labels.after, after, "after-" + feature.id));
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    for (const to of allowed) {
      const button = text("button", labels.actions[to] || to, to === "ditolak" ? "danger" : to === "duplikat" ? "secondary" : "");
      button.type = "button";
      button.dataset.to = to;
      button.addEventListener("click", async () => {
        const body = new FormData();
        body.append("to", to);
        body.append("note", note.value);
        body.append("note_public", shown.checked ? "true" : "false");
        body.append("duplicate_of", dup.value);
        body.append("version", p.version);
        if (to === "selesai" && after.files[0]) body.append("photo", after.files[0]);
        if (hooks.sending) await hooks.sending(to, body, message);
        const answer = await post(root.dataset.complaintsUrl + encodeURIComponent(feature.id) + "/transition/", { method: "POST", body: body });
        if (answer.ok) { render(answer.body); loadList(); } else { message.textContent = errorMessage(answer.body); }
      });
      buttons.append(button);
    }
    form.append(buttons, message);
    return form;
  }

  function reassign(feature) {
    const p = feature.properties;
    const choices = labels.task_forces.filter((t) => t.agency === p.agency && t.code !== p.task_force);
    if (!labels.can_reassign || !choices.length) return [];
    const form = document.createElement("form");
    form.className = "reassign stack";
    const select = document.createElement("select");
    for (const t of choices) select.append(new Option(t.name, t.code));
    const button = text("button", labels.reassign_button, "secondary");
    button.type = "submit";
    const message = text("p", "", "error");
    message.setAttribute("role", "alert");
    form.append(...field(labels.reassign, select, "reassign-" + feature.id), button, message);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const answer = await post(root.dataset.complaintsUrl + encodeURIComponent(feature.id) + "/reassign/", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ task_force: select.value, version: p.version }),
      });
      if (answer.ok) { render(answer.body); loadList(); } else { message.textContent = errorMessage(answer.body); }
    });
    return [form];
  }

  // The asset it was filed on, and the other complaints on that asset: a pole reported again and again.
  function assetHistory(p) {
    const out = [];
    if (p.forwarding) out.push(text("p", labels.forwarded.replace("%(body)s", p.external_body) + " · " + p.forwarding.reference + (p.forwarding.external_ref ? " · " + p.forwarding.external_ref : ""), "forwarded"));
    if (!p.asset) return out;
    out.push(text("h3", labels.asset.replace("%(ref)s", p.asset.ref).replace("%(kind)s", p.asset.kind)));
    if (!(p.asset_history || []).length) return [...out, text("p", labels.asset_none, "note")];
    const others = document.createElement("ol");
    others.className = "asset-history";
    for (const c of p.asset_history || []) others.append(text("li", when(c.created_at) + " · " + c.tracking_code + " · " + c.status + " · " + c.description));
    return [...out, text("h4", labels.asset_history), others];
  }

  function render(feature) {
    const p = feature.properties;
    detail.hidden = false;
    detail.replaceChildren();
    const close = text("button", labels.close, "secondary close");
    close.type = "button";
    close.addEventListener("click", () => { detail.hidden = true; });
    const taskForce = labels.task_forces.find((t) => t.code === p.task_force);
    detail.append(close, text("h2", feature.id, "tracking"), text("p", p.category_name + " · " + p.status_label, "status"),
      ...photos(p), text("p", p.description),
      text("p", p.kecamatan.name + (p.kelurahan ? ", " + p.kelurahan.name : "") + (taskForce ? " · " + taskForce.name : "")),
      navigation(feature),
      text("p", (p.is_overdue ? labels.overdue + " · " : labels.due + " ") + when(p.due_at), p.is_overdue ? "due overdue" : "due"),
      ...reporter(feature));
    if (p.allowed_transitions.length) detail.append(actions(feature));
    detail.append(...reassign(feature));
    if (hooks.detail) detail.append(...hooks.detail(feature));
    detail.append(...assetHistory(p));
    detail.append(text("h3", labels.history));
    const events = document.createElement("ol");
    events.className = "events";
    for (const event of p.events) {
      events.append(text("li", when(event.at) + " · " + (event.actor || "—") + " · " + (event.from_status ? event.from_status + " → " : "") + event.to_status + (event.note ? " · " + event.note : "")));
    }
    detail.append(events);
    root.dispatchEvent(new CustomEvent("peka:detail", { detail: { feature: feature } }));
    detail.focus();
  }

  filters.addEventListener("change", loadList);
  // For the inbox's other scripts (assignment and moderation, live updates, the offline outbox,
  // distances, replies).
  PEKA.inbox = { listUrl: listUrl, showList: showList, refresh: loadList, reload: loadList, render: render, show: show, map: map, post: post };
  loadOutlines();
  loadList();
})();
