"""The citizen's home page in a real browser: time until the map is interactive, and bytes transferred.

    .venv/bin/python -m bench.home_page
    BENCH_PAGE_RUNS=15 .venv/bin/python -m bench.home_page

Serves the bench database through a live gunicorn in production mode (bench.server: debug off,
collected and compressed static files) and opens `/` in Chromium (/usr/bin/chromium, launched as the
browser tests launch it), each run in a fresh browser context, so every run is a first visit with an
empty cache. The street basemap is off (PEKA_TILE_URL=none): this machine cannot reach a tile server,
and its tiles are another origin's bytes, not ours; the page draws the city's own outlines instead.

"Interactive" is when the map has drawn its first view with the complaint data on it: the Leaflet
map exists, the network has gone quiet, and at least one complaint element is on the map (a marker
or cluster in the marker pane, a tile in the tile pane, or more vector paths in the overlay pane than
the kecamatan outlines). The time is the moment, after navigation start, of the last element the map
added to its tile, overlay or marker panes; if the page dispatches a `peka:ready` event, its moment
is taken instead. So the figure does not depend on how the page draws complaints (markers, clusters,
tiles). Bytes are the sum of Chromium's encodedDataLength over every finished request (CDP), headers
and compressed bodies as they crossed the wire.

The baseline is "sending every point": the same browser fetches and parses the GeoJSON export of every
open public complaint (hotspots.exports, one streamed response), timed from fetch to JSON.parse.
Targets: interactive <= 2 s, <= 2 MB transferred.
"""

import os
import statistics

from bench.common import progress, report, setup_django
from bench.server import live_server

CHROMIUM = "/usr/bin/chromium"
# As tests/e2e/conftest.py: the machine has no internet, so Chromium must not try to reach Google.
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
TARGET_MS = 2000
TARGET_BYTES = 2 * 1024 * 1024
BASELINE_URL = "/api/v1/hotspots/exports/complaints.geojson?status=open&since=2000-01-01T00:00:00Z"

# Runs before any script of the page: notes when the map last drew into its panes, and a peka:ready event.
WATCH_MAP = """
(() => {
  const marks = { drawn: null, ready: null };
  window.__pekaBench = marks;
  const panes = ".leaflet-tile-pane, .leaflet-overlay-pane, .leaflet-marker-pane";
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1 && (node.matches(panes) || node.closest(panes))) marks.drawn = performance.now();
      }
    }
  }).observe(document, { childList: true, subtree: true });
  const ready = () => { if (marks.ready === null) marks.ready = performance.now(); };
  window.addEventListener("peka:ready", ready);
  document.addEventListener("peka:ready", ready);
})();
"""
# True once the map exists and shows complaint data, whatever way the page draws it.
COMPLAINTS_DRAWN = """
(outlines) => {
  if (window.__pekaBench.ready !== null) return true;
  if (!document.querySelector(".leaflet-container")) return false;
  return document.querySelectorAll(".leaflet-marker-pane > *").length > 0
    || document.querySelectorAll(".leaflet-tile-pane img, .leaflet-tile-pane canvas").length > 0
    || document.querySelectorAll(".leaflet-overlay-pane path").length > outlines;
}
"""
FETCH_AND_PARSE = """
async (url) => {
  const start = performance.now();
  const response = await fetch(url);
  const data = JSON.parse(await response.text());
  return { ms: performance.now() - start, status: response.status, features: data.features.length };
}
"""


def main() -> None:
    setup_django()
    from boundaries.models import Kecamatan
    from complaints.models import Complaint
    from disclosure.public import public_complaints

    runs = int(os.environ.get("BENCH_PAGE_RUNS", "7"))
    baseline_runs = int(os.environ.get("BENCH_BASELINE_RUNS", "3"))
    workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
    threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
    outlines = Kecamatan.objects.count()
    print(
        f"bench database: {Complaint.objects.count():,} complaints, "
        f"{public_complaints().open().count():,} of them open and public",
        flush=True,
    )

    from playwright.sync_api import sync_playwright

    with live_server(
        workers=workers, threads=threads, collect_static=True, env={"PEKA_TILE_URL": "none"}
    ) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            progress(f"home page: 1 warm-up and {runs} runs, each a first visit")
            visit(browser, url, outlines)
            visits = [visit(browser, url, outlines) for _ in range(runs)]
            progress(f"baseline, every open point as GeoJSON: 1 warm-up and {baseline_runs} runs")
            fetch_all(browser, url)
            fetches = [fetch_all(browser, url) for _ in range(baseline_runs)]
        finally:
            browser.close()

    page_time = summary([v["ms"] for v in visits])
    page_bytes = summary([v["bytes"] for v in visits])
    all_time = summary([f["ms"] for f in fetches])
    all_bytes = summary([f["bytes"] for f in fetches])
    report("home page: map interactive (first visit)", page_time, target="<= 2 s", baseline=all_time)
    print(
        f"{'home page: bytes transferred (first visit)':<48} median {page_bytes['median_ms'] / 1e6:9.2f} MB   "
        f"p95 {page_bytes['p95_ms'] / 1e6:9.2f} MB   baseline median {all_bytes['median_ms'] / 1e6:9.2f} MB   "
        f"ratio {all_bytes['median_ms'] / page_bytes['median_ms']:6.1f}x   target <= 2 MB",
        flush=True,
    )
    print(
        f"{'':<48} {visits[0]['requests']} requests a visit; baseline: {fetches[0]['features']:,} open points "
        f"in one GeoJSON answer, fetched and parsed in the same browser",
        flush=True,
    )
    met = page_time["p95_ms"] <= TARGET_MS and page_bytes["p95_ms"] <= TARGET_BYTES
    print(f"home page targets (p95 interactive <= 2 s, <= 2 MB): {'met' if met else 'MISSED'}", flush=True)


def summary(values: list[float]) -> dict:
    """Median and p95 in the shape bench.common.report prints (the keys say ms; bytes use them too)."""
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
        "runs": len(ordered),
    }


def _counting_page(browser):
    """A page in a fresh context (empty cache) and a dict that sums the bytes of its finished requests."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    counter = {"bytes": 0, "requests": 0}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")

    def finished(event):
        counter["bytes"] += event["encodedDataLength"]
        counter["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    return context, page, counter


def visit(browser, url: str, outlines: int) -> dict:
    """Open the home page once; ms until the map was interactive, bytes and requests of the visit."""
    context, page, counter = _counting_page(browser)
    try:
        page.add_init_script(WATCH_MAP)
        response = page.goto(url + "/", wait_until="networkidle", timeout=120_000)
        if response is None or response.status != 200:
            raise RuntimeError(f"the home page answered {response and response.status}")
        page.wait_for_function(COMPLAINTS_DRAWN, arg=outlines, timeout=60_000)
        marks = page.evaluate("window.__pekaBench")
        ms = marks["ready"] if marks["ready"] is not None else marks["drawn"]
        return {"ms": ms, "bytes": counter["bytes"], "requests": counter["requests"]}
    finally:
        context.close()


def fetch_all(browser, url: str) -> dict:
    """Fetch and parse every open public point in the browser, from a page on the same origin."""
    context, page, counter = _counting_page(browser)
    try:
        page.goto(url + "/api/v1/boundaries/kecamatan/")
        page.wait_for_load_state("networkidle")
        counter["bytes"] = 0
        result = page.evaluate(FETCH_AND_PARSE, url + BASELINE_URL)
        if result["status"] != 200:
            raise RuntimeError(f"the GeoJSON export answered {result['status']}")
        page.wait_for_timeout(300)  # the last loadingFinished event may still be on its way
        return {"ms": result["ms"], "bytes": counter["bytes"], "features": result["features"]}
    finally:
        context.close()


if __name__ == "__main__":
    main()
