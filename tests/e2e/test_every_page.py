"""Every page as a person sees it, in Chromium: each screen of SCREENS in Indonesian and English, on a
phone (360×740, touch) and a desktop (1366×900). For each:

* axe-core (from npm, node_modules/axe-core, served to the page from our own origin) finds no serious or
  critical violation, colour contrast included;
* nothing is wider than the window (no sideways scrolling);
* on the phone, every tap target is at least 44×44 px (see TAP_TARGETS for what counts);
* a screenshot is saved under test-results/.

A new page is covered by adding it to SCREENS. The data every screen shows is made once for the module
(WORLD); the tests share the one live server and browser, and each gets a fresh browser context.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import expect

from geo import urls as geo_urls
from tests.e2e.conftest import TILE_ROUTE, tile_png
from tests.servers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
AXE_URL = "/__tests__/axe.min.js"  # answered by the test itself (page.route), so the CSP's 'self' admits it
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = {"id": "id-ID", "en": "en-US"}
MIN_TAP_PX = 44
ARTEFACTS = ROOT / "test-results" / "every-page"  # a screenshot of each case, and the faults found (JSON)
SUKAJADI = (101.44, 0.51)

# What a person taps: buttons, inputs, selects, links styled as buttons, the navigation, the map's own
# controls, a radio or checkbox's label. Exempt: links inside running text (a paragraph, a list item, a
# table cell, a definition, the map's attribution line), which WCAG 2.5.8 exempts as inline targets;
# hidden inputs and visually-hidden ones whose label is the target; map markers (the map itself takes the
# tap that places or moves the pin).
TAP_TARGETS = """(min) => {
  const selector = 'button, input, select, textarea, summary, [role=button], a.button, nav a, .leaflet-control a, label.button, label:has(input[type=radio]), label:has(input[type=checkbox])';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width * r.height < 4 || style.visibility === 'hidden' || !el.checkVisibility()) continue;
    if (el.matches('input[type=hidden], input[type=radio], input[type=checkbox], .leaflet-marker-icon')) continue;
    if (el.closest('label') && el.closest('label').matches(selector) && el.tagName === 'INPUT') continue;
    if (el.matches('a') && !el.matches('a.button, nav a, .leaflet-control-zoom a, .leaflet-control-layers a') && el.closest('p, li, td, dd, .leaflet-control-attribution')) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      small.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' "' + (el.textContent || el.value || el.name || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + '×' + Math.round(r.height));
    }
  }
  return small;
}"""


# Every Leaflet map on the page has drawn its outlines and loaded its tiles (faster than waiting for the
# network to be idle, which costs half a second a page).
MAPS_DRAWN = """() => [...document.querySelectorAll('.leaflet-container')].every((m) =>
  m.querySelector('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas')
  && !m.querySelector('img.leaflet-tile:not(.leaflet-tile-loaded)'))"""


@dataclass
class World:
    """The rows the screens show, made once."""

    complaints: dict = field(default_factory=dict)  # status → tracking code
    objects: dict = field(default_factory=dict)  # admin model → primary key
    users: dict = field(default_factory=dict)  # "satgas", "admin" → user
    url: str = ""  # the live server


@dataclass(frozen=True)
class Screen:
    name: str
    path: Callable[[World], str]
    user: str | None = None  # signed in as ("satgas", "admin")
    act: Callable | None = None  # brings the page into the state to check (page, world)
    status: int = 200


def citizen_at(step: str):
    """The citizen's map at one step of the report flow."""

    def act(page, world):
        page.wait_for_function("() => document.getElementById('map').pekaMap")
        if step == "place":
            return
        page.evaluate(
            "([lat, lon]) => { const m = document.getElementById('map').pekaMap; m.setView([lat, lon], 18, {animate: false});"
            " m.fire('click', {latlng: L.latLng(lat, lon)}); }",
            [SUKAJADI[1], SUKAJADI[0]],
        )
        expect(page.locator("#step-category")).to_be_visible()
        if step == "category":
            return
        if step == "asset":  # a street light: the poles show, and one is tapped
            page.locator('input[name=category][value="lampu-jalan"]').check(force=True)
            # The city's outlines may have fitted the map to the city meanwhile: back to the pin.
            page.evaluate(
                "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 18, {animate: false})",
                [SUKAJADI[1], SUKAJADI[0]],
            )
            page.locator("path.asset").first.click()
            expect(page.locator("#asset-chosen")).to_be_visible()
            return
        page.locator('input[name=category][value="sampah"]').check(force=True)
        expect(page.locator("#step-nearby")).to_be_visible()
        if step == "nearby":
            return
        page.locator("#not-these").click()
        expect(page.locator("#step-form")).to_be_visible()
        if step == "form":
            return
        page.locator("#description").fill("Sampah menumpuk di pinggir jalan.")
        page.locator("#submit").click()
        expect(page.locator("#step-done")).to_be_visible()

    return act


def follow_area(page, world):
    """The citizen map with the pin placed and the "Ikuti area ini" form open."""
    citizen_at("category")(page, world)
    page.locator("#follow-open").click()
    expect(page.locator("#follow-form")).to_be_visible()


def satgas_detail(page, world):
    page.locator("#list .item").first.click()
    expect(page.locator("#detail")).to_be_visible()


def satgas_caller(page, world):
    page.locator("#caller-open").click()
    expect(page.locator("#caller-form")).to_be_visible()


def admin_change(model: str):
    return lambda world: f"/admin/{model}/{world.objects[model]}/change/"


def wait_for_list(page, world):
    expect(page.locator("#count")).not_to_be_empty()


SCREENS = [
    *(Screen(f"citizen-{step}", lambda w: "/", act=citizen_at(step)) for step in
      ("place", "category", "nearby", "form", "asset", "done")),
    *(Screen(f"track-{status}", lambda w, s=status: f"/lacak/{w.complaints[s]}/") for status in
      ("baru", "diverifikasi", "dikerjakan", "selesai", "ditolak", "duplikat", "diteruskan")),
    Screen("satgas-list", lambda w: "/satgas/", user="satgas", act=wait_for_list),
    Screen("satgas-detail", lambda w: "/satgas/", user="satgas", act=lambda p, w: (wait_for_list(p, w), satgas_detail(p, w))),
    Screen("satgas-caller", lambda w: "/satgas/", user="satgas", act=lambda p, w: (wait_for_list(p, w), satgas_caller(p, w))),
    Screen("citizen-follow", lambda w: "/", act=follow_area),
    Screen("ikuti-berhenti", lambda w: f"/ikuti/berhenti/{w.objects['subscription']}/"),
    Screen("ikuti-konfirmasi-invalid", lambda w: "/ikuti/konfirmasi/tidak-berlaku/", status=404),
    Screen("peta-panas", lambda w: "/peta-panas/"),
    Screen("rapor", lambda w: "/rapor/"),
    Screen("masuk", lambda w: "/masuk/"),
    Screen("not-found", lambda w: "/tidak-ada-halaman-ini/", status=404),
    Screen("track-unknown-code", lambda w: "/lacak/PKU-0000-0000/", status=404),
    Screen("server-error", lambda w: "/__tests__/error/", status=500),
    *(Screen(f"admin-{m.split('/')[1]}", admin_change(m), user="admin") for m in
      ("complaints/category", "boundaries/agency", "boundaries/taskforce", "boundaries/jurisdiction",
       "assets/asset", "forwarding/forwarding")),
]


def boom(request):
    raise RuntimeError("a fault, to show the error page")


urlpatterns = []  # this module is also the test URLconf: the site's URLs and one that fails
handler500 = geo_urls.handler500


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The city, complaints in every status, a task-force member and a city admin, committed for the whole
    module (in the test database: django_db_setup first, so that the flush below never reaches another),
    and a live server of the module's own (pytest-django's would flush the database after each
    test, and the world with it)."""
    from django.urls import include, path

    from boundaries.models import Agency, Jurisdiction, TaskForce
    from complaints.models import Category, Complaint, Role, StaffRole, Status
    from complaints.workflow import complaint_transition

    urlpatterns[:] = [path("__tests__/error/", boom), path("", include(settings.ROOT_URLCONF))]
    with django_db_blocker.unblock():
        _in_the_test_database()
    with django_db_blocker.unblock(), override_settings(ROOT_URLCONF=__name__):
        server = LiveServer("localhost:0")
        _load_city()
        from django.contrib.auth.models import User
        from django.contrib.gis.geos import Point
        from django.utils import timezone

        from complaints.bulk import NewComplaint, complaints_load
        from complaints.tracking import new_tracking_code

        sampah = Category.objects.get(code="sampah")
        admin = User.objects.create_user("admin.semua", is_superuser=True, is_staff=True)
        StaffRole.objects.create(user=admin, role=Role.CITY_ADMIN)
        satgas = User.objects.create_user("satgas.semua")
        StaffRole.objects.create(user=satgas, role=Role.SATGAS, agency=Agency.objects.get(code="DLHK")).task_forces.set(
            TaskForce.objects.filter(code="DLHK-TENGAH")
        )
        rows = [
            NewComplaint(new_tracking_code(), sampah, "Sampah menumpuk.", Point(x, y, srid=4326), timezone.now())
            for x, y in [(SUKAJADI[0] + i * 0.0002, SUKAJADI[1]) for i in range(6)] + [(101.4445, 0.4608)] * 3
        ]
        complaints_load(rows)
        complaints = [Complaint.objects.get(tracking_code=row.tracking_code) for row in rows[:6]]
        paths = {
            Status.BARU: [],
            Status.DIVERIFIKASI: [Status.DIVERIFIKASI],
            Status.DIKERJAKAN: [Status.DIVERIFIKASI, Status.DIKERJAKAN],
            Status.SELESAI: [Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI],
            Status.DITOLAK: [Status.DITOLAK],
            Status.DUPLIKAT: [Status.DUPLIKAT],
        }
        world = World()
        for complaint, (status, steps) in zip(complaints, paths.items(), strict=True):
            for to in steps:
                note = "Bukan wewenang kami." if to == Status.DITOLAK else "Ditangani."
                complaint = complaint_transition(
                    complaint=complaint,
                    actor=admin,
                    to_status=to,
                    note=note,
                    duplicate_of=complaints[0].tracking_code if to == Status.DUPLIKAT else "",
                )
            world.complaints[str(status)] = complaint.tracking_code
        # A PLN pole 30 m east of the pin, and a complaint on it: forwarded to PLN at filing.
        from alerts.models import Subscription
        from assets.models import Asset, AssetKind
        from boundaries.models import Kelurahan
        from complaints.intake import complaint_create
        from geo.spatial import offset_point

        pole = Asset.objects.create(
            kind=AssetKind.objects.get(code="lampu-jalan"),
            ref="PJU-001-001",
            owner="PLN",
            location=offset_point(Point(*SUKAJADI, srid=4326), east_m=30),
        )
        forwarded, _created = complaint_create(
            category=Category.objects.get(code="lampu-jalan"),
            description="Lampu di tiang ini mati.",
            location=pole.location,
            asset=pole,
        )
        world.complaints["diteruskan"] = forwarded.tracking_code
        kelurahan = Kelurahan.objects.get(code="14.71.01.1003")
        followed = Subscription.objects.create(
            email="ikut@contoh.id", contact_hash="-", place_kind="kelurahan", place_code=kelurahan.code, area=kelurahan.boundary
        )
        world.objects = {
            "assets/asset": pole.pk,
            "forwarding/forwarding": forwarded.forwarding.pk,
            "subscription": followed.token,
            "complaints/category": sampah.pk,
            "boundaries/agency": Agency.objects.get(code="DLHK").pk,
            "boundaries/taskforce": TaskForce.objects.get(code="DLHK-TENGAH").pk,
            "boundaries/jurisdiction": Jurisdiction.objects.get(code="DLHK-TENGAH").pk,
        }
        world.users = {"satgas": satgas, "admin": admin}
        world.url = server.url
        yield world
        from django.core.management import call_command

        server.stop()
        call_command("flush", "--noinput", verbosity=0)


def _in_the_test_database():
    """pytest-django sets up the test database only when a selected test asks for the database, and
    these tests do not (their world outlives any one test): run on their own, the connection would
    still name the local database, which the flush below would empty. Set up the test database then."""
    from django.db import connection
    from django.test.utils import setup_databases

    if connection.settings_dict["NAME"].startswith("test_"):
        return
    setup_databases(verbosity=0, interactive=False, keepdb=True, aliases={"default"})
    assert connection.settings_dict["NAME"].startswith("test_")


def _load_city():
    """The city alone: whatever an interrupted run left is flushed first."""
    import io

    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    for command in ("load_city", "load_agencies", "load_categories", "load_external_bodies"):
        call_command(command, stdout=io.StringIO())


def session_cookie(user, url: str) -> dict:
    """A signed-in session for ``user``, as a cookie for the browser (no password, no sign-in form)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": url}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
def test_every_page_as_a_person_sees_it(browser, world, django_db_blocker, screen, language, size):
    context = browser.new_context(
        locale=LANGUAGES[language], viewport=SIZES[size], has_touch=size == "phone", is_mobile=size == "phone"
    )
    try:
        context.route(TILE_ROUTE, lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))
        context.route(world.url + AXE_URL, lambda route: route.fulfill(status=200, content_type="text/javascript", body=AXE))
        if screen.user:
            with django_db_blocker.unblock():
                context.add_cookies([session_cookie(world.users[screen.user], world.url)])
        page = context.new_page()
        with django_db_blocker.unblock():
            response = page.goto(world.url + screen.path(world))
            assert response.status == screen.status
            if screen.act:
                screen.act(page, world)
            page.wait_for_function(MAPS_DRAWN)
            assert page.locator("html").get_attribute("lang") == language
            name = f"{screen.name}-{language}-{size}"
            page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)  # makes the folder
            faults = see(page, width=SIZES[size]["width"], phone=size == "phone")
            if faults:
                ARTEFACTS.mkdir(parents=True, exist_ok=True)
                (ARTEFACTS / f"{name}.json").write_text(json.dumps(faults, indent=1, ensure_ascii=False))
        assert faults == {}, f"{name}: " + json.dumps(faults, indent=1, ensure_ascii=False)
    finally:
        context.close()


TILE = tile_png()


def see(page, *, width: int, phone: bool) -> dict:
    """What a person would stumble on: axe's serious and critical findings, text in the colour of its
    background, anything wider than the screen, small targets."""
    faults = {}
    page.add_script_tag(url=AXE_URL)
    # The map's drawn layers (tiles, outlines, their labels) are pictures, not controls: left out, which
    # saves most of axe's time on a map page; the markers, popups and controls are checked.
    result = page.evaluate(
        "() => axe.run({ exclude: [['.leaflet-tile-pane'], ['.leaflet-overlay-pane'], ['.leaflet-tooltip-pane']] },"
        " { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })"
    )
    # axe leaves text of exactly its background's colour "to review" (it may be hidden on purpose);
    # visible text that nobody can read is a fault here.
    invisible = [
        n["target"]
        for v in result["incomplete"]
        if v["id"] == "color-contrast"
        for n in v["nodes"]
        if any(c.get("data", {}).get("messageKey") == "equalRatio" for c in n["any"])
    ]
    if invisible:
        faults["invisible text"] = invisible[:10]
    serious = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:5]],
         "why": v["nodes"][0]["failureSummary"][:300]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    if serious:
        faults["axe"] = serious
    # Against the device's width: a phone browser widens its layout viewport to fit what overflows.
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        faults["overflow"] = [scroll_width, width]
    if phone:
        small = page.evaluate(TAP_TARGETS, MIN_TAP_PX)
        if small:
            faults["small targets"] = small
    return faults
