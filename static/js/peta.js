// The citizen's map: open complaints from the server's tiles (counts where they are dense, single
// complaints where not), and the reporting flow: place the pin (tap,
// GPS or a photo's own position), see where it lands, pick a category, support a nearby report
// instead of repeating it, or describe a new one. For a category with assets (street-light poles,
// TPS) the assets near the view show from zoom 16: tapping one files the report against it.
(function () {
  "use strict";
  const root = document.getElementById("peta");
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const $ = (id) => document.getElementById(id);
  const state = { point: null, category: null, key: null, noticed: new Set(), asset: null };

  const map = L.map("map", { maxZoom: 19, zoomSnap: 0.25 }).setView([0.51, 101.45], 12);
  map.getContainer().pekaMap = map;  // for scripts and browser tests that place the pin by coordinates
  let pin = null;

  const api = PEKA.api;

  function messages(body) {
    if (!body) return labels.failed;
    if (body.detail) return body.detail;
    // Field errors, nested for a category's questions: {"answers": {"jumlah": "…"}}.
    const flat = (value) => (typeof value === "string" ? [value] : Object.values(value).flatMap(flat));
    return flat(body).join(" ");
  }

  // Once the pin is placed the categories stay in view (to change one's mind); the later steps take turns.
  // The step that opens is scrolled into view: on a phone it opens below the map, out of sight.
  function show(id) {
    $("step-category").hidden = !state.point || id === "step-done" || id === "none";
    const steps = ["step-nearby", "step-form", "step-done", ...Array.from(document.querySelectorAll(".notice"), (n) => n.id)];
    for (const step of steps) $(step).hidden = step !== id;
    const opened = $(id) || (id === "step-category" ? $("step-category") : null);
    if (opened && !opened.hidden) opened.scrollIntoView({ block: "start", behavior: "instant" });
  }

  function dot(color) {
    return L.divIcon({ className: "dot", html: '<span style="background:' + color + '"></span>', iconSize: [14, 14] });
  }

  async function loadMap() {
    complaintTiles().addTo(map);
    const outlines = await PEKA.basemap(map).catch(() => null);
    if (outlines) map.fitBounds(outlines.getBounds(), { animate: false });
  }

  function clusterIcon(count, color) {
    const size = count < 10 ? 28 : count < 100 ? 34 : count < 1000 ? 40 : 46;
    return L.divIcon({
      className: "cluster",
      html: '<span style="background:' + color + '">' + count + "</span>",
      iconSize: [size, size],
    });
  }

  // A complaint's popup: the tile carries its code and category; the rest comes from the API on opening.
  function complaintMarker(latlng, p) {
    let content = null;  // built on first opening, kept so that popup.update() redraws the same node
    const popup = () => {
      if (!content) {
        content = document.createElement("div");
        content.innerHTML = '<strong></strong><br><span></span><br><a class="popup-code"></a>';
        const link = content.querySelector("a");
        link.textContent = p.tracking_code;
        link.href = labels.track_url.replace("CODE", encodeURIComponent(p.tracking_code));
      }
      return content;
    };
    return L.marker(latlng, { icon: dot(labels.colors[p.category] || "#546e7a"), keyboard: false })
      // The popup keeps clear of the zoom buttons (top left) when the map pans to show it.
      .bindPopup(popup, { autoPanPaddingTopLeft: L.point(64, 110) }).on("popupopen", async (e) => {
        const answer = await api(root.dataset.complaintsUrl + encodeURIComponent(p.tracking_code) + "/");
        if (!answer.ok) {
          content.querySelector("span").textContent = messages(answer.body);
        } else {
          const full = answer.body.properties;
          content.querySelector("strong").textContent = full.category_name;
          content.querySelector("span").textContent = full.status_label + " · " + full.kecamatan.name;
        }
        e.popup.update();  // its size was measured before the text came
      });
  }

  // Open complaints as GeoJSON tiles of the server (/tiles/complaints/z/x/y.geojson). A grid tile of
  // 2048 px is the server's tile three zooms up, so its 64 counting cells are 32 px apart on screen:
  // about the spacing at which count bubbles stop overlapping.
  function complaintTiles() {
    const ZOOM_UP = 3;
    const markers = {};  // grid tile key → the layer group of its markers
    const layer = L.gridLayer({ tileSize: 256 << ZOOM_UP, updateWhenZooming: false });
    layer.createTile = function (coords, done) {
      const tile = document.createElement("div");
      const key = this._tileCoordsToKey(coords);
      const z = coords.z - ZOOM_UP;
      if (z < 0) { setTimeout(() => done(null, tile), 0); return tile; }
      api(root.dataset.tilesUrl.replace("{z}", z).replace("{x}", coords.x).replace("{y}", coords.y) + "?open=true")
        .then((answer) => {
          if (answer.ok && this._tiles[key] && this._tiles[key].el === tile) {
            const group = L.layerGroup(answer.body.features.map((f) => {
              const [lon, lat] = f.geometry.coordinates;
              const p = f.properties;
              if (p.count === undefined) return complaintMarker([lat, lon], p);
              return L.marker([lat, lon], { icon: clusterIcon(p.count, labels.colors[p.category] || "#546e7a"), keyboard: false })
                .on("click", () => map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom())));
            }));
            markers[key] = group.addTo(map);
          }
          done(null, tile);
        });
      return tile;
    };
    layer.on("tileunload", (e) => {
      const key = layer._tileCoordsToKey(e.coords);
      if (markers[key]) { map.removeLayer(markers[key]); delete markers[key]; }
    });
    return layer;
  }

  // Assets of the chosen category inside the view, from the asset zoom; redrawn as the map moves.
  // Above the complaint markers: a reported pole carries its complaint's dot, and must stay tappable.
  map.createPane("assets").style.zIndex = 625;
  const assetLayer = L.layerGroup().addTo(map);
  let assetRequest = 0;
  async function refreshAssets() {
    const hint = $("asset-hint");
    const wanted = state.category && labels.asset_categories.includes(state.category);
    hint.hidden = !wanted || !state.point || Boolean(state.asset);
    if (!wanted || map.getZoom() < labels.asset_min_zoom) {
      assetLayer.clearLayers();
      hint.textContent = labels.asset_zoom_in;
      return;
    }
    hint.textContent = labels.asset_pick;
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
    const request = ++assetRequest;
    const answer = await api(root.dataset.assetsUrl + "?" + new URLSearchParams({ category: state.category, bbox: bbox }));
    if (request !== assetRequest || !answer.ok) return;  // a later view asked meanwhile
    assetLayer.clearLayers();
    for (const f of answer.body.features) {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      const chosen = state.asset && state.asset.id === f.id;
      const label = (p.reported ? labels.asset_reported : labels.asset_label).replace("%(kind)s", p.kind_name).replace("%(ref)s", p.ref);
      L.circleMarker([lat, lon], {
        radius: chosen ? 10 : 7, weight: 2, color: "#1b1b1b", fillOpacity: 0.9,
        fillColor: chosen ? "#0b6e4f" : p.reported ? "#c62828" : labels.colors[state.category] || "#f2b705",
        className: "asset asset-" + f.id, pane: "assets",
      }).bindTooltip(label).on("click", (e) => { L.DomEvent.stopPropagation(e); chooseAsset(f, e.latlng); }).addTo(assetLayer);
    }
  }
  map.on("moveend", refreshAssets);

  // The citizen's own point stays what it was (the pin, or where they tapped); the report is placed
  // at the asset by the server, and the pin is shown there.
  async function chooseAsset(f, latlng) {
    if (!state.point) await place(latlng.lat, latlng.lng);
    if (!state.point) return;
    state.asset = { id: f.id, ref: f.properties.ref, kind: f.properties.kind_name };
    const [lon, lat] = f.geometry.coordinates;
    pin.setLatLng([lat, lon]);
    const chosen = $("asset-chosen");
    chosen.querySelector("span").textContent = labels.asset_chosen.replace("%(kind)s", state.asset.kind).replace("%(ref)s", state.asset.ref);
    chosen.hidden = false;
    refreshAssets();
    checkNearby();
  }

  function clearAsset() {
    if (!state.asset) return;
    state.asset = null;
    $("asset-chosen").hidden = true;
    if (pin && state.point) pin.setLatLng([state.point[1], state.point[0]]);
    refreshAssets();
  }
  $("asset-clear").addEventListener("click", () => { clearAsset(); checkNearby(); });

  async function place(lat, lon) {
    state.point = [lon, lat];
    state.asset = null;
    $("asset-chosen").hidden = true;
    if (!pin) {
      pin = L.marker([lat, lon], { draggable: true, title: labels.pin, alt: labels.pin }).addTo(map);
      pin.on("dragend", () => { const ll = pin.getLatLng(); place(ll.lat, ll.lng); });
    } else {
      pin.setLatLng([lat, lon]);
    }
    const where = $("where");
    where.className = "where";
    where.textContent = labels.checking;
    const answer = await api(root.dataset.locateUrl + "?" + new URLSearchParams({ lat: lat, lon: lon }));
    // Where the pin landed, for the "Ikuti area ini" form (static/js/ikuti.js).
    root.dispatchEvent(new CustomEvent("peka:located", { detail: answer.ok ? { lat: lat, lon: lon, kelurahan: answer.body.kelurahan } : null }));
    if (!answer.ok) {
      where.className = "where error";
      where.textContent = messages(answer.body);
      state.point = null;
      show("none");
      return;
    }
    const b = answer.body;
    where.textContent = labels.located.replace("%(kecamatan)s", b.kecamatan.name).replace("%(kelurahan)s", b.kelurahan ? b.kelurahan.name : "—");
    show(state.category ? "step-form" : "step-category");
    if (state.category) checkNearby();
    refreshAssets();
  }

  map.on("click", (e) => place(e.latlng.lat, e.latlng.lng));

  $("use-gps").addEventListener("click", () => {
    if (!navigator.geolocation) { $("where").textContent = labels.no_gps; return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => { map.setView([pos.coords.latitude, pos.coords.longitude], 17); place(pos.coords.latitude, pos.coords.longitude); },
      () => { $("where").className = "where error"; $("where").textContent = labels.no_gps; },
      { enableHighAccuracy: true, timeout: 15000 });
  });

  $("use-centre").addEventListener("click", () => { const c = map.getCenter(); place(c.lat, c.lng); });

  $("photo-first").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    $("photo").files = transfer.files;  // the same photo goes with the report
    const form = new FormData();
    form.append("photo", file);
    const answer = await api(root.dataset.photoLocationUrl, { method: "POST", body: form });
    const offer = $("photo-offer");
    offer.hidden = !(answer.ok && answer.body.location && !state.point);
    if (!offer.hidden) {
      const [lon, lat] = answer.body.location.coordinates;
      $("use-photo-location").onclick = () => { map.setView([lat, lon], 17); place(lat, lon); offer.hidden = true; };
    } else if (!answer.ok) {
      $("where").className = "where error";
      $("where").textContent = messages(answer.body);
    }
  });

  // A category may first show an emergency notice (help right now), then ask its own questions.
  function chooseCategory(code) {
    state.category = code;
    clearAsset();
    refreshAssets();
    for (const set of document.querySelectorAll("fieldset.questions")) set.hidden = set.dataset.category !== code;
    const notice = $("notice-" + code);
    if (notice && !state.noticed.has(code)) { show(notice.id); notice.focus(); return; }
    checkNearby();
  }
  for (const notice of document.querySelectorAll(".notice")) {
    notice.querySelector(".continue").addEventListener("click", () => { state.noticed.add(notice.dataset.category); checkNearby(); });
  }
  for (const radio of document.querySelectorAll('input[name="category"]')) {
    radio.addEventListener("change", () => chooseCategory(radio.value));
  }

  function answers() {
    const set = document.querySelector('fieldset.questions[data-category="' + state.category + '"]');
    const found = {};
    for (const q of set ? set.querySelectorAll(".question") : []) {
      const inputs = Array.from(q.querySelectorAll("input"));
      const kind = q.dataset.kind;
      let value;
      if (kind === "multiple") value = inputs.filter((i) => i.checked).map((i) => i.value);
      else if (kind === "choice" || kind === "yesno") value = (inputs.find((i) => i.checked) || {}).value;
      else value = inputs[0].value.trim();
      if (kind === "yesno" && value) value = value === "true";
      if (value !== undefined && value !== "" && !(Array.isArray(value) && !value.length)) found[q.dataset.question] = value;
    }
    return found;
  }

  function age(iso) {
    const days = Math.floor((Date.now() - new Date(iso).getTime()) / 86400000);
    return days < 1 ? labels.today : labels.days_ago.replace("%(days)s", days);
  }

  let nearbyRequest = 0;
  async function checkNearby() {
    if (!state.point) return;
    const request = ++nearbyRequest;
    const [lon, lat] = state.point;
    const query = { lat: lat, lon: lon, category: state.category, ...(state.asset ? { asset: state.asset.id } : {}) };
    const answer = await api(root.dataset.nearbyUrl + "?" + new URLSearchParams(query));
    if (request !== nearbyRequest) return;  // the asset or category changed meanwhile
    const list = $("nearby-list");
    list.replaceChildren();
    if (!answer.ok || !answer.body.length) { show("step-form"); return; }
    // "Tiang ini sudah dilaporkan": the tapped asset's own reports come first.
    $("nearby-asset").hidden = !answer.body[0].same_asset;
    $("nearby-asset").textContent = labels.asset_already;
    for (const c of answer.body) {
      const item = document.createElement("li");
      item.className = "nearby-item" + (c.same_asset ? " same-asset" : "");
      if (c.photos.length) {
        const img = document.createElement("img");
        img.src = c.photos[0].thumbnail_url;
        img.alt = labels.photo_of.replace("%(code)s", c.tracking_code);
        img.width = 64; img.height = 64;
        item.append(img);
      }
      const text = document.createElement("div");
      const title = document.createElement("strong");
      title.textContent = c.description;
      const meta = document.createElement("span");
      meta.className = "note";
      meta.textContent = [c.status_label, age(c.created_at), Math.round(c.distance_m) + " m",
        labels.supporters.replace("%(n)s", c.support_count)].join(" · ");
      text.append(title, document.createElement("br"), meta);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = labels.support;
      button.setAttribute("aria-label", labels.support + " " + c.tracking_code);
      button.addEventListener("click", async () => {
        const result = await api(root.dataset.complaintsUrl + encodeURIComponent(c.tracking_code) + "/support/",
          { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(supportContact()) });
        if (result.ok) {
          meta.textContent = labels.supported.replace("%(n)s", result.body.support_count);
          button.disabled = true;
        } else {
          meta.textContent = messages(result.body);
        }
      });
      item.append(text, button);
      list.append(item);
    }
    show("step-nearby");
  }

  // "Kabari saya" with a "Dukung": the contact goes with the support only when it is ticked.
  function supportContact() {
    if (!$("support-notify").checked) return {};
    const contact = {};
    if ($("support-email").value.trim()) contact.email = $("support-email").value.trim();
    if ($("support-phone").value.trim()) contact.phone = $("support-phone").value.trim();
    return contact;
  }
  $("support-notify").addEventListener("change", () => { $("support-contact").hidden = !$("support-notify").checked; });

  $("not-these").addEventListener("click", () => { show("step-form"); $("description").focus(); });

  $("step-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = $("form-error");
    error.textContent = "";
    if (!$("description").value.trim()) { error.textContent = labels.describe; $("description").focus(); return; }
    const form = new FormData();
    form.append("category", state.category);
    form.append("description", $("description").value);
    form.append("location", JSON.stringify({ type: "Point", coordinates: state.point }));
    const reporter = {};
    for (const [field, id] of [["name", "reporter-name"], ["phone", "reporter-phone"], ["email", "reporter-email"]]) {
      if ($(id).value.trim()) reporter[field] = $(id).value.trim();
    }
    if (Object.keys(reporter).length && $("reporter-notify").checked) reporter.notify = true;
    if (Object.keys(reporter).length) form.append("reporter", JSON.stringify(reporter));
    // "Rahasiakan identitas saya": the officers never see the contact; PEKA's messages still use it.
    if ($("reporter-anonymous").checked) form.append("anonymous", "true");
    const given = answers();
    if (Object.keys(given).length) form.append("answers", JSON.stringify(given));
    if ($("photo").files[0]) form.append("photo", $("photo").files[0]);
    if (state.asset) form.append("asset", String(state.asset.id));
    state.key = state.key || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    $("submit").disabled = true;
    const answer = await api(root.dataset.complaintsUrl, { method: "POST", body: form, headers: { "Idempotency-Key": state.key } });
    $("submit").disabled = false;
    if (!answer.ok) { error.textContent = messages(answer.body); return; }
    state.key = null;
    const code = answer.body.id;
    $("done-code").textContent = code;
    $("done-where").textContent = answer.body.properties.kecamatan.name + " · " + answer.body.properties.category_name;
    // The private link carries the reporter key: only with it can the reporter rate, reopen or add.
    $("done-link").href = answer.body.private_url || labels.track_url.replace("CODE", encodeURIComponent(code));
    $("done-private").value = answer.body.private_url || "";
    $("push-device").dataset.pushUrl = root.dataset.complaintsUrl + encodeURIComponent(code) + "/push/";
    $("push-device").dataset.reporterKey = answer.body.reporter_key || "";
    show("step-done");
    $("step-done").focus();
  });

  // Copy the private link: the clipboard where the browser allows it, else the link is selected for
  // the reporter to copy by hand.
  $("copy-private").addEventListener("click", async () => {
    const button = $("copy-private");
    const link = $("done-private");
    try {
      await navigator.clipboard.writeText(link.value);
      $("copy-status").textContent = button.dataset.copied;
    } catch (_refused) {
      link.focus();
      link.select();
      $("copy-status").textContent = button.dataset.copyFailed;
    }
  });

  $("again").addEventListener("click", () => {
    $("copy-status").textContent = "";
    $("step-form").reset();
    for (const radio of document.querySelectorAll('input[name="category"]')) radio.checked = false;
    state.category = null;
    clearAsset();
    refreshAssets();
    show(state.point ? "step-category" : "none");
  });

  // A link from an alert (?lat=…&lon=…) opens the map there.
  const asked = new URLSearchParams(location.search);
  const askedLat = parseFloat(asked.get("lat")), askedLon = parseFloat(asked.get("lon"));
  loadMap().then(() => {
    if (isFinite(askedLat) && isFinite(askedLon)) map.setView([askedLat, askedLon], 17, { animate: false });
  });
})();
