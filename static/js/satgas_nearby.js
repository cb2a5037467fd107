// How far each complaint is from the officer, and the list nearest first when asked. The position is
// the browser's own (Geolocation API): it stays on this page, is never sent to PEKA nor stored.
(function () {
  "use strict";
  const root = document.getElementById("inbox");
  const button = document.getElementById("sort-distance");
  const status = document.getElementById("distance-status");
  const words = JSON.parse(document.getElementById("offline-labels").textContent);
  const list = document.getElementById("list");
  let here = null, sorted = false, places = new Map();

  // Great-circle distance in metres (haversine; plenty for a city).
  function metres(a, b) {
    const rad = Math.PI / 180, R = 6371008.8;
    const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * R * Math.asin(Math.sqrt(h));
  }

  function spoken(m) {
    const lang = document.documentElement.lang;
    return m < 1000 ? Math.round(m) + " m" : (m / 1000).toLocaleString(lang, { maximumFractionDigits: 1 }) + " km";
  }

  function apply() {
    const items = [...list.children];
    for (const li of items) {
      const item = li.querySelector(".item");
      const place = item && places.get(item.dataset.code);
      let label = item && item.querySelector(".distance");
      if (!item || !place || !here) { if (label) label.remove(); continue; }
      if (!label) {
        label = document.createElement("span");
        label.className = "distance";
        item.append(label);
      }
      li.dataset.distance = metres(here, place);
      label.textContent = spoken(Number(li.dataset.distance));
    }
    if (sorted && here) {
      items.sort((a, b) => Number(a.dataset.distance || Infinity) - Number(b.dataset.distance || Infinity));
      list.append(...items);
    }
  }

  root.addEventListener("peka:list", (event) => {
    places = new Map(event.detail.features.map((f) => [f.id, { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }]));
    apply();
  });

  button.hidden = !("geolocation" in navigator);
  button.addEventListener("click", () => {
    if (sorted) {  // back to the server's order: overdue first
      sorted = false;
      button.setAttribute("aria-pressed", "false");
      PEKA.inbox.refresh();
      return;
    }
    status.textContent = words.locating;
    navigator.geolocation.getCurrentPosition((position) => {
      here = { lat: position.coords.latitude, lon: position.coords.longitude };
      sorted = true;
      button.setAttribute("aria-pressed", "true");
      status.textContent = words.sorted;
      apply();
    }, () => { status.textContent = words.no_position; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
