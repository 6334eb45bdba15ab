"""Forms of the bettor's pages: edit and cancel a pending bet, deposit and withdraw, a calculator, settings."""
import re
import time

from conftest import BASE


def digits(text):
    return int(re.sub(r"[^\d]", "", text))


def wait_until(predicate, timeout=10.0):
    """Polls from Python: the page's CSP (no 'unsafe-eval') refuses Playwright's string predicates."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def pending_bet(user_api):
    bankroll = next(b for b in user_api.call("GET", "/v1/bankrolls?limit=100")["data"] if not b["archived"])
    for o in user_api.call("GET", "/v1/opportunities?limit=50")["data"]:
        try:
            return user_api.call("POST", "/v1/bets", {"opportunity_id": o["id"], "bankroll_id": bankroll["id"], "odds": o["price"], "stake": 500}), bankroll
        except Exception:
            continue
    raise AssertionError("no opportunity accepted a bet")


def test_edit_and_cancel_a_pending_bet(user_page, user_api):
    bet, bankroll = pending_bet(user_api)
    page = user_page
    page.goto(BASE + "/bets?status=pending")
    row = page.locator("main tbody tr", has_text=bet["id"][:8])
    row.get_by_role("button", name="Edit").click()
    page.fill("dialog input[name='stake']", "7.50")
    page.locator("dialog").get_by_role("button", name="Save").click()
    page.wait_for_selector("dialog", state="detached")
    assert user_api.call("GET", f"/v1/bets/{bet['id']}")["stake"] == 750
    page.wait_for_selector("main tbody tr")
    page.locator("main tbody tr", has_text=bet["id"][:8]).get_by_role("button", name="Cancel").click()
    wait_until(lambda: bet["id"][:8] not in page.inner_text("main"))
    assert user_api.call("GET", f"/v1/bets/{bet['id']}")["status"] == "cancelled"


def test_deposit_and_withdraw(user_page, user_api):
    page = user_page
    bankroll = next(b for b in user_api.call("GET", "/v1/bankrolls?limit=100")["data"] if not b["archived"])
    page.goto(f"{BASE}/bankrolls/{bankroll['id']}")
    page.wait_for_selector("#bankroll-balance")
    before = user_api.call("GET", f"/v1/bankrolls/{bankroll['id']}")["balance"]
    assert digits(page.inner_text("#bankroll-balance")) == before
    page.select_option("main select[name='kind']", "deposit")
    page.fill("#movement-amount", "12.34")
    page.get_by_role("button", name="Save").click()
    wait_until(lambda: digits(page.inner_text("#bankroll-balance")) == before + 1234)
    page.select_option("main select[name='kind']", "withdrawal")
    page.fill("#movement-amount", "2,34")  # a French decimal comma is read too
    page.get_by_role("button", name="Save").click()
    wait_until(lambda: digits(page.inner_text("#bankroll-balance")) == before + 1000)
    assert user_api.call("GET", f"/v1/bankrolls/{bankroll['id']}")["balance"] == before + 1000
    kinds = page.locator("main table tbody tr").all_inner_texts()[:2]
    assert "withdrawal" in kinds[0] and "deposit" in kinds[1], kinds


def test_calculator_and_settings(user_page, user_api):
    page = user_page
    page.goto(BASE + "/calculators")
    page.locator("#calc-devig").get_by_role("button", name="Compute").click()
    page.wait_for_selector("#calc-devig-result dl")
    assert "%" in page.inner_text("#calc-devig-result")
    page.locator("#calc-kelly").get_by_role("button", name="Compute").click()
    page.wait_for_selector("#calc-kelly-result dl")
    page.goto(BASE + "/settings")
    page.fill("input[name='kelly_fraction']", "0.3")
    page.locator("form.settings").get_by_role("button", name="Save").click()
    page.wait_for_selector(".toast:has-text('Saved')")
    assert user_api.call("GET", "/v1/settings")["kelly_fraction"] == 0.3
    user_api.call("PUT", "/v1/settings", {"kelly_fraction": 0.25})
