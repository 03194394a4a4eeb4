"""The API conformance run of issue #17: schemathesis against the served /api/v1/openapi.json,
once per role (anonymous, client, support, agent), on a running product (scripts/test-api
starts one on a fresh database with the demo catalog).

    python tools/conformance/run.py --api http://localhost:8080 --maildir DIR --worker BIN/ycyw-worker --out DIR

Makes one account per signed-in role the way the product does (a client registers and verifies
their email through the links mailed to the SMTP sink's Maildir; support and agent are created
with `ycyw-worker create-staff` and set their password through the invitation link), then runs
schemathesis for each role with the checks below. A role's run fails on any 5xx, any status,
content type, header or body the document does not describe. Prints one line per role and a
closing `conformance: N passed, N failed`; the exit status is 0 only when every role passed.
"""

import argparse
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

PASSWORD = "violet-tractor-harbour-42"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
ROLES = ["anonymous", "client", "support", "agent"]


def call(api, method, path, body=None, token=None):
    """One JSON request; answers (status, parsed body or None)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(api + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else None)


def expect(status, wanted, what, body):
    if status != wanted:
        sys.exit(f"conformance: {what} answered {status}, expected {wanted}: {body}")


def mailed_link(maildir, to, path, deadline_s=60):
    """The first `…{path}?token=…` link in a message to `to` in the Maildir, polling."""
    pattern = re.compile(r"https?://[^\s\"'<>]+" + re.escape(path) + r"\?token=[A-Za-z0-9_\-%.~]+")
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for folder in ("new", "cur"):
            for file in sorted((Path(maildir) / folder).glob("*")):
                message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
                if to.lower() not in str(message.get("To", "")).lower():
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        found = pattern.search(part.get_content())
                        if found:
                            return found.group(0)
        time.sleep(0.25)
    sys.exit(f"conformance: no email to {to} with a {path} link within {deadline_s} s")


def token_of(link):
    return urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]


def client_account(api, maildir, address):
    status, body = call(
        api,
        "POST",
        "/api/v1/auth/registrations",
        {
            "email": address,
            "password": PASSWORD,
            "firstName": "Léa",
            "lastName": "Martin",
            "birthDate": "1988-06-15",
            "phone": "+33612345678",
            "address": {"line1": "5 quai de la Fosse", "line2": None, "postalCode": "44000", "city": "Nantes", "countryCode": "FR"},
            "locale": "en",
            "acceptTerms": True,
        },
    )
    expect(status, 201, "registration", body)
    status, body = call(api, "POST", "/api/v1/auth/email-verifications", {"token": token_of(mailed_link(maildir, address, "/verify-email"))})
    expect(status, 204, "email verification", body)


def staff_account(api, maildir, worker, role, address, agency=None):
    command = [worker, "create-staff", "--role", role, "--email", address] + (["--agency", agency] if agency else [])
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    link = mailed_link(maildir, address, "/set-password")
    status, body = call(api, "POST", "/api/v1/auth/password-resets", {"token": token_of(link), "newPassword": PASSWORD})
    expect(status, 204, f"{role} password set", body)


# Agencies of the demo catalog open around the clock: a pickup at 10:00 local is always possible.
ROUND_THE_CLOCK = ["FRA-APT", "LON-LHR", "YYZ-APT", "LAX-APT"]


def sign_in(api, address):
    status, body = call(api, "POST", "/api/v1/auth/sessions", {"email": address, "password": PASSWORD})
    expect(status, 200, f"sign-in of {address}", body)
    return body["accessToken"]


def book(api, token, agency, days_ahead, idempotency_key):
    """A pending_payment reservation at `agency`, `days_ahead` days from now at 10:00 local, 3 days long."""
    import datetime

    day = datetime.date.today() + datetime.timedelta(days=days_ahead)
    pickup, back = f"{day}T10:00", f"{day + datetime.timedelta(days=3)}T10:00"
    query = urllib.parse.urlencode({"pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": pickup, "returnAt": back})
    status, offers = call(api, "GET", f"/api/v1/offers?{query}")
    expect(status, 200, "offer search", offers)
    if not offers["items"]:
        sys.exit(f"conformance: no offer at agency {agency} on {day}")
    body = {"pickupAgencyId": agency, "returnAgencyId": agency, "pickupAt": pickup, "returnAt": back, "category": offers["items"][0]["category"]["code"]}
    request = urllib.request.Request(
        api + "/api/v1/reservations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": idempotency_key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["id"]


def pay(api, token, reservation):
    """Pays a reservation on the Stripe simulator and waits for the webhook-confirmed status."""
    status, session = call(api, "POST", f"/api/v1/reservations/{reservation}/checkout-sessions", token=token)
    expect(status, 201, "checkout session", session)
    url = urllib.parse.urlparse(session["url"])
    paid = urllib.request.Request(f"{url.scheme}://{url.netloc}/_sim/sessions/{url.path.rsplit('/', 1)[-1]}/pay", method="POST")
    urllib.request.urlopen(paid, timeout=30).close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, detail = call(api, "GET", f"/api/v1/reservations/{reservation}", token=token)
        if status == 200 and detail["status"] == "confirmed":
            return
        time.sleep(0.3)
    sys.exit(f"conformance: reservation {reservation} never confirmed after payment")


def resources(api, accounts, agency):
    """Real resources for the path ids, so the generated requests reach real answers (and their
    documented bodies), not only 404s: a paid and a pending reservation of the client at the
    agent's agency, one of its vehicles, a conversation of the client and a contact request."""
    client = sign_in(api, accounts["client"])
    confirmed = book(api, client, agency, 9, f"conformance-{uuid.uuid4()}")
    pay(api, client, confirmed)
    pending = book(api, client, agency, 12, f"conformance-{uuid.uuid4()}")
    status, conversation = call(
        api, "POST", "/api/v1/support/conversations", {"subject": "Child seat", "reservationId": confirmed, "firstMessage": "Can I add a child seat?"}, client
    )
    expect(status, 201, "conversation", conversation)
    status, _ = call(
        api,
        "POST",
        "/api/v1/support/contact-requests",
        {"name": "Léa Martin", "email": accounts["client"], "subject": "Invoice", "message": "Please send me the invoice."},
    )
    expect(status, 202, "contact request", _)
    support = sign_in(api, accounts["support"])
    status, requests = call(api, "GET", "/api/v1/support/contact-requests", token=support)
    expect(status, 200, "contact request list", requests)
    agent = sign_in(api, accounts["agent"])
    status, vehicles = call(api, "GET", f"/api/v1/agencies/{agency}/vehicles", token=agent)
    expect(status, 200, "vehicle list", vehicles)
    return {
        "agencies": [agency],
        "reservations": [confirmed, pending],
        "conversations": [conversation["id"]],
        "contact_requests": [requests["items"][0]["id"]],
        "vehicles": [vehicles["items"][0]["id"]],
    }


def config(ids):
    """schemathesis.toml: each kind of `{id}` drawn from the real ones, most of the time."""
    kinds = {
        "agencies": r"^/api/v1/agencies/",
        "reservations": r"^/api/v1/reservations/",
        "conversations": r"^/api/v1/support/conversations/",
        "contact_requests": r"^/api/v1/support/contact-requests/",
        "vehicles": r"^/api/v1/vehicles/",
    }
    lines = []
    for kind, values in ids.items():
        lines += [f"[dictionaries.{kind}]", "values = [" + ", ".join(json.dumps(v) for v in values) + "]", ""]
    for kind, pattern in kinds.items():
        lines += [
            "[[operations]]",
            f"include-path-regex = {json.dumps(pattern)}",
            f'parameters = {{ "path.id" = {{ dictionary = "{kind}", probability = 0.8 }} }}',
            "",
        ]
    return "\n".join(lines)


def answered(ndjson):
    """How many responses of each status class the run got (from its NDJSON event report)."""
    classes = {}
    with open(ndjson) as events:
        for line in events:
            if '"ScenarioFinished"' not in line:
                continue
            recorder = json.loads(line)["ScenarioFinished"].get("recorder", {})
            for interaction in recorder.get("interactions", {}).values():
                response = interaction.get("response") or {}
                if "status_code" in response:
                    key = f"{response['status_code'] // 100}xx"
                    classes[key] = classes.get(key, 0) + 1
    return ", ".join(f"{key} {count}" for key, count in sorted(classes.items()))


def run_role(role, address, args, out):
    env = dict(os.environ, SCHEMATHESIS_HOOKS=str(Path(__file__).with_name("hooks.py")), CONFORMANCE_API=args.api)
    env.pop("CONFORMANCE_EMAIL", None)
    if address:
        env.update(CONFORMANCE_EMAIL=address, CONFORMANCE_PASSWORD=PASSWORD)
    command = [
        args.schemathesis,
        "--config-file",
        str(out / "schemathesis.toml"),
        "run",
        f"{args.api}/api/v1/openapi.json",
        # The document's paths carry the /api/v1 prefix.
        "--url",
        args.api,
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        # No example database: every run draws from the seed alone, the same on every machine.
        "--generation-database",
        "none",
        # One worker: with two, Hypothesis' shared caches sometimes fail a case that passes alone
        # ("Inconsistent results", schemathesis 4.32).
        "--workers",
        os.environ.get("CONFORMANCE_WORKERS", "1"),
        "--request-timeout",
        "20",
        "--no-color",
        "--warnings",
        "off",
        "--report",
        "junit,ndjson",
        "--report-ndjson-path",
        str(out / f"{role}.ndjson"),
        "--report-junit-path",
        str(out / f"{role}.junit.xml"),
    ]
    started = time.monotonic()
    with open(out / f"{role}.log", "w") as log:
        status = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    return status == 0, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", required=True, help="the product's base URL, e.g. http://localhost:8080")
    parser.add_argument("--maildir", required=True, help="the SMTP sink's Maildir (the worker's mail goes there)")
    parser.add_argument("--worker", required=True, help="the ycyw-worker binary (create-staff)")
    parser.add_argument("--out", required=True, help="where the logs and JUnit reports go")
    parser.add_argument("--schemathesis", default="schemathesis")
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("CONFORMANCE_EXAMPLES", "25")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CONFORMANCE_SEED", "20261202")))
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    run_id = uuid.uuid4().hex[:8]
    accounts = {"anonymous": None}
    status, agencies = call(args.api, "GET", "/api/v1/agencies?limit=100")
    expect(status, 200, "agency list", agencies)
    agency = next((a["id"] for a in agencies["items"] if a["code"] in ROUND_THE_CLOCK), None)
    if agency is None:
        sys.exit(f"conformance: the demo catalog has none of the agencies {ROUND_THE_CLOCK} (ycyw-worker seed-demo)")
    accounts["client"] = f"conformance-client-{run_id}@example.com"
    client_account(args.api, args.maildir, accounts["client"])
    accounts["support"] = f"conformance-support-{run_id}@example.com"
    staff_account(args.api, args.maildir, args.worker, "support", accounts["support"])
    accounts["agent"] = f"conformance-agent-{run_id}@example.com"
    staff_account(args.api, args.maildir, args.worker, "agent", accounts["agent"], agency)

    (out / "schemathesis.toml").write_text(config(resources(args.api, accounts, agency)))

    passed = failed = 0
    for role in args.roles.split(","):
        ok, took = run_role(role, accounts[role], args, out)
        lines = (out / f"{role}.log").read_text().splitlines()
        # "Test cases:" then "  2844 generated, 2844 passed"; the closing "=== … in 26.1s ===".
        cases = next((lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line.strip() == "Test cases:"), "")
        verdict = next((line.strip("= ") for line in reversed(lines) if line.startswith("=")), "")
        ndjson = out / f"{role}.ndjson"
        summary = f"{cases} ({answered(ndjson) if ndjson.exists() else 'no report'}); {verdict}"
        print(f"conformance {role}: {'ok' if ok else 'FAILED'} in {took:.0f} s: {summary} (log: {out / (role + '.log')})")
        if ok:
            passed += 1
        else:
            failed += 1
            print("\n".join(lines[-80:]), file=sys.stderr)
    print(f"conformance: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
