"""A real SMTP server for the tests (aiosmtpd), saving every message it accepts to a folder.

Started and stopped by deploy/smtp-sink.sh (deploy/test.sh does it); the Swift tests read what arrived.

Two listeners:
  PORT       plain SMTP offering STARTTLS; AUTH PLAIN/LOGIN offered once the connection is encrypted (not required)
  PORT + 1   implicit TLS (smtps), same AUTH rule
Credentials: --user / --password. A wrong password is answered 535.
Recipients at the domain `refused.example` are refused with 550 (for the recipient-refused tests).

For every accepted message, two files named after a fresh id, written whole then renamed (never seen half-written):
  <id>.eml   the message exactly as received (DATA, dot-stuffing undone)
  <id>.json  the envelope: mail_from, rcpt_tos, authenticated login (or null), tls (bool), received_at
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SavingHandler:
    def __init__(self, folder, implicit_tls):
        self.folder = folder
        self.implicit_tls = implicit_tls

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@refused.example"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message_id = "%d-%s" % (time.time_ns(), uuid.uuid4().hex[:12])
        login = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode("utf-8", "replace")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": login,
            "tls": self.implicit_tls or session.ssl is not None,
            "received_at": time.time(),
        }
        self._write(message_id + ".eml", envelope.original_content or envelope.content)
        self._write(message_id + ".json", json.dumps(meta).encode())
        return "250 2.0.0 Message accepted for delivery"

    def _write(self, name, data):
        temporary = os.path.join(self.folder, "." + name + ".tmp")
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, os.path.join(self.folder, name))


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", default="monps")
    parser.add_argument("--password", default="sink-secret")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    common = dict(
        hostname=args.host,
        authenticator=authenticator_for(args.user, args.password),
        auth_required=False,
        server_hostname="monps-smtp-sink",
    )
    # aiosmtpd only knows of STARTTLS: on the implicit-TLS port the transport is encrypted from the first byte.
    starttls = Controller(SavingHandler(args.dir, False), port=args.port, tls_context=context,
                          require_starttls=False, auth_require_tls=True, **common)
    implicit = Controller(SavingHandler(args.dir, True), port=args.port + 1, ssl_context=context,
                          auth_require_tls=False, **common)
    starttls.start()
    implicit.start()
    print("smtp sink listening on %s:%d (STARTTLS) and :%d (TLS), saving to %s"
          % (args.host, args.port, args.port + 1, args.dir), flush=True)

    stop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        stop.add_signal_handler(sig, stop.stop)
    try:
        stop.run_forever()
    finally:
        starttls.stop()
        implicit.stop()


if __name__ == "__main__":
    main()
