"""The liveness fence against moto's DynamoDB: a write about a dossier commits only while its data key
exists, and a conflict of the caller's own operations is reported at the caller's own index."""

import boto3
import pytest

from respite_core import table_keys
from respite_core.resources import TableName, env_var
from respite_core.store.fence import DataKeyDestroyed, write_about
from respite_core.store.table import Table, TransactionConflict
from respite_infra.catalogue import Catalogue
from respite_infra.catalogue import Table as TableSpec
from respite_infra.local.provision import provision

CATALOGUE = Catalogue(
    tables=(
        TableSpec(TableName.DOSSIERS, owner="test", purpose="test", personal_data=True),
        TableSpec(TableName.KEY_STORE, owner="test", purpose="test", personal_data=False),
    ),
    queues=(),
    buckets=(),
    keys=(),
    secrets=(),
    apis=(),
)


@pytest.fixture
def tables(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Table, Table]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    assert env_var(TableName.KEY_STORE)
    return Table(TableName.DOSSIERS), Table(TableName.KEY_STORE)


def key_of(keys: Table, dossier_id: str) -> None:
    pk = table_keys.data_key(dossier_id)
    keys.put({"PK": pk, "SK": pk, "wrapped": b"k"})


def test_a_write_about_a_living_dossier_commits(tables: tuple[Table, Table]) -> None:
    dossiers, keys = tables
    key_of(keys, "D1")
    write_about("D1", [dossiers.put_op({"PK": "DOSSIER#D1", "SK": "NOTE#1"})])
    assert dossiers.get("DOSSIER#D1", "NOTE#1") is not None


def test_once_the_key_is_destroyed_nothing_about_the_dossier_is_written(tables: tuple[Table, Table]) -> None:
    dossiers, keys = tables
    key_of(keys, "D2")
    keys.delete(table_keys.data_key("D2"), table_keys.data_key("D2"))
    with pytest.raises(DataKeyDestroyed):
        write_about("D2", [dossiers.put_op({"PK": "DOSSIER#D2", "SK": "NOTE#1"})])
    assert dossiers.query_partition("DOSSIER#D2") == []


def test_a_dossier_that_never_had_a_key_is_not_written_either(tables: tuple[Table, Table]) -> None:
    dossiers, _ = tables
    with pytest.raises(DataKeyDestroyed):
        write_about("D3", [dossiers.put_op({"PK": "DOSSIER#D3", "SK": "NOTE#1"})])


def test_a_conflict_of_the_callers_operations_keeps_their_indices(tables: tuple[Table, Table]) -> None:
    dossiers, keys = tables
    key_of(keys, "D4")
    dossiers.put({"PK": "DOSSIER#D4", "SK": "TAKEN"})
    with pytest.raises(TransactionConflict) as conflict:
        write_about(
            "D4",
            [
                dossiers.put_op({"PK": "DOSSIER#D4", "SK": "FREE"}),
                dossiers.put_op({"PK": "DOSSIER#D4", "SK": "TAKEN"}, unless_exists=True),
            ],
        )
    assert conflict.value.reasons == ["None", "ConditionalCheckFailed"]
    assert dossiers.get("DOSSIER#D4", "FREE") is None
