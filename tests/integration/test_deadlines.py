"""The deadline sweeper marks what is past due once, and the feed consumer — fed by the real stream
pump — tells the agency: a reply overdue, a message not acknowledged, a standstill about to end."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest

from respite_claims.consumers.deadlines import sweep
from respite_claims.exchange import answer
from respite_claims.models import Reply
from respite_claims.store import ChangedMeanwhile, ClaimsStore, DossierDates
from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.access_log import Action, Purpose, office_entry
from respite_core.domain import Dossier, Message, MessageType
from respite_core.resources import TableName, env_var
from respite_core.store.data_keys import DataKeys
from respite_core.store.dossier_items import inbox_item, message_item
from respite_core.store.fence import write_about
from respite_core.store.table import Table, write_together
from respite_infra.catalogue import CATALOGUE, FEED_FROM_DOSSIER_EVENTS
from respite_infra.local.handlers import resolve
from respite_infra.local.provision import provision
from respite_infra.local.pumps import StreamPump
from respite_infra.local.ttl import TtlMarks
from tests.integration.conftest import wait_for

SENT = datetime(2026, 9, 2, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    environment = provision(CATALOGUE, stage, aws)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    yield environment
    aws_clients.forget_clients()


def seed_dossier(dossier_id: str, *, standstill_ends_on: date, reply_due_on: date, ack_due_on: date) -> None:
    """A notified dossier with one notice to Van Hove, as the claims service writes them."""
    dossiers = Table(TableName.DOSSIERS)
    dossier = Dossier(
        dossier_id=dossier_id,
        agency_id="ocmw-gent",
        state="notified",
        opened_at=SENT,
        standstill_starts_on=standstill_ends_on - timedelta(days=91),
        standstill_ends_on=standstill_ends_on,
    )
    warn_on = (standstill_ends_on - timedelta(days=14)).isoformat()
    dossiers.put(
        {
            "PK": table_keys.dossier(dossier_id),
            "SK": table_keys.DOSSIER_META,
            "entity": "dossier",
            "GSI2PK": table_keys.STANDSTILL_DUE,
            "GSI2SK": table_keys.deadline(warn_on, dossier_id, "standstill"),
        }
        | dossier.model_dump(mode="json", exclude_none=True)
    )
    notice = Message(
        message_id=f"{dossier_id}N",
        conversation_id=f"{dossier_id}-vanhove",
        dossier_id=dossier_id,
        sender="ocmw-gent",
        receiver="vanhove",
        type=MessageType.NOTICE,
        created_at=SENT,
        reply_due_on=reply_due_on,
    )
    keys = DataKeys()
    key = keys.generate(dossier_id)
    write_together([keys.store_op(key)])  # the dossier lives: what is said about it passes the fence
    dossiers.put(message_item(notice, key, agency_id="ocmw-gent", office_id="vanhove"))
    dossiers.put(inbox_item(notice, "vanhove", ack_due_on.isoformat()))


def deadline_index(environment: dict[str, str]) -> list[str]:
    items = aws_clients.dynamodb().scan(TableName=environment[env_var(TableName.DOSSIERS)])["Items"]
    return sorted(i["GSI2PK"]["S"] for i in items if "GSI2PK" in i)


@pytest.mark.usefixtures("wired")
def test_what_is_past_due_is_marked_once_and_leaves_the_index(wired: dict[str, str]) -> None:
    seed_dossier(
        "LATE",
        standstill_ends_on=TODAY + timedelta(days=10),
        reply_due_on=TODAY - timedelta(days=1),
        ack_due_on=TODAY - timedelta(days=3),
    )
    seed_dossier(
        "TIMELY", standstill_ends_on=TODAY + timedelta(days=60), reply_due_on=TODAY, ack_due_on=TODAY
    )  # due today: still in time

    first = sweep(TODAY)
    again = sweep(TODAY)

    assert first == {"replies_overdue": 1, "not_acknowledged": 1, "standstills_ending": 1}
    assert again == {"replies_overdue": 0, "not_acknowledged": 0, "standstills_ending": 0}
    dossiers = Table(TableName.DOSSIERS)
    late = dossiers.get(table_keys.dossier("LATE"), table_keys.message("LATEN"))
    assert late is not None
    assert (late["overdue_on"], late["ack_overdue_on"]) == (TODAY.isoformat(), TODAY.isoformat())
    meta = dossiers.get(table_keys.dossier("LATE"), table_keys.DOSSIER_META)
    assert meta is not None
    assert meta["standstill_warned_on"] == TODAY.isoformat()
    # only the timely dossier's deadlines are still waiting in the index
    assert deadline_index(wired) == [table_keys.ACK_DUE, table_keys.REPLY_DUE, table_keys.STANDSTILL_DUE]
    assert sweep(TODAY + timedelta(days=60)) == {
        "replies_overdue": 1,
        "not_acknowledged": 1,
        "standstills_ending": 1,
    }
    assert deadline_index(wired) == []


def test_the_marks_reach_the_agencys_feed_through_the_stream(
    aws: boto3.Session, wired: dict[str, str]
) -> None:
    seed_dossier(
        "FEED",
        standstill_ends_on=TODAY + timedelta(days=7),
        reply_due_on=TODAY - timedelta(days=2),
        ack_due_on=TODAY - timedelta(days=5),
    )
    consumer = next(c for c in CATALOGUE.stream_consumers if c.function == FEED_FROM_DOSSIER_EVENTS)
    pump = StreamPump(
        consumer,
        wired[env_var(TableName.DOSSIERS)],
        resolve(consumer.function.handler),
        aws.client("dynamodbstreams"),
        aws.client("dynamodb"),
        aws.client("sqs"),
        wired[env_var(consumer.on_failure)],
        TtlMarks(),
    )
    sweep(TODAY)

    def feed_kinds() -> list[str]:
        pump.poll_once()
        items = Table(TableName.FEED).query_partition(table_keys.feed("ocmw-gent"))
        kinds = sorted(str(i["kind"]) for i in items if i["dossier_id"] == "FEED")
        return kinds if len(kinds) >= 4 else []

    expected = ["dossier_registered", "not_acknowledged", "reply_overdue", "standstill_ends_soon"]
    assert wait_for(feed_kinds) == expected


def test_a_transferred_dossiers_marks_and_past_items_reach_its_new_agency(
    aws: boto3.Session, wired: dict[str, str]
) -> None:
    seed_dossier(
        "MOVED",
        standstill_ends_on=TODAY + timedelta(days=7),
        reply_due_on=TODAY - timedelta(days=2),
        ack_due_on=TODAY - timedelta(days=5),
    )
    consumer = next(c for c in CATALOGUE.stream_consumers if c.function == FEED_FROM_DOSSIER_EVENTS)
    pump = StreamPump(
        consumer,
        wired[env_var(TableName.DOSSIERS)],
        resolve(consumer.function.handler),
        aws.client("dynamodbstreams"),
        aws.client("dynamodb"),
        aws.client("sqs"),
        wired[env_var(consumer.on_failure)],
        TtlMarks(),
    )

    def kinds_at(agency_id: str, at_least: int) -> list[str]:
        pump.poll_once()
        items = Table(TableName.FEED).query_partition(table_keys.feed(agency_id))
        kinds = sorted(str(i["kind"]) for i in items if i["dossier_id"] == "MOVED")
        return kinds if len(kinds) >= at_least else []

    assert wait_for(lambda: kinds_at("ocmw-gent", 1)) == ["dossier_registered"]
    # an operator moves it (the notice, sent by Gent, still names Gent); then its deadlines pass
    Table(TableName.DOSSIERS).update(
        table_keys.dossier("MOVED"), table_keys.DOSSIER_META, changes={"agency_id": "shv-utrecht"}
    )
    sweep(TODAY)

    expected = [
        "dossier_registered",
        "dossier_transferred",
        "not_acknowledged",
        "reply_overdue",
        "standstill_ends_soon",
    ]
    assert wait_for(lambda: kinds_at("shv-utrecht", 5)) == expected
    assert kinds_at("ocmw-gent", 1) == []


def answer_by_api(dossier_id: str, at: datetime) -> None:
    """Van Hove answers the notice as the claims API stores it, without calling `/acknowledgement`."""
    store = ClaimsStore()
    record = store.dossier(dossier_id)
    assert record is not None
    notice = record.message(f"{dossier_id}N")
    assert notice is not None
    reply = answer(
        notice, Reply(type=MessageType.NOTICE_ACK), record.dossier, "vanhove", at, f"{dossier_id}R"
    )
    log = office_entry(
        "vanhove", "client-vh", dossier_id, Action.ANSWERED_BY_OFFICE, Purpose.CREDITOR_EXCHANGE, at=at
    )
    store.reply(record, notice, reply, [], dates=DossierDates(None, None), now=at, log=log)


def test_an_answered_message_was_received_and_is_never_reported_unacknowledged(
    wired: dict[str, str],
) -> None:
    seed_dossier(
        "ANSWERED",
        standstill_ends_on=TODAY + timedelta(days=60),
        reply_due_on=TODAY + timedelta(days=5),
        ack_due_on=TODAY - timedelta(days=1),
    )
    answered_at = SENT + timedelta(days=2)

    answer_by_api("ANSWERED", answered_at)
    marked = sweep(TODAY)

    assert marked["not_acknowledged"] == 0
    notice = Table(TableName.DOSSIERS).get(table_keys.dossier("ANSWERED"), table_keys.message("ANSWEREDN"))
    assert notice is not None
    assert "ack_overdue_on" not in notice
    # the answer acknowledged it: the agency sees when, and it left the office's inbox
    assert notice["acknowledged_at"] == notice["fetched_at"] == notice["answered_at"]
    assert list(ClaimsStore().inbox("vanhove", None)) == []


def test_a_message_answered_by_mail_or_stamped_answered_is_not_reported_unacknowledged(
    wired: dict[str, str],
) -> None:
    for dossier_id in ("BYMAIL", "STAMPED"):
        seed_dossier(
            dossier_id,
            standstill_ends_on=TODAY + timedelta(days=60),
            reply_due_on=TODAY + timedelta(days=5),
            ack_due_on=TODAY - timedelta(days=1),
        )
    dossiers = Table(TableName.DOSSIERS)
    write_about(
        "BYMAIL",
        [
            dossiers.put_op(
                {
                    "PK": table_keys.dossier("BYMAIL"),
                    "SK": "MAIL#ses-1",
                    "entity": "mail",
                    "dossier_id": "BYMAIL",
                    "in_reply_to": "BYMAILN",
                    "office_id": "vanhove",
                    "agency_id": "ocmw-gent",
                    "received_at": "2026-09-03T08:00:00.000000Z",
                }
            )
        ],
    )
    # answered while the sweep was under way: its pointer was still in the index
    dossiers.update(
        table_keys.dossier("STAMPED"),
        table_keys.message("STAMPEDN"),
        changes={"answered_at": "2026-09-03T08:00:00.000000Z"},
    )

    assert sweep(TODAY)["not_acknowledged"] == 0
    for dossier_id in ("BYMAIL", "STAMPED"):
        notice = dossiers.get(table_keys.dossier(dossier_id), table_keys.message(f"{dossier_id}N"))
        assert notice is not None
        assert "ack_overdue_on" not in notice
    assert table_keys.ACK_DUE not in deadline_index(wired)


def test_acknowledging_an_answered_message_after_its_answer_changes_nothing(wired: dict[str, str]) -> None:
    seed_dossier(
        "LATEACK",
        standstill_ends_on=TODAY + timedelta(days=60),
        reply_due_on=TODAY + timedelta(days=5),
        ack_due_on=TODAY + timedelta(days=1),
    )
    answer_by_api("LATEACK", SENT + timedelta(days=1))
    record = ClaimsStore().dossier("LATEACK")
    assert record is not None
    notice = record.message("LATEACKN")
    assert notice is not None

    assert notice.acknowledged_at == notice.answered_at == SENT + timedelta(days=1)
    with pytest.raises(ChangedMeanwhile):  # the pointer left the inbox with the answer
        ClaimsStore().acknowledge("vanhove", notice, SENT + timedelta(days=3))
