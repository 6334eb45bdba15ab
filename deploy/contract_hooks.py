"""schemathesis hooks of deploy/contract-test.sh.

1. Signs in as the identity under test, and again whenever the server answers 401. Why not a fixed `Authorization`
   header: the run exercises every operation with this identity, `POST /v1/auth/logout-all` included, which revokes
   the identity's access tokens; a fixed token would leave the rest of the run testing nothing but 401s. Without
   MONPS_CONTRACT_EMAIL (the anonymous identity) no sign-in is registered. It signs in from 127.0.0.2: the run
   also tests `POST /v1/auth/login` with made-up credentials from 127.0.0.1, and after 20 failures the server's login
   throttle (rightly) locks that address; the identity's own sign-ins are a different client, as they would be.
2. Sends no made-up `cursor` as valid data. A cursor is an opaque token the server issued (`next_cursor`); no schema
   can describe which strings it issued, so a random string matching the cursor's pattern is a 400, not a valid
   request, and `positive_data_acceptance` cannot apply to it. Real cursors are followed through the document's
   links in the stateful phase, and made-up ones are still sent as invalid data (negative cases), where the 400 is
   checked.
3. Hands the rate limits back to the run's configuration whenever the admin run changes them (`PUT
   /v1/admin/settings` with `rate_limits`, which it is right to test): the run needs its raised limits, or the rest of
   it tests 429s (answered by the rate limiter before authentication, as designed) instead of the operations.
4. Works around a CPython 3.11 bug (`SystemError: AST constructor recursion depth mismatch` from `ast.parse`, fixed in
   later CPython releases) that hypothesis hits when it names a filter lambda for a strategy's repr: the name is
   only cosmetic, so a failed lookup gives a generic one instead of aborting the operation's tests.
"""
import http.client
import json
import os
from urllib.parse import urlsplit

import schemathesis
from hypothesis.internal import lambda_sources

BASE = os.environ.get("MONPS_CONTRACT_BASE", "")
EMAIL = os.environ.get("MONPS_CONTRACT_EMAIL", "")
PASSWORD = os.environ.get("MONPS_CONTRACT_PASSWORD", "")

if EMAIL:

    # An access token lives 15 minutes: refreshed well before, and at once after a 401 (schemathesis' `retry_on`).
    @schemathesis.auth(refresh_interval=300)
    class SignIn:
        def get(self, case, context):
            status, payload = _request("POST", "/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, None)
            if status != 200:
                raise RuntimeError(f"sign-in as {EMAIL} answered {status}: {payload[:300]!r}")
            return json.loads(payload)["access_token"]

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"


def _request(method, path, body, authorization):
    """A request from 127.0.0.2 (see the module's docstring); returns (status, payload)."""
    url = urlsplit(BASE)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30, source_address=("127.0.0.2", 0))
    try:
        headers = {"content-type": "application/json"}
        if authorization:
            headers["authorization"] = authorization
        connection.request(method, path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.method.upper() != "PUT" or case.operation.path != "/v1/admin/settings":
        return
    # Settings that would change the other operations' answers (limits; sign-in refused to unverified accounts)
    # go back to the environment's at once.
    restore = [name for name in ("rate_limits", "email_verification") if isinstance(case.body, dict) and name in case.body]
    if response.status_code == 200 and restore:
        authorization = (case.headers or {}).get("Authorization")
        _request("PUT", "/v1/admin/settings", {"reset": restore}, authorization)


def _without_cursor(query):
    return {name: value for name, value in query.items() if name != "cursor"}


_own_id = None


def _own_user_id():
    """The signed-in identity's own user id (fetched once)."""
    global _own_id
    if _own_id is None and EMAIL:
        status, payload = _request("POST", "/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, None)
        if status == 200:
            token = json.loads(payload)["access_token"]
            status, payload = _request("GET", "/v1/me", None, f"Bearer {token}")
            if status == 200:
                _own_id = json.loads(payload).get("id")
    return _own_id


@schemathesis.hook
def map_case(context, case):
    # The run's own account is out of bounds for the account-changing admin operations: links found on
    # GET /v1/admin/users would otherwise disable or demote the identity under test and lose every later call
    # (an administrator may do that to themselves; the Swift suite tests it). Another id is used instead.
    if (case.operation.path == "/v1/admin/users/{id}" and case.operation.method.upper() in ("PATCH", "DELETE")
            and case.path_parameters and case.path_parameters.get("id") == _own_user_id()):
        case.path_parameters = dict(case.path_parameters, id="00000000-0000-4000-8000-000000000000")
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


_describe_lambda = lambda_sources._lambda_description


def _described_or_generic(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:  # the CPython 3.11 AST bug (see the module's docstring)
        return "lambda: <filter>"


lambda_sources._lambda_description = _described_or_generic
