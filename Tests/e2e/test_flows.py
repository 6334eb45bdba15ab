"""The bettor's and the admin's flows, sessions, logout, offline start."""
import re
from decimal import Decimal

from conftest import BASE, USER, API, log_in, screenshot, serious_violations, no_horizontal_scroll


def test_place_bet_with_suggested_stake_then_admin_settles(new_context, user_api, admin_api):
    page = new_context().new_page()
    log_in(page, *USER)
    opportunities = user_api.call("GET", "/v1/opportunities?sort=score&limit=20")["data"]
    assert opportunities, "the demo seed has opportunities"
    bankroll = next(b for b in user_api.call("GET", "/v1/bankrolls?limit=100")["data"] if not b["archived"])
    before = user_api.call("GET", "/v1/bets/summary")
    placed = None
    for opportunity in opportunities:
        with page.expect_response(lambda r: r.url.endswith("/v1/bets/stake-suggestion")) as answer:
            page.goto(f"{BASE}/opportunities/{opportunity['id']}")
        suggestion = answer.value.json()
        if answer.value.ok and suggestion["stake"] > 0 and suggestion["bankroll_id"] == bankroll["id"]:
            placed = (opportunity, suggestion)
            break
    assert placed, "no opportunity got a positive stake suggestion"
    opportunity, suggestion = placed
    page.wait_for_selector("#slip-suggestion:has-text('Suggested stake')")
    digits = 2
    # Decimal, not float: float("2.32") * 100 is 231.99999999999997.
    assert Decimal(page.input_value("#slip-stake")).scaleb(digits) == suggestion["stake"], "the slip holds the suggested stake"
    assert "Suggested stake" in page.inner_text("#slip-suggestion")
    page.click("#place-bet")
    page.wait_for_url(BASE + "/bets")
    page.wait_for_selector("main table tbody tr")
    bets = user_api.call("GET", "/v1/bets?status=pending&limit=100")["data"]
    bet = next(b for b in bets if b.get("opportunity_id") == opportunity["id"])
    assert bet["stake"] == suggestion["stake"]
    assert bet["bankroll_id"] == bankroll["id"]
    assert bet["id"][:8] in page.inner_text("main table")
    balance_before = user_api.call("GET", f"/v1/bankrolls/{bankroll['id']}")["balance"]

    # An admin settles it as won from the admin pages.
    admin = new_context().new_page()
    log_in(admin, "admin@monps.local", "MonPS-admin-2026!")
    admin.goto(BASE + "/admin/settle")
    admin.fill("#settle-bet-id", bet["id"])
    admin.select_option("main select[name='status']", "won")
    admin.click("#settle-submit")
    admin.wait_for_selector("#settle-result dl")
    screenshot(admin, "admin-settled-1280")
    settled = user_api.call("GET", f"/v1/bets/{bet['id']}")
    assert settled["status"] == "won"
    payout = int(bet["stake"] * Decimal(str(bet["odds"])))  # rounded down to the minor unit, exactly
    assert settled["profit"] == payout - bet["stake"]

    # The bettor's P&L and bankroll moved by exactly that.
    after = user_api.call("GET", "/v1/bets/summary")
    assert after["profit"] == before["profit"] + settled["profit"]
    balance_after = user_api.call("GET", f"/v1/bankrolls/{bankroll['id']}")["balance"]
    assert balance_after == balance_before + payout
    page.goto(f"{BASE}/bankrolls/{bankroll['id']}")
    page.wait_for_selector("#bankroll-balance")
    shown = re.sub(r"[^\d]", "", page.inner_text("#bankroll-balance"))
    assert int(shown) == balance_after, (shown, balance_after)
    page.goto(BASE + "/bets")
    page.wait_for_selector("#bets-profit")
    shown_profit = int(re.sub(r"[^\d]", "", page.inner_text("#bets-profit")))
    assert shown_profit == abs(after["profit"])


def test_shared_link_opens_logged_out(new_context, user_api, axe):
    opportunity = user_api.call("GET", "/v1/opportunities?limit=1")["data"][0]
    share = user_api.call("POST", f"/v1/opportunities/{opportunity['id']}/shares", {"public": True})
    for width in (390, 1280):
        context = new_context(width=width)  # no cookie, no session
        page = context.new_page()
        page.goto(f"{BASE}/s/{share['token']}")
        page.wait_for_selector("#shared-edge")
        assert opportunity["home"] in page.inner_text("main")
        assert page.locator("#nav a").count() == 0, "no app navigation for an anonymous reader"
        screenshot(page, f"shared-{width}")
        if width == 390:
            assert no_horizontal_scroll(page)
        assert not serious_violations(axe, page)


def test_reload_keeps_the_session_and_the_cookie_is_httponly(user_page):
    page = user_page
    page.goto(BASE + "/bets")
    page.wait_for_selector("main table tbody tr")
    page.reload()
    page.wait_for_selector("main table tbody tr")
    assert page.locator("#logout").is_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["monps_refresh"]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/v1/auth"
    assert page.evaluate("document.cookie") == "", "no script can read the refresh token"
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "eyJ" not in stored and "refresh" not in stored, "nothing sensitive in localStorage"


def test_logout_clears_everything(user_page):
    page = user_page
    page.goto(BASE + "/")
    page.wait_for_selector("#kpi-week")
    page.evaluate("navigator.serviceWorker.ready")
    page.click("#logout")
    page.wait_for_selector("form.login")
    assert "monps_refresh" not in {c["name"] for c in page.context.cookies()}
    assert page.evaluate("caches.keys().then(k => k.length)") == 0
    kept = page.evaluate("""() => new Promise((resolve) => { const r = indexedDB.open('monps-data', 1);
        r.onupgradeneeded = () => { r.result.createObjectStore('responses'); r.result.createObjectStore('meta'); };
        r.onsuccess = () => { const t = r.result.transaction(['responses', 'meta']);
          const a = t.objectStore('responses').count(); const b = t.objectStore('meta').count();
          t.oncomplete = () => resolve(a.result + b.result); }; })""")
    assert kept == 0
    page.reload()
    page.wait_for_selector("form.login")
    page.goto(BASE + "/bets")
    page.wait_for_selector("form.login")


def test_offline_reload_shows_the_shell_and_stale_data(user_page):
    page = user_page
    page.goto(BASE + "/")
    page.wait_for_selector("#kpi-week")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which has the shell
    page.wait_for_selector("#kpi-week")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    week = page.inner_text("#kpi-week")
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector("header .brand")
        page.wait_for_selector("#stale:not([hidden])")
        assert "Offline" in page.inner_text("#stale")
        page.wait_for_selector("#kpi-week")
        assert page.inner_text("#kpi-week") == week, "the last data, marked stale"
        screenshot(page, "offline-390" if page.viewport_size["width"] == 390 else "offline-1280")
    finally:
        page.context.set_offline(False)


def test_api_tokens_secret_shown_once(user_page):
    page = user_page
    page.goto(BASE + "/settings")
    page.wait_for_selector("form.tokens")
    page.fill("form.tokens input[name='name']", "e2e token")
    page.locator("form.tokens").get_by_role("button", name="Create").click()
    page.wait_for_selector("#token-secret")
    secret = page.inner_text("#token-secret")
    assert len(secret) > 20
    page.reload()
    page.wait_for_selector("form.tokens")
    assert secret not in page.content(), "the secret is never shown again"
    assert "e2e token" in page.inner_text("main")
