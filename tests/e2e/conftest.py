"""Browser tests: Debian's Chromium, headless, driven by Playwright against pytest-django's live server."""

import os

import pytest

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


@pytest.fixture
def page(page):
    """Playwright's page, failing the test on any Content-Security-Policy violation (a blocked script
    or tile would break a map silently)."""
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
