"""The local stack's moto answers a Query from its partition alone, with DynamoDB's results.

`moto_main` narrows a key Query to one partition (moto lists the whole table); these tests hold it
to what DynamoDB returns: order, ranges, pages, filters, indexes, and tables with no sort key.
"""

from typing import Any

import boto3
import pytest

from respite_core.resources import TableName, env_var
from respite_infra.catalogue import Catalogue, Index, Table
from respite_infra.local.provision import provision

PARTITIONS = ("DOSSIER#a", "DOSSIER#b", "DOSSIER#c")
SORT_KEYS = ("CLAIM#01", "CLAIM#02", "CLAIM#03", "MESSAGE#01", "META")


@pytest.fixture
def table(aws: boto3.Session, stage: str) -> str:
    declared = Table(
        TableName.DOSSIERS,
        owner="test",
        purpose="test",
        personal_data=False,
        indexes=(Index("GSI1", "GSI1PK", "GSI1SK"),),
    )
    catalogue = Catalogue(tables=(declared,), queues=(), buckets=(), keys=(), secrets=(), apis=())
    name = provision(catalogue, stage, aws)[env_var(TableName.DOSSIERS)]
    dynamodb = aws.client("dynamodb")
    for pk in PARTITIONS:
        for n, sk in enumerate(SORT_KEYS):
            item = {"PK": {"S": pk}, "SK": {"S": sk}, "n": {"N": str(n)}}
            if sk == "META":
                item |= {"GSI1PK": {"S": "AGENCY#1"}, "GSI1SK": {"S": pk}}
            dynamodb.put_item(TableName=name, Item=item)
    return name


def sort_keys(response: dict[str, Any]) -> list[str]:
    return [item["SK"]["S"] for item in response["Items"]]


def query(aws: boto3.Session, table: str, pk: str, **options: Any) -> dict[str, Any]:
    values = {":pk": {"S": pk}} | options.pop("values", {})
    condition = "PK = :pk" + options.pop("and_", "")
    return dict(
        aws.client("dynamodb").query(
            TableName=table, KeyConditionExpression=condition, ExpressionAttributeValues=values, **options
        )
    )


def test_a_query_returns_its_partition_in_sort_key_order(aws: boto3.Session, table: str) -> None:
    assert sort_keys(query(aws, table, "DOSSIER#b")) == list(SORT_KEYS)
    assert sort_keys(query(aws, table, "DOSSIER#b", ScanIndexForward=False)) == list(reversed(SORT_KEYS))


def test_a_query_of_an_absent_partition_is_empty_and_creates_nothing(aws: boto3.Session, table: str) -> None:
    assert query(aws, table, "DOSSIER#none")["Items"] == []
    count = aws.client("dynamodb").scan(TableName=table, Select="COUNT")["Count"]
    assert count == len(PARTITIONS) * len(SORT_KEYS)


def test_sort_key_conditions_hold(aws: boto3.Session, table: str) -> None:
    claims = query(aws, table, "DOSSIER#c", and_=" AND begins_with(SK, :p)", values={":p": {"S": "CLAIM#"}})
    assert sort_keys(claims) == ["CLAIM#01", "CLAIM#02", "CLAIM#03"]
    bounds = {":a": {"S": "CLAIM#02"}, ":b": {"S": "M"}}
    between = query(aws, table, "DOSSIER#c", and_=" AND SK BETWEEN :a AND :b", values=bounds)
    assert sort_keys(between) == ["CLAIM#02", "CLAIM#03"]


def test_pages_follow_one_another_without_gap_or_repeat(aws: boto3.Session, table: str) -> None:
    seen: list[str] = []
    options: dict[str, Any] = {"Limit": 2}
    while True:
        page = query(aws, table, "DOSSIER#a", **options)
        seen += sort_keys(page)
        if "LastEvaluatedKey" not in page:
            break
        assert page["LastEvaluatedKey"]["PK"]["S"] == "DOSSIER#a"
        options["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert seen == list(SORT_KEYS)


def test_filters_and_projections_apply_after_the_key(aws: boto3.Session, table: str) -> None:
    page = query(
        aws,
        table,
        "DOSSIER#a",
        FilterExpression="n >= :two",
        ProjectionExpression="SK",
        values={":two": {"N": "2"}},
    )
    assert page["Items"] == [{"SK": {"S": sk}} for sk in SORT_KEYS[2:]]
    assert page["ScannedCount"] == len(SORT_KEYS)


def test_an_index_query_still_spans_every_partition(aws: boto3.Session, table: str) -> None:
    page = aws.client("dynamodb").query(
        TableName=table,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :agency",
        ExpressionAttributeValues={":agency": {"S": "AGENCY#1"}},
    )
    assert [item["PK"]["S"] for item in page["Items"]] == list(PARTITIONS)


def test_a_table_without_sort_key_answers_one_item(aws: boto3.Session, stage: str) -> None:
    declared = Table(TableName.DIRECTORY, owner="test", purpose="test", personal_data=False, sort_key="")
    catalogue = Catalogue(tables=(declared,), queues=(), buckets=(), keys=(), secrets=(), apis=())
    name = provision(catalogue, stage, aws)[env_var(TableName.DIRECTORY)]
    dynamodb = aws.client("dynamodb")
    for pk in PARTITIONS:
        dynamodb.put_item(TableName=name, Item={"PK": {"S": pk}})

    assert query(aws, name, "DOSSIER#b")["Items"] == [{"PK": {"S": "DOSSIER#b"}}]
