"""Fixtures of the end-to-end tests (deploy/e2e-test.sh starts the server and sets the environment).

Headless Debian Chromium through Playwright for Python; axe-core through axe-playwright-python.
"""
import json
import os
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

BASE = os.environ.get("MONPS_E2E_BASE", "http://127.0.0.1:18531")
SHOTS = os.environ.get("MONPS_E2E_SCREENSHOTS", ".var/test/screenshots")
REPORT = os.environ.get("MONPS_E2E_REPORT")
USER = ("demo@monps.local", "MonPS-demo-2026!")
ADMIN = ("admin@monps.local", "MonPS-admin-2026!")
_report = {}


def record(key, value):
    """Figures for the closing summary (first-load time, shell size…), written to MONPS_E2E_REPORT."""
    _report[key] = value
    if REPORT:
        with open(REPORT, "w") as f:
            json.dump(_report, f, indent=2)


class API:
    """Direct JSON calls to the API, for preparing and checking what the browser did."""

    def __init__(self, email, password):
        self.token = self.call("POST", "/v1/auth/login", {"email": email, "password": password}, auth=False)["access_token"]

    def call(self, method, path, body=None, auth=True):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(BASE + path, data=data, method=method)
        if data is not None:
            request.add_header("content-type", "application/json")
        if auth:
            request.add_header("authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return json.loads(text) if text else None


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


def log_in(page, email, password):
    page.goto(BASE + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("#nav a[aria-current='page']", state="attached")  # collapsed behind "Menu" below 1000 px


@pytest.fixture()
def new_context(browser):
    contexts = []

    def make(width=1280, height=900, **kwargs):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB", **kwargs)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture()
def user_page(new_context):
    page = new_context().new_page()
    log_in(page, *USER)
    return page


@pytest.fixture()
def admin_page(new_context):
    page = new_context().new_page()
    log_in(page, *ADMIN)
    return page


@pytest.fixture(scope="session")
def user_api():
    return API(*USER)


@pytest.fixture(scope="session")
def admin_api():
    return API(*ADMIN)


def serious_violations(axe, page):
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
