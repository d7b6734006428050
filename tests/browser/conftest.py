"""A real Streamlit server on the demo database, and Debian's Chromium driven by Playwright.

The server runs with fresh random keys and four accounts made for the run: a viewer and a
presenter (password only), and an admin and an analyst with an enrolled second factor (their
TOTP secrets are known to the tests). :func:`log_in` goes through the real login form.

The browser is /usr/bin/chromium (Debian's package; never a downloaded browser). Where it is
missing the browser tests are skipped with the reason, except when CII_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    reason = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CII_REQUIRE_BROWSER") == "1":
        return  # the browser fixture fails with the reason
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PASSWORD = "Pierre-Avoi-Verbier-2472"
ACCOUNTS = {
    "viewer": "browser-viewer", "admin": "browser-admin", "analyst": "browser-analyst",
    "presenter": "browser-presenter",
}
TOTP_SECRETS: dict[str, str] = {}  # username → base32 secret, filled by app_url
DATABASE: dict[str, str] = {}  # "url" → the server's database


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free port, on a fresh demo database; stopped after."""
    from dashboard.auth import accounts, totp
    from dashboard.db.engine import ensure_database
    from dashboard.demo import load_demo

    keys = {"CII_COOKIE_KEY": secrets.token_urlsafe(48), "CII_TOTP_KEY": secrets.token_urlsafe(48)}
    saved = {name: os.environ.get(name) for name in keys}
    os.environ.update(keys)  # this process encrypts the TOTP secrets with the server's key
    database = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite3'}"
    DATABASE["url"] = database
    engine = ensure_database(database)
    assert all(outcome.ok for _, outcome in load_demo(engine))
    for role, username in ACCOUNTS.items():
        accounts.create_account(engine, username, role, password=PASSWORD)
        if role in accounts.SECOND_FACTOR_REQUIRED:
            TOTP_SECRETS[username] = totp.new_secret()
            totp.enrol(engine, username, TOTP_SECRETS[username])
    accounts.ensure_first_admin(engine)  # (its password is not used here)
    engine.dispose()
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
         "--browser.gatherUsageStats=false", "--client.showErrorDetails=full"],
        cwd=ROOT, env={**os.environ, **keys, "CII_DATABASE_URL": database}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is required here (CII_REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def anonymous_page(browser):
    """A new browser (no cookie): the login form comes first."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="fr-CH")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def page(app_url, anonymous_page):
    """A browser logged in as the viewer: later visits re-log in by the session cookie."""
    log_in(anonymous_page, app_url, "viewer")
    return anonymous_page


def log_in(page, app_url: str, role: str) -> None:
    """The real login form (and the TOTP code for roles that have one), then wait for a page."""
    import pyotp
    from playwright.sync_api import expect

    username = ACCOUNTS[role]
    page.goto(f"{app_url}/")
    wait_for_app(page)
    page.get_by_label("Nom d'utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if username in TOTP_SECRETS:
        code = page.get_by_label("Code à 6 chiffres")
        expect(code).to_be_visible()
        code.fill(pyotp.TOTP(TOTP_SECRETS[username]).now())
        page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    wait_for_app(page)


def wait_for_app(page) -> None:
    """Until Streamlit has finished running the script (and rendered)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main container, so the viewport grows to it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 12_000)})
    page.wait_for_timeout(500)  # plotly redraws at the new size
    # Elements that came into view render after the resize: wait for their placeholders to go.
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=20_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    return path


def assert_no_exception(page, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()}"
