"""The weekly digest: each agency's overview as one feed item per week, counts only."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.domain import Agency, Dossier
from respite_core.ids import to_iso
from respite_core.resources import TableName
from respite_core.store.directory import Directory
from respite_core.store.table import Table
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision
from respite_notifications.consumers.digest import send_digests
from respite_notifications.store import FeedStore

MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    yield
    aws_clients.forget_clients()


def put_dossier(dossier: Dossier) -> None:
    Table(TableName.DOSSIERS).put(
        {
            "PK": table_keys.dossier(dossier.dossier_id),
            "SK": table_keys.DOSSIER_META,
            "entity": "dossier",
            "GSI1PK": table_keys.agency(dossier.agency_id),
            "GSI1SK": table_keys.agency_dossier_listing(to_iso(dossier.opened_at), dossier.dossier_id),
        }
        | dossier.model_dump(mode="json", exclude_none=True)
    )


@pytest.mark.usefixtures("wired")
def test_every_agency_gets_one_digest_a_week_with_its_counts() -> None:
    directory = Directory()
    for agency_id, country in (("ocmw-gent", "BE"), ("shv-utrecht", "NL")):
        directory.put_agency(
            Agency.model_validate(
                {
                    "agency_id": agency_id,
                    "name": agency_id,
                    "kind": "ocmw" if country == "BE" else "shv",
                    "country": country,
                    "language": "nl",
                    "contact_email": f"team@{agency_id}.example",
                }
            )
        )
    opened = MONDAY - timedelta(days=30)
    put_dossier(Dossier.model_validate({"dossier_id": "G1", "agency_id": "ocmw-gent", "opened_at": opened}))
    put_dossier(
        Dossier.model_validate(
            {
                "dossier_id": "G2",
                "agency_id": "ocmw-gent",
                "opened_at": opened,
                "state": "notified",
                "standstill_starts_on": "2026-09-01",
                "standstill_ends_on": "2026-11-27",
            }
        )
    )
    Table(TableName.DOSSIERS).put(
        {
            "PK": table_keys.claim_receipts("ocmw-gent"),
            "SK": table_keys.receipt(to_iso(MONDAY - timedelta(days=2)), "intake-1"),
            "count": 14,
        }
    )

    assert send_digests(MONDAY) == 2
    assert send_digests(MONDAY + timedelta(hours=3)) == 0  # the same week: nothing new

    [gent] = [i for i, _ in FeedStore().listing("ocmw-gent", None) if i.kind == "weekly_digest"]
    assert gent.summary == {
        "dossiers_registered": 1,
        "dossiers_notified": 1,
        "claims_received": 14,
        "deadlines_this_week": 1,  # G2's standstill ends on Friday
    }
    [utrecht] = [i for i, _ in FeedStore().listing("shv-utrecht", None) if i.kind == "weekly_digest"]
    assert utrecht.summary == {"claims_received": 0, "deadlines_this_week": 0}
    assert send_digests(MONDAY + timedelta(days=7)) == 2  # next week: a new digest
