"""Concurrent requests on the local stack each run with their own token and body, as in Lambda.

Two agencies' caseworkers and two offices' systems call at once from 6 threads, with different tokens
and bodies, with and without Idempotency-Keys. Every answer is checked to belong to its own request: the
dossier read is the caller's, a presigned upload names the caller's dossier, a 422 names only fields of
the caller's own (deliberately different) invalid body, an office's inbox holds its own messages and no
other office's, the feed only the caller's agency's items.
"""

import threading
import uuid
from collections.abc import Callable
from typing import Any

import requests

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_slice import ANNA, SANNE, be_national_number, registration

ROUNDS = 55  # per thread: 6 x 55 = 330 requests
AGENCIES = {ANNA: "ocmw-gent", SANNE: "shv-utrecht"}
OFFICE_OF = {ANNA: "vanhove", SANNE: "lambert"}  # each agency's dossier has a notice to one office only


def office_token(stack: RunningStack, office_id: str) -> str:
    return stack.office_token(office_id)


def person(serial: int) -> dict[str, Any]:
    born = f"1968-03-{1 + serial % 28:02d}"
    return registration(be_national_number(born, serial), f"Parallel{serial}", born)


def invalid_body(username: str) -> dict[str, Any]:
    """Gent's caseworker sends a bad person, Utrecht's a bad consent: each 422 names only its own."""
    body = person(900)
    if username == ANNA:
        body["person"]["birth_date"] = "not a date"
    else:
        body["consent"]["channel"] = "carrier pigeon"
    return body


def setup_dossier(stack: RunningStack, token: str, serial: int, office_id: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        f"{stack.base_url}/consent/dossiers", json=person(serial), headers=headers, timeout=15
    )
    assert created.status_code == 201, created.text
    dossier_id = str(created.json()["dossier_id"])
    notices = requests.post(
        f"{stack.base_url}/claims/dossiers/{dossier_id}/notices",
        json={"office_ids": [office_id]},
        headers=headers,
        timeout=15,
    )
    assert notices.status_code in (200, 201, 202), notices.text
    return dossier_id


def inbox_dossiers(stack: RunningStack, token: str) -> set[str]:
    response = requests.get(
        f"{stack.base_url}/claims/inbox",
        params={"limit": 100},
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    return {m["dossier_id"] for m in response.json()["messages"]}


def test_concurrent_requests_never_see_each_others_token_or_body(stack: RunningStack) -> None:
    tokens = {ANNA: stack.sign_in(ANNA), SANNE: stack.sign_in(SANNE)}
    offices = {office_id: office_token(stack, office_id) for office_id in OFFICE_OF.values()}
    dossiers = {
        ANNA: setup_dossier(stack, tokens[ANNA], 801, OFFICE_OF[ANNA]),
        SANNE: setup_dossier(stack, tokens[SANNE], 802, OFFICE_OF[SANNE]),
    }
    for who, office_id in OFFICE_OF.items():
        assert wait_for(lambda o=office_id, d=dossiers[who]: d in inbox_dossiers(stack, offices[o]), 30), (
            office_id
        )

    results: list[tuple[str, bool, str]] = []  # (thread, belongs to its request, what)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def record(thread: str, belongs: bool, what: str) -> None:
        with lock:
            results.append((thread, belongs, what))

    def caseworker(username: str) -> Callable[[], None]:
        own, other = dossiers[username], dossiers[SANNE if username == ANNA else ANNA]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[username]}"
        base = f"{stack.base_url}/consent"

        def run() -> None:
            for i in range(ROUNDS):
                match i % 3:
                    case 0:
                        read = session.get(f"{base}/dossiers/{own}", timeout=30)
                        record(
                            username,
                            read.status_code == 200 and read.json()["dossier_id"] == own,
                            f"read {read.status_code}",
                        )
                    case 1:
                        key = {"Idempotency-Key": str(uuid.uuid4())} if i % 2 else {}
                        grant = session.post(
                            f"{base}/dossiers/{own}/consent/form-upload",
                            json={"content_type": "application/pdf"},
                            headers=key,
                            timeout=30,
                        )
                        text = grant.text
                        belongs = grant.status_code == 201 and own in text and other not in text
                        record(username, belongs, f"form-upload {grant.status_code}")
                    case _:
                        key = {"Idempotency-Key": str(uuid.uuid4())} if i % 2 else {}
                        refused = session.post(
                            f"{base}/dossiers", json=invalid_body(username), headers=key, timeout=30
                        )
                        names = [p["name"] for p in refused.json().get("invalid_params", [])]
                        mine = "person." if username == ANNA else "consent."
                        belongs = (
                            refused.status_code == 422
                            and bool(names)
                            and all(n.startswith(mine) for n in names)
                        )
                        record(username, belongs, f"422 {refused.status_code} {names}")

        return run

    def office_system(username: str) -> Callable[[], None]:
        office_id = OFFICE_OF[username]
        own, other = dossiers[username], dossiers[SANNE if username == ANNA else ANNA]

        def run() -> None:
            for _ in range(ROUNDS):
                seen = requests.get(
                    f"{stack.base_url}/claims/inbox",
                    params={"limit": 100},
                    headers={"Authorization": f"Bearer {offices[office_id]}"},
                    timeout=30,
                )
                ids = (
                    {m["dossier_id"] for m in seen.json().get("messages", [])}
                    if seen.status_code == 200
                    else set()
                )
                record(office_id, own in ids and other not in ids, f"inbox {seen.status_code}")

        return run

    def feed(username: str) -> Callable[[], None]:
        agency = AGENCIES[username]

        def run() -> None:
            for _ in range(ROUNDS):
                items = requests.get(
                    f"{stack.base_url}/notifications/feed",
                    headers={"Authorization": f"Bearer {tokens[username]}"},
                    timeout=30,
                )
                body = items.json() if items.status_code == 200 else {}
                agencies = {item["agency_id"] for item in body.get("items", [])}
                record(
                    f"feed:{agency}", items.status_code == 200 and agencies <= {agency}, f"feed {agencies}"
                )

        return run

    def guarded(run: Callable[[], None]) -> Callable[[], None]:
        def target() -> None:
            try:
                run()
            except BaseException as error:
                errors.append(error)

        return target

    work = [
        caseworker(ANNA),
        caseworker(SANNE),
        office_system(ANNA),
        office_system(SANNE),
        feed(ANNA),
        feed(SANNE),
    ]
    threads = [threading.Thread(target=guarded(run)) for run in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not errors, errors
    foreign = [r for r in results if not r[1]]
    print(f"{len(results)} requests, {len(foreign)} answers that do not belong to their request")
    assert len(results) >= 300
    assert foreign == [], foreign[:10]
