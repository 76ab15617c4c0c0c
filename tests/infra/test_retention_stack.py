"""The retention service in the synthesised stack: the erasure consumer on the dossier stream (with
the events erasure needs, REMOVE included for TTL deletions), the sweeper's schedule, the offices'
termination queue, the grants erasure needs to delete everywhere (and no more), and the retention
facts the record of processing states (log groups, stream, point-in-time recovery)."""

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from respite_core.resources import BucketName, KeyName, QueueName, SecretName, TableName, physical_name
from respite_infra.catalogue import (
    CATALOGUE,
    ERASE_DOSSIERS,
    LOG_RETENTION_DAYS,
    OFFICE_TERMINATIONS,
    SWEEP_RETENTION,
)
from tests.infra.conftest import Synthesised
from tests.infra.test_stack import (
    STAGE,
    actions_on,
    arn_of,
    expected_locator,
    lambda_function,
    named,
    of_type,
    policy_statements,
)

DAY_S = 86_400


def the_template(dev_stage: Synthesised) -> Template:
    return dev_stage.template


def table_id(template: Template, table: TableName) -> str:
    return named(template, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, table))[0]


def bucket_id(template: Template, bucket: BucketName) -> str:
    name = physical_name(STAGE, bucket)
    (found,) = [
        k
        for k, r in of_type(template, "AWS::S3::Bucket").items()
        if name in json.dumps(r["Properties"]["BucketName"])
    ]
    return found


def statements_of(template: Template, function_name: str) -> list[dict[str, Any]]:
    return policy_statements(template, lambda_function(template, function_name)[1])


def test_the_erasure_consumer_reads_the_dossier_stream_with_updates_and_removes(
    dev_stage: Synthesised,
) -> None:
    template = the_template(dev_stage)
    function_id, props = lambda_function(template, ERASE_DOSSIERS.name)
    assert props["Handler"] == "respite_retention.consumers.dossier_events.handler"
    assert props["Timeout"] == ERASE_DOSSIERS.timeout_s
    (mapping,) = [
        m["Properties"]
        for m in of_type(template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table_id(template, TableName.DOSSIERS), "StreamArn"]}
    (pattern,) = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert set(pattern["eventName"]) == {"MODIFY", "REMOVE"}  # withdrawn / due; TTL deletions
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    failed = named(
        template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, QueueName.DOSSIER_EVENTS_FAILED)
    )
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": arn_of(failed[0])}}


def test_the_sweeper_runs_every_five_minutes(dev_stage: Synthesised) -> None:
    template = the_template(dev_stage)
    function_id, props = lambda_function(template, SWEEP_RETENTION.name)
    assert props["Handler"] == "respite_retention.consumers.sweeper.handler"
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(5 minutes)",
            "State": "ENABLED",
            "Targets": [Match.object_like({"Arn": arn_of(function_id)})],
        },
    )


def test_erasure_may_delete_in_every_table_and_bucket_that_holds_a_dossier(dev_stage: Synthesised) -> None:
    template = the_template(dev_stage)
    statements = statements_of(template, ERASE_DOSSIERS.name)
    for table in (
        TableName.DOSSIERS,
        TableName.KEY_STORE,
        TableName.DELIVERIES,
        TableName.FEED,
        TableName.ACCESS_LOG,
        TableName.IDEMPOTENCY,
    ):
        actions = actions_on(statements, arn_of(table_id(template, table)))
        assert {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query"} <= actions, table
    for bucket in (BucketName.DOCUMENTS, BucketName.INBOUND_MAIL):
        objects = {"Fn::Join": ["", [arn_of(bucket_id(template, bucket)), "/*"]]}
        assert "s3:DeleteObject*" in actions_on(statements, objects), bucket
        assert "s3:List*" in actions_on(statements, arn_of(bucket_id(template, bucket))), bucket
    terminations = named(
        template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, QueueName.OFFICE_TERMINATIONS)
    )[0]
    assert "sqs:SendMessage" in actions_on(statements, arn_of(terminations))
    secret = named(
        template, "AWS::SecretsManager::Secret", "Name", physical_name(STAGE, SecretName.PSEUDONYM_KEY)
    )
    assert actions_on(statements, {"Ref": secret[0]}) >= {"secretsmanager:GetSecretValue"}


def test_erasure_opens_only_the_offices_references_and_the_sweeper_only_marks_dossiers(
    dev_stage: Synthesised,
) -> None:
    template = the_template(dev_stage)
    dossier_data_key = expected_locator(template, KeyName.DOSSIER_DATA)
    # the data key is opened once, just before it is destroyed, to read each office's own references
    # and seal them for that office (its termination webhook hands them back): decrypt and encrypt,
    # nothing that administers or deletes the key
    granted = actions_on(statements_of(template, ERASE_DOSSIERS.name), dossier_data_key)
    assert granted <= {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
    assert {"kms:Decrypt", "kms:Encrypt"} <= granted
    sweeper = statements_of(template, SWEEP_RETENTION.name)
    tables = {k for k in of_type(template, "AWS::DynamoDB::Table")}
    reached = {t for t in tables if actions_on(sweeper, arn_of(t))}
    assert reached == {table_id(template, TableName.DOSSIERS)}


def test_the_offices_terminations_queue_is_encrypted_with_a_dead_letter_queue(dev_stage: Synthesised) -> None:
    template = the_template(dev_stage)
    _, queue = named(
        template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, QueueName.OFFICE_TERMINATIONS)
    )
    _, dlq = named(
        template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, QueueName.OFFICE_TERMINATIONS) + "-dlq"
    )
    assert queue["MessageRetentionPeriod"] == OFFICE_TERMINATIONS.retention_days * DAY_S
    assert dlq["MessageRetentionPeriod"] == OFFICE_TERMINATIONS.dlq_retention_days * DAY_S
    assert "KmsMasterKeyId" in queue
    assert queue["RedrivePolicy"]["maxReceiveCount"] == OFFICE_TERMINATIONS.max_receive_count


def test_what_the_record_of_processing_says_of_residual_copies_is_what_deploys(
    dev_stage: Synthesised,
) -> None:
    template = the_template(dev_stage)
    for group in of_type(template, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["RetentionInDays"] == LOG_RETENTION_DAYS
    for table in CATALOGUE.tables:
        _, props = named(template, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, table.name))
        assert props["PointInTimeRecoverySpecification"]["RecoveryPeriodInDays"] == table.pitr_days
    for queue in CATALOGUE.queues:
        _, dlq = named(template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, queue.name) + "-dlq")
        assert dlq["MessageRetentionPeriod"] == queue.dlq_retention_days * DAY_S
