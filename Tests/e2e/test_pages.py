"""Every page renders real data, at 390 and 1280 px: screenshots, no horizontal scroll at 390, no serious or
critical axe violation."""
import pytest

from conftest import BASE, USER, ADMIN, log_in, screenshot, serious_violations, no_horizontal_scroll

# (name, path or callable(page) -> path, account, selector proving real data was rendered, minimum count)
PAGES = [
    ("dashboard", "/", USER, "#kpi-week .kpi-value", 1),
    ("opportunities", "/opportunities", USER, "main table tbody tr", 1),
    ("opportunity-detail", None, USER, "main svg.chart path.line", 1),
    ("bets", "/bets", USER, "main table tbody tr", 1),
    ("bankrolls", "/bankrolls", USER, "main table tbody tr", 1),
    ("analytics", "/analytics?range=all", USER, "main svg.chart", 5),
    ("agents", "/agents", USER, "main table tbody tr", 1),
    ("calculators", "/calculators", USER, "#calc-devig", 1),
    ("settings", "/settings", USER, "form.settings input[name='kelly_fraction']", 1),
    ("notifications", "/notifications", USER, "#events li[data-type]", 1),
    ("admin-users", "/admin/users", ADMIN, "main table tbody tr", 2),
    ("admin-audit", "/admin/audit", ADMIN, "main table tbody tr", 1),
    ("admin-jobs", "/admin/jobs", ADMIN, "main table tbody tr", 1),
    ("admin-platform", "/admin/platform", ADMIN, "input[name='odds_api_key']", 1),
    ("admin-agents", "/admin/agents", ADMIN, "main table tbody tr", 1),
    ("admin-import", "/admin/import", ADMIN, "input[type='file']", 1),
    ("admin-settle", "/admin/settle", ADMIN, "#settle-bet-id", 1),
]


def first_opportunity_path(page):
    page.goto(BASE + "/opportunities")
    page.wait_for_selector("main table tbody tr a")
    return page.locator("main table tbody tr a").first.get_attribute("href")


@pytest.mark.parametrize("name,path,account,ready,minimum", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_real_data(new_context, axe, name, path, account, ready, minimum):
    context = new_context(width=1280)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, *account)
    if path is None:
        path = first_opportunity_path(page)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 860})
        page.goto(BASE + path)
        page.wait_for_selector(ready)
        assert page.locator(ready).count() >= minimum, f"{name}: fewer than {minimum} × {ready}"
        assert page.locator("main .error[role='alert']:not(:empty)").count() == 0, page.inner_text("main")
        if name == "dashboard":
            assert any(c in page.inner_text("#kpi-week") for c in "€£$"), "the P&L is a formatted amount"
        page.wait_for_timeout(150)
        screenshot(page, f"{name}-{width}")
        if width == 390:
            assert no_horizontal_scroll(page), f"{name} scrolls horizontally at 390 px"
        violations = serious_violations(axe, page)
        assert not violations, f"{name} at {width}px: {violations}"
    assert not errors, errors


def test_login_page_and_first_load(new_context, axe):
    from conftest import record
    page = new_context(width=390).new_page()
    page.goto(BASE + "/")
    page.wait_for_selector("form.login")
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {dom_content_loaded_ms: Math.round(n.domContentLoadedEventEnd), load_ms: Math.round(n.loadEventEnd),
                transfer_bytes: n.transferSize}; }""")
    ready_ms = page.evaluate("Math.round(performance.now())")
    record("first_load_loopback", {**timing, "login_form_visible_ms": ready_ms})
    screenshot(page, "login-390")
    assert no_horizontal_scroll(page)
    assert not serious_violations(axe, page)
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot(page, "login-1280")
    page.get_by_label("Email").fill(USER[0])
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("form.login .error:not(:empty)")
    assert "Wrong email or password" in page.inner_text("form.login .error")


def test_french_and_odds_format(user_page):
    page = user_page
    page.goto(BASE + "/opportunities")
    page.wait_for_selector("main table tbody tr")
    page.select_option("select[name='lang']", "fr")
    page.wait_for_selector("h1:has-text('Opportunités')")
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.select_option("select[name='odds']", "fractional")
    page.wait_for_selector("h1:has-text('Opportunités')")
    page.wait_for_selector("main table tbody tr")
    odds_cell = page.locator("main table tbody tr").first.locator("td").nth(3).inner_text()
    assert "/" in odds_cell, odds_cell
    page.select_option("select[name='odds']", "decimal")
    page.select_option("select[name='lang']", "en")
    page.wait_for_selector("h1:has-text('Opportunities')")
