// The inbox's assignment, moderation and on-site check, plugged into satgas.js through PEKA.inboxHooks:
// a supervisor ticks complaints in the list and assigns them to one officer at once, or assigns one from
// its detail; an officer takes one nobody has ("Ambil") or gives theirs back; the responsible agency's
// staff hide words of a description or a photo from the public, with a reason; a move to "Resolve" sends
// the device's one position at that moment (never a track) for the on-site check. The API decides.
(function () {
  "use strict";
  const labels = JSON.parse(document.getElementById("assign-labels").textContent);
  const root = document.getElementById("inbox");
  const bar = document.getElementById("assign-bar");
  const selected = new Map();  // tracking code → the version seen in the list

  function text(tag, content, className) {
    const el = document.createElement(tag);
    el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function button(content, className, onClick) {
    const b = text("button", content, className);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function labelled(labelText, control, id) {
    const label = text("label", labelText);
    label.htmlFor = control.id = id;
    return [label, control];
  }

  // A place for the server's refusal, an error only once it says something.
  function alert() {
    const p = document.createElement("p");
    p.setAttribute("role", "alert");
    return p;
  }

  function say(where, words) {
    where.textContent = words;
    where.className = words ? "error" : "";
  }

  function errorMessage(body) {
    if (!body) return JSON.parse(document.getElementById("labels").textContent).failed;
    if (body.detail) return body.detail;
    return Object.values(body).flat(2).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  }

  // Through the inbox's post (the offline outbox where there is one).
  async function post(url, body) {
    return PEKA.inbox.post(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  function complaintUrl(code, action) {
    return root.dataset.complaintsUrl + encodeURIComponent(code) + "/" + (action ? action + "/" : "");
  }

  function officerSelect(id, taskForce) {
    const select = document.createElement("select");
    select.id = id;
    select.append(new Option(labels.nobody_option, ""));
    for (const o of labels.officers) {
      if (!taskForce || o.task_forces.includes(taskForce)) select.append(new Option(o.name + " (" + o.username + ")", o.username));
    }
    return select;
  }

  // The list: each complaint says who has it; a supervisor ticks them for the bulk bar.
  function item(li, feature) {
    const p = feature.properties;
    const card = li.querySelector(".item");
    if (card) card.append(text("span", p.assigned_to ? labels.assigned_to.replace("%(name)s", p.assigned_to) : labels.nobody, "officer"));
    if (!labels.supervises) return;
    const pick = document.createElement("label");
    pick.className = "pick";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.setAttribute("aria-label", labels.select.replace("%(code)s", feature.id));
    box.checked = selected.has(feature.id);
    box.addEventListener("change", () => {
      if (box.checked) selected.set(feature.id, p.version); else selected.delete(feature.id);
      drawBar();
    });
    pick.append(box);
    li.classList.add("pickable");
    li.prepend(pick);
  }

  function listed(features) {
    const shown = new Set(features.map((f) => f.id));
    for (const code of [...selected.keys()]) if (!shown.has(code)) selected.delete(code);
    drawBar();
  }

  function drawBar() {
    bar.hidden = !labels.supervises || !selected.size;
    if (bar.hidden) return;
    bar.replaceChildren();
    const select = officerSelect("assign-many-officer");
    const message = alert();
    const go = button(labels.assign_selected, "", async () => {
      const complaints = [...selected].map(([code, version]) => ({ code: code, version: version }));
      const answer = await post(root.dataset.complaintsUrl + "assign/", { officer: select.value || null, complaints: complaints });
      if (answer.ok) { selected.clear(); PEKA.inbox.reload(); } else { say(message, errorMessage(answer.body)); }
    });
    bar.append(text("p", labels.selected.replace("%(n)s", selected.size), "count"), ...labelled(labels.assign, select, "assign-many-officer"), go, message);
  }

  // The detail: who has it and what the user may do about it.
  function assignment(feature) {
    const p = feature.properties;
    const box = document.createElement("div");
    box.className = "assignment stack";
    const message = alert();
    box.append(text("p", p.assigned_to ? labels.assigned_to.replace("%(name)s", p.assigned_to) : labels.nobody, "officer"));
    if (!p.allowed_transitions.length) return [box];
    async function give(officer) {
      const answer = await post(complaintUrl(feature.id, "assign"), { officer: officer, version: p.version });
      if (answer.ok) { PEKA.inbox.render(answer.body); PEKA.inbox.reload(); } else { say(message, errorMessage(answer.body)); }
    }
    const row = document.createElement("div");
    row.className = "row";
    if (!p.assigned_to) row.append(button(labels.take, "", () => give(labels.me)));
    if (p.assigned_to === labels.me) row.append(button(labels.give_back, "secondary", () => give(null)));
    if (labels.supervises) {
      const select = officerSelect("assign-" + feature.id, p.task_force);
      select.value = p.assigned_to || "";
      box.append(...labelled(labels.assign, select, "assign-" + feature.id));
      row.append(button(labels.assign_button, "secondary", () => give(select.value || null)));
    }
    box.append(row, message);
    return [box];
  }

  function onSite(feature) {
    const closing = feature.properties.events.filter((e) => e.to_status === "selesai" && e.verified_on_site !== null).pop();
    if (!closing) return [];
    return [closing.verified_on_site
      ? text("p", labels.on_site.replace("%(m)s", Math.round(closing.site_distance_m)), "on-site")
      : text("p", labels.not_on_site, "on-site unverified")];
  }

  function moderation(feature) {
    const p = feature.properties;
    if (labels.moderates !== "*" && labels.moderates !== p.agency) return [];
    const form = document.createElement("form");
    form.className = "moderation stack";
    const message = alert();
    const words = document.createElement("input");
    const reason = document.createElement("input");
    form.append(text("h3", labels.moderation), text("p", labels.public_text + ":"), text("p", p.public_description || "—", "public-text"));
    if (p.held) form.append(text("p", labels.held, "note"));
    form.append(...labelled(labels.redact_text, words, "redact-" + feature.id), ...labelled(labels.reason, reason, "reason-" + feature.id));
    async function done(answer) {
      if (answer.ok) PEKA.inbox.render(answer.body); else say(message, errorMessage(answer.body));
    }
    const redact = text("button", labels.redact_button, "secondary");
    redact.type = "submit";
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      done(await post(complaintUrl(feature.id, "redact"), { text: words.value, reason: reason.value, version: p.version }));
    });
    form.append(redact);
    for (const photo of p.photos) {
      const row = document.createElement("div");
      row.className = "row";
      const thumb = document.createElement("img");
      thumb.src = photo.thumbnail_url;
      thumb.alt = "";
      thumb.width = 64;
      row.append(thumb);
      if (photo.hidden) row.append(text("span", labels.photo_hidden, "note"));
      row.append(button(photo.hidden ? labels.show_photo : labels.hide_photo, photo.hidden ? "secondary" : "danger", async () => {
        done(await post(complaintUrl(feature.id, "hide-photo"), { photo: photo.id, hidden: !photo.hidden, reason: reason.value, version: p.version }));
      }));
      form.append(row);
    }
    form.append(message);
    return [form];
  }

  // "Resolve": the device's one position at this moment, if it gives one within a few seconds.
  function position() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
    });
  }

  async function sending(to, body, message) {
    if (to !== "selesai") return;
    if (message) message.textContent = labels.locating;
    const coords = await position();
    if (message) message.textContent = "";
    if (!coords) return;
    body.append("lat", coords.latitude);
    body.append("lon", coords.longitude);
    body.append("accuracy", Math.round(coords.accuracy || 0));
  }

  window.PEKA = Object.assign(window.PEKA || {}, {
    inboxHooks: {
      item: item,
      listed: listed,
      detail: (feature) => [...onSite(feature), ...assignment(feature), ...moderation(feature)],
      sending: sending,
    },
  });
})();
