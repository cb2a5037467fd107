// The report card page: sortable tables and the kecamatan map coloured by the share within the SLA.
(function () {
  "use strict";
  for (const table of document.querySelectorAll("table.sortable")) {
    table.querySelectorAll("thead th").forEach((th, column) => {
      if (!th.dataset.sort) return;
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      const sort = () => {
        const descending = th.getAttribute("aria-sort") !== "descending";
        table.querySelectorAll("thead th").forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        const body = table.tBodies[0];
        const key = (row) => {
          const cell = row.children[column];
          if (th.dataset.sort === "text") return cell.textContent.trim().toLowerCase();
          const value = cell && cell.dataset.value;
          return value === undefined || value === "" ? -Infinity : parseFloat(value);
        };
        const rows = [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (descending ? -1 : 1));
        body.append(...rows);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  const el = document.getElementById("rapor-map");
  const figures = JSON.parse(document.getElementById("kecamatan-figures").textContent);
  const map = L.map(el, { maxZoom: 18, scrollWheelZoom: false, zoomSnap: 0.25 }).setView([0.51, 101.45], 11);
  // A share of a handful of cases says little: below the minimum the kecamatan stays grey.
  const minResolved = Number(el.dataset.minResolved);
  const judged = (f) => { const x = figures[f.id] || {}; return x.within_sla !== null && x.within_sla !== undefined && (x.resolved || 0) >= minResolved; };
  const colour = (share) => share === null || share === undefined ? "#e0e0e0"
    : share >= 0.8 ? "#1a9850" : share >= 0.6 ? "#91cf60" : share >= 0.4 ? "#fee08b" : share >= 0.2 ? "#fc8d59" : "#d73027";
  PEKA.basemap(map, {
    kelurahan: false,
    kecamatan: {
      style: (f) => ({ color: "#333", weight: 1, fillOpacity: 0.6, fillColor: judged(f) ? colour(figures[f.id].within_sla) : "#e0e0e0" }),
      tooltip: (f) => f.properties.name + ": " + (judged(f) ? Math.round(figures[f.id].within_sla * 100) + "%" : el.dataset.tooFew),
    },
  }).then((layer) => map.fitBounds(layer.getBounds())).catch(() => {});
})();
