"""The shell itself: size budget, headers seen by the browser, dark mode, keyboard use, the installable manifest."""
import gzip
import json
import re
import urllib.request

from conftest import BASE, USER, log_in, record, screenshot, serious_violations, no_horizontal_scroll


def fetch(path):
    with urllib.request.urlopen(BASE + path) as response:
        return response.read(), dict(response.headers)


def test_shell_size_budget():
    worker, _ = fetch("/sw.js")
    urls = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker.decode()).group(1))
    compressed = raw = 0
    for url in [u for u in urls if not u.endswith(".png")] + ["/sw.js", "/manifest.webmanifest"]:
        body, _ = fetch(url)
        raw += len(body)
        compressed += len(gzip.compress(body, 9))
    record("shell_bytes", {"gzip_per_file_sum": compressed, "raw": raw, "files": len(urls) + 1})
    assert compressed <= 150 * 1024, compressed


def test_headers_and_manifest_icons():
    _, headers = fetch("/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    manifest = json.loads(fetch("/manifest.webmanifest")[0])
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        body, icon_headers = fetch(icon["src"])
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
        assert "immutable" in icon_headers["Cache-Control"]


def test_dark_mode(new_context, axe):
    for width in (390, 1280):
        page = new_context(width=width, color_scheme="dark").new_page()
        log_in(page, *USER)
        page.goto(BASE + "/analytics?range=all")
        page.wait_for_selector("main svg.chart")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 22, 19)", background
        screenshot(page, f"analytics-dark-{width}")
        if width == 390:
            assert no_horizontal_scroll(page)
        assert not serious_violations(axe, page)


def test_keyboard_navigation(user_page):
    page = user_page
    page.goto(BASE + "/bets")
    page.wait_for_selector("main table tbody tr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main" or page.evaluate("location.hash") == "#main"
    # Tab order reaches the navigation links and the page's own controls.
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.getAttribute('href') || document.activeElement.name || '')"))
    assert any(s.startswith("SELECT:") or s.startswith("INPUT:") or s.startswith("BUTTON:") for s in seen), seen
    page.goto(BASE + "/")
    page.wait_for_selector("#kpi-week")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # brand, then the first navigation link
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused in ("/", "/opportunities"), focused
