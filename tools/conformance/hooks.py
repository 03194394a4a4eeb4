"""Schemathesis hooks of the API conformance run (tools/conformance/run.py).

Signs every generated request in as the role under test: the account's email and password come
from CONFORMANCE_EMAIL / CONFORMANCE_PASSWORD, the API from CONFORMANCE_API. The access token
lives 15 minutes; it is fetched again every 10, so a long run never tests with an expired one.
No CONFORMANCE_EMAIL: the anonymous run, no Authorization header.
"""

import json
import os
import urllib.request

import schemathesis

EMAIL = os.environ.get("CONFORMANCE_EMAIL")

if EMAIL:

    @schemathesis.auth(refresh_interval=600)
    class SignedIn:
        def get(self, case, ctx):
            request = urllib.request.Request(
                os.environ["CONFORMANCE_API"] + "/api/v1/auth/sessions",
                data=json.dumps({"email": EMAIL, "password": os.environ["CONFORMANCE_PASSWORD"]}).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)["accessToken"]

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
