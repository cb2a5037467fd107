"""Browser tests: Debian's Chromium, headless, driven by Playwright against pytest-django's live server."""

import io
import os

import pytest
from django.conf import settings
from PIL import Image

from geo.settings import tile_origin

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # The machine has no internet: keep Chromium from trying to reach Google's services.
        "args": ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1280, "height": 800}}


# The configured basemap's tiles (OpenStreetMap's by default) are answered by the tests themselves.
TILE_ORIGIN = tile_origin(settings.PEKA_TILE_URL)
TILE_ROUTE = TILE_ORIGIN + "/**"


def tile_png() -> bytes:
    """A 256-px basemap tile: pale sand with a darker border, easy to tell from our own layers."""
    image = Image.new("RGB", (256, 256), (236, 228, 208))
    image.paste((200, 190, 160), (0, 0, 256, 2))
    image.paste((200, 190, 160), (0, 0, 2, 256))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def foreign_requests(page, base_url: str) -> list[str]:
    """The URLs the page asks for from anywhere but our own origin and the basemap's tile origin (filled
    as the page loads)."""
    foreign = []
    ours = (base_url, "data:", TILE_ORIGIN + "/")
    page.on("request", lambda r: None if r.url.startswith(ours) else foreign.append(r.url))
    return foreign


@pytest.fixture
def basemap_tiles(context):
    """Every basemap tile the browser asks for, answered with a small PNG made here: the tests never reach
    the internet. A test routes TILE_ROUTE on its page to answer otherwise (page routes come first)."""
    asked, png = [], tile_png()

    def answer(route):
        asked.append(route.request)
        route.fulfill(status=200, content_type="image/png", body=png)

    context.route(TILE_ROUTE, answer)
    return asked


@pytest.fixture
def page(page, basemap_tiles):
    """Playwright's page, failing the test on any Content-Security-Policy violation (a blocked script
    or tile would break a map silently); basemap tiles come from basemap_tiles."""
    violations = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    assert violations == [], violations


@pytest.fixture
def screenshot(page, output_path, request):
    """Save a screenshot of the page under the test output folder; the paths are listed at the end of the run."""

    def take(name: str) -> str:
        path = os.path.join(output_path, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        request.config.stash.setdefault(SCREENSHOTS, []).append(path)
        return path

    return take


SCREENSHOTS = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    paths = config.stash.get(SCREENSHOTS, [])
    if paths:
        terminalreporter.section("browser screenshots")
        for path in paths:
            terminalreporter.write_line(path)
