"""schemathesis hooks of deploy/contract-test.sh.

1. Signs in as the identity under test, and again whenever the server answers 401. Why not a fixed `Authorization`
   header: the run exercises every operation with this identity, `POST /v1/auth/logout-all` included, which revokes
   the identity's access tokens; a fixed token would leave the rest of the run testing nothing but 401s. Without
   MONPS_CONTRACT_EMAIL (the anonymous identity) no sign-in is registered.
2. Sends no made-up `cursor` as valid data. A cursor is an opaque token the server issued (`next_cursor`); no schema
   can describe which strings it issued, so a random string matching the cursor's pattern is a 400, not a valid
   request, and `positive_data_acceptance` cannot apply to it. Real cursors are followed through the document's
   links in the stateful phase, and made-up ones are still sent as invalid data (negative cases), where the 400 is
   checked.
"""
import os

import requests
import schemathesis

BASE = os.environ.get("MONPS_CONTRACT_BASE", "")
EMAIL = os.environ.get("MONPS_CONTRACT_EMAIL", "")
PASSWORD = os.environ.get("MONPS_CONTRACT_PASSWORD", "")

if EMAIL:

    # An access token lives 15 minutes: refreshed well before, and at once after a 401 (schemathesis' `retry_on`).
    @schemathesis.auth(refresh_interval=300)
    class SignIn:
        def get(self, case, context):
            response = requests.post(
                f"{BASE}/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=30
            )
            response.raise_for_status()
            return response.json()["access_token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


def _without_cursor(query):
    return {name: value for name, value in query.items() if name != "cursor"}


@schemathesis.hook
def map_case(context, case):
    # The coverage phase: a positive case with an invented cursor (see the module's docstring) loses it.
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and case.query and "cursor" in case.query:
        case.query = _without_cursor(case.query)
    return case


@schemathesis.hook
def map_query(context, query):
    # The fuzzing phase: positive queries arrive as plain dicts (negative ones wrapped with their mutation, and
    # left alone); a cursor given by a link is not generated, so it is never in what this sees.
    if isinstance(query, dict) and "cursor" in query:
        return _without_cursor(query)
    return query
