"""Browser tests of the H5 storefront: the Python ``playwright`` package drives Debian's
``/usr/bin/chromium`` headless (never a downloaded browser) against pytest-django's live server.

Every page a test opens is watched: a console error, an uncaught script error or a
Content-Security-Policy violation (the ``securitypolicyviolation`` event) fails the test.
Without ``/usr/bin/chromium`` the tests skip, except under CI (``CI`` set), where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 667}
HTMX = Path(__file__).resolve().parents[2] / "src/fenxiao/storefront/static/storefront/vendor/htmx.min.js"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    """One browser per module. Playwright's sync API runs an event loop in the test thread, so
    Django is told the ORM may run there, for as long as the browser lives and no longer: a
    subprocess a later test starts (``check --deploy``) must not inherit the switch."""
    if not CHROMIUM.exists():
        _unavailable("/usr/bin/chromium is missing: apt-get install chromium fonts-noto-cjk")
    if not HTMX.exists():
        pytest.fail("htmx is not installed under storefront/static/storefront/vendor: run `make install`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install -e '.[dev]'")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


# Chromium also logs most violations to the console, but not all (a report-only policy, a blocked
# eval inside a try); the event is the browser's own statement of what the policy refused.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const text = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(text);
  window.__cspViolation(text);
});
"""


class Phone:
    """One shopper's phone: a browser context at 375x667 whose pages record console errors and
    Content-Security-Policy violations (``csp_violations``, also counted as errors)."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = browser.new_context(viewport=PHONE, locale="zh-CN")
        self.context.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.csp_violations: list[str] = []
        self.context.expose_binding("__cspViolation", self._csp_violation)
        self.context.add_init_script(WATCH_CSP)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc}"))

    def _csp_violation(self, source, text: str) -> None:
        self.csp_violations.append(f"{source['frame'].url}: CSP {text}")
        self.errors.append(self.csp_violations[-1])

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{self.page.url}: {message.text}")

    def open(self, path: str):
        self.page.goto(f"{self.base_url}{path}")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def login(self, openid: str, next_path: str = "/") -> None:
        self.open(f"/login/?next={next_path}")
        self.page.click(f"[data-login='{openid}']")
        self.page.wait_for_load_state("networkidle")

    def overflow(self) -> int:
        """How many pixels the page is wider than the phone (0: no horizontal scrolling)."""
        return self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phones(chromium, live_server) -> Iterator:
    """``phones()`` gives a new phone; at the end no phone may have logged a console error."""
    opened: list[Phone] = []

    def new() -> Phone:
        phone = Phone(chromium, live_server.url)
        opened.append(phone)
        return phone

    yield new
    errors = [e for phone in opened for e in phone.errors]
    for phone in opened:
        phone.close()
    assert errors == [], errors


@pytest.fixture
def phone(phones) -> Phone:
    return phones()


@pytest.fixture
def fresh_transfer_gateway(sandbox_dir):
    """Journeys that pay a withdrawal start and end with a new sandbox transfer gateway."""
    from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway

    reset_transfer_gateway()
    yield
    reset_transfer_gateway()


@pytest.fixture
def operator(db):
    """A superuser who signs in to the admin with ``support.admin_login``."""
    from fenxiao.accounts.models import User
    from tests.browser.support import OPERATOR_PASSWORD

    return User.objects.create_superuser(username="ops", password=OPERATOR_PASSWORD, email="ops@example.com")
