"""Notifications in the browser: an event arriving live and marked read, a signed webhook set up in the page and
received by a real HTTP server, and the password reset from a mail received by the real SMTP server."""
import email
import glob
import hashlib
import hmac
import json
import os
import re
import threading
import time
import urllib.request
import uuid
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

from conftest import BASE, log_in, screenshot, serious_violations


def wait_until(condition, timeout=20, what="the condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_settlement_arrives_live_and_is_marked_read(new_context, user_api, admin_api, axe):
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, "demo@monps.local", "MonPS-demo-2026!")
    page.goto(BASE + "/notifications")
    page.wait_for_selector("#events")
    unread_before = user_api.call("GET", "/v1/notifications?limit=1")["unread"]
    assert page.inner_text("#unread-count") == str(unread_before)

    # An admin settles one of the bettor's pending bets: bet.settled reaches the open page over the live stream.
    pending = user_api.call("GET", "/v1/bets?status=pending&limit=100")["data"]
    bet = next(b for b in pending if b.get("event_id"))
    admin_api.call("POST", f"/v1/bets/{bet['id']}/settle", {"status": "lost"})
    page.wait_for_selector("#events li[data-type='bet.settled']", timeout=20000)
    first = page.locator("#events li").first
    assert first.get_attribute("data-type") == "bet.settled"
    assert "Bet settled" in first.inner_text()
    assert page.inner_text("#unread-count") == str(unread_before + 1)
    assert page.inner_text("#unread-badge") == str(unread_before + 1)
    assert page.locator(".toast", has_text="Bet settled").count() >= 1
    screenshot(page, "notifications-live-1280")
    assert not serious_violations(axe, page)

    page.click("#mark-read")
    wait_until(lambda: page.inner_text("#unread-count") == "0", what="the unread count to drop to 0")
    assert page.locator("#unread-badge").count() == 0
    assert user_api.call("GET", "/v1/notifications?limit=1")["unread"] == 0
    # A reload shows the same log from the server, read.
    page.reload()
    page.wait_for_selector("#events li[data-type='bet.settled']")
    assert page.locator("#events li.unread").count() == 0
    assert not errors, errors


class Sink(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        Sink.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_signed_webhook_set_up_in_the_page_receives_the_test_event(new_context):
    server = HTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = new_context().new_page()
        log_in(page, "demo@monps.local", "MonPS-demo-2026!")
        page.goto(BASE + "/notifications")
        page.wait_for_selector("#webhook-form")
        name = f"sink-{uuid.uuid4().hex[:6]}"
        page.select_option("#webhook-form select[name='kind']", "generic")
        page.fill("#webhook-form input[name='name']", name)
        page.fill("#webhook-form input[name='url']", f"http://127.0.0.1:{server.server_port}/hook")
        page.click("#webhook-form button[type='submit']")
        page.wait_for_selector(f"main table td:has-text('{name}')")
        secret = re.search(r": (\S+)$", page.inner_text(".secret")).group(1)

        row = page.locator("main tr", has_text=name)
        row.get_by_role("button", name="Send a test").click()
        headers, body = wait_until(lambda: next(iter(Sink.received), None), what="the test webhook")
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers["x-monps-event-id"].startswith("test-")
        mac = hmac.new(secret.encode(), headers["x-monps-timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest("v1=" + mac, headers["x-monps-signature"])
        assert json.loads(body)

        row.get_by_role("button", name="Delete").click()
        wait_until(lambda: name not in page.inner_text("main"), what="the webhook to go")
    finally:
        server.shutdown()


def mails_to(address):
    folder = os.environ["MONPS_TEST_SMTP_DIR"]
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path) as f:
            if address in json.load(f).get("rcpt_tos", []):
                with open(path[:-5] + ".eml", "rb") as raw:
                    found.append(email.message_from_bytes(raw.read(), policy=policy.default))
    return found


def test_password_reset_from_the_mailed_link(new_context):
    address = f"reset-{uuid.uuid4().hex[:8]}@example.com"
    old, new = "Old-passphrase-4821!", "New-passphrase-9375!"
    register = urllib.request.Request(
        BASE + "/v1/auth/register", method="POST", headers={"content-type": "application/json"},
        data=json.dumps({"email": address, "password": old, "display_name": "Reset"}).encode())
    with urllib.request.urlopen(register) as response:
        assert response.status == 201
    page = new_context().new_page()
    page.goto(BASE + "/login")
    page.get_by_label("Email").fill(address)
    page.click("#forgot-password")
    page.wait_for_selector("#forgot-form")
    assert page.input_value("#forgot-form input[name='email']") == address
    page.click("#forgot-form button[type='submit']")
    wait_until(lambda: page.inner_text("#forgot-form"), what="an answer")
    page.wait_for_selector("#reset-requested:not(:empty)", timeout=10000)

    mail = wait_until(lambda: mails_to(address), what="the reset mail")[0]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/#reset\?token=[\w%-]+)", text).group(1)
    page.goto(link)
    page.wait_for_selector("#reset-form")
    page.fill("#reset-form input[name='new_password']", new)
    page.fill("#reset-form input[name='new_password_again']", new)
    page.click("#reset-submit")
    page.wait_for_url(BASE + "/login")

    log_in(page, address, new)
    assert page.locator("#nav a[aria-current='page']").count() == 1
    # The link works once.
    page.goto(BASE + "/login")
    page.goto(link)
    page.wait_for_selector("#reset-form")
    page.fill("#reset-form input[name='new_password']", "Third-passphrase-1234!")
    page.fill("#reset-form input[name='new_password_again']", "Third-passphrase-1234!")
    page.click("#reset-submit")
    page.wait_for_selector("#reset-form .error:not(:empty)")
    assert "expired" in page.inner_text("#reset-form .error")
