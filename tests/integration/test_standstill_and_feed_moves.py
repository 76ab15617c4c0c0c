"""Against moto: the person's standstill in the key store (never shortened, replaced once ended, not a
registration) and a transferred dossier's feed items moving with their unread counts."""

from datetime import UTC, date, datetime

import pytest

from respite_core import table_keys
from respite_core.store.data_keys import DataKeys
from respite_core.store.registrations import Registrations
from respite_core.store.table import TransactionConflict, write_together
from respite_notifications.feed import FeedItem, FeedKind
from respite_notifications.store import FeedStore
from tests.integration.test_store import wired

__all__ = ["wired"]  # the fixture this module uses

PERSON = table_keys.person("pseudonym-of-someone")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.usefixtures("wired")
def test_a_persons_standstill_is_kept_never_shortened_and_is_no_registration() -> None:
    registrations = Registrations()
    write_together([*registrations.register_ops(PERSON, "ocmw-gent", "D1")])
    assert registrations.standstill_ends_on(PERSON) is None

    write_together([registrations.standstill_op(PERSON, date(2099, 3, 1))])
    write_together([registrations.standstill_op(PERSON, date(2099, 3, 1))])  # a chained notice: the same day
    with pytest.raises(TransactionConflict):  # shortened: refused
        write_together([registrations.standstill_op(PERSON, date(2099, 2, 1))])

    assert registrations.standstill_ends_on(PERSON) == date(2099, 3, 1)
    assert [r["dossier_id"] for r in registrations.of_person(PERSON)] == ["D1"]  # the lookup's view


@pytest.mark.usefixtures("wired")
def test_a_standstill_that_has_ended_is_forgotten_and_replaced() -> None:
    registrations = Registrations()
    write_together([registrations.standstill_op(PERSON, date(2001, 3, 1))])

    assert registrations.standstill_ends_on(PERSON) is None  # expired: never served
    write_together([registrations.standstill_op(PERSON, date(2099, 6, 1))])
    assert registrations.standstill_ends_on(PERSON) == date(2099, 6, 1)


def item(n: int, dossier_id: str, agency_id: str = "ocmw-gent") -> FeedItem:
    return FeedItem(
        item_id=f"item-{n}",
        agency_id=agency_id,
        kind=FeedKind.REPLY_RECEIVED,
        dossier_id=dossier_id,
        happened_at=NOW,
    )


@pytest.mark.usefixtures("wired")
def test_a_transferred_dossiers_items_move_with_their_unread_counts() -> None:
    keys, feed = DataKeys(), FeedStore()
    write_together([keys.store_op(keys.generate("D-MOVED")), keys.store_op(keys.generate("D-STAYS"))])
    for n, dossier_id in enumerate(("D-MOVED", "D-MOVED", "D-MOVED", "D-STAYS")):
        assert feed.add(item(n, dossier_id))
    assert feed.add(item(9, "D-OTHER-AGENCY", "shv-utrecht")) is False  # not alive: nothing written
    assert feed.mark_read("ocmw-gent", "item-0")

    assert feed.move_dossier("D-MOVED", "ocmw-gent", "shv-utrecht") == 3
    assert feed.move_dossier("D-MOVED", "ocmw-gent", "shv-utrecht") == 0  # a redelivery moves nothing

    gent = [i for i, _ in feed.listing("ocmw-gent", None)]
    utrecht = [i for i, _ in feed.listing("shv-utrecht", None)]
    assert [i.item_id for i in gent] == ["item-3"]
    assert sorted((i.item_id, i.agency_id, i.read) for i in utrecht) == [
        ("item-0", "shv-utrecht", True),
        ("item-1", "shv-utrecht", False),
        ("item-2", "shv-utrecht", False),
    ]
    assert feed.unread("ocmw-gent") == 1
    assert feed.unread("shv-utrecht") == 2
