"""The caseworker feed over HTTP: newest first, paged, an unread count that follows marking read."""

from typing import Any
from urllib.parse import quote

import requests

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import Client, new_person, register
from tests.e2e.test_slice import ANNA, PROBLEM, SANNE


def feed(stack: RunningStack, token: str, **params: Any) -> requests.Response:
    return requests.get(
        f"{stack.base_url}/notifications/feed",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def test_the_feed_counts_unread_items_and_marks_them_read(stack: RunningStack) -> None:
    token = stack.sign_in(SANNE)
    mine = [register(Client(stack, SANNE), new_person()) for _ in range(3)]

    def mine_in_feed() -> list[dict[str, Any]]:
        found = [i for i in feed(stack, token, limit=200).json()["items"] if i["dossier_id"] in mine]
        return found if len(found) == 3 else []

    items = wait_for(mine_in_feed)
    assert len(items) == 3
    before = feed(stack, token).json()["unread"]

    first = items[0]["item_id"]
    assert ":" in first  # a time stamp: browsers send it as %3A, API Gateway decodes the parameter
    marked = requests.post(
        f"{stack.base_url}/notifications/feed/{quote(first, safe='~')}/read",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    again = requests.post(
        f"{stack.base_url}/notifications/feed/{first}/read",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )

    assert marked.status_code == 200, marked.text
    assert marked.json()["unread"] == before - 1
    assert again.json()["unread"] == before - 1  # reading twice counts once
    unread = {i["item_id"] for i in feed(stack, token, unread_only="true", limit=200).json()["items"]}
    assert first not in unread
    assert {i["item_id"] for i in items[1:]} <= unread


def test_the_feed_pages_newest_first_and_stays_within_the_agency(stack: RunningStack) -> None:
    token = stack.sign_in(SANNE)
    for _ in range(3):
        register(Client(stack, SANNE), new_person())
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        page = feed(stack, token, limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [i["happened_at"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) >= 3
    other = feed(stack, stack.sign_in(ANNA), cursor=feed(stack, token, limit=1).json()["next_cursor"])
    assert other.status_code == 400  # a cursor of another agency's feed is refused
    assert other.headers["Content-Type"] == PROBLEM
    gone = requests.post(
        f"{stack.base_url}/notifications/feed/nothing-here/read",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert gone.status_code == 404
