"""The office terminations' consumer in the synthesised stack: it consumes the office-terminations
queue with partial batch failures, may read the directory, write its records and queue webhooks,
sends through the configuration set like the outbox, and can open no dossier."""

from respite_core.resources import KeyName, QueueName, TableName, physical_name
from respite_infra.catalogue import TELL_OFFICES_OF_ERASURE
from tests.infra.conftest import Synthesised
from tests.infra.test_retention_stack import statements_of, table_id
from tests.infra.test_stack import (
    STAGE,
    actions_on,
    arn_of,
    expected_locator,
    lambda_function,
    named,
    of_type,
)


def queue_id(dev_stage: Synthesised, queue: QueueName) -> str:
    return named(dev_stage.template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, queue))[0]


def test_it_consumes_the_office_terminations_queue_reporting_partial_failures(dev_stage: Synthesised) -> None:
    function_id, props = lambda_function(dev_stage.template, TELL_OFFICES_OF_ERASURE.name)
    queue = queue_id(dev_stage, QueueName.OFFICE_TERMINATIONS)
    [mapping] = [
        m["Properties"]
        for m in of_type(dev_stage.template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == arn_of(queue)
    ]
    assert mapping["FunctionName"] == {"Ref": function_id}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["Handler"] == TELL_OFFICES_OF_ERASURE.handler
    assert props["Environment"]["Variables"]["RESPITE_SES_CONFIGURATION_SET"].endswith("offices")


def test_it_may_tell_offices_and_open_no_dossier(dev_stage: Synthesised) -> None:
    template = dev_stage.template
    statements = statements_of(template, TELL_OFFICES_OF_ERASURE.name)

    assert "dynamodb:GetItem" in actions_on(statements, arn_of(table_id(template, TableName.DIRECTORY)))
    assert "dynamodb:PutItem" not in actions_on(statements, arn_of(table_id(template, TableName.DIRECTORY)))
    assert "dynamodb:PutItem" in actions_on(statements, arn_of(table_id(template, TableName.DELIVERIES)))
    webhooks = queue_id(dev_stage, QueueName.WEBHOOK_DELIVERIES)
    assert "sqs:SendMessage" in actions_on(statements, arn_of(webhooks))
    assert not actions_on(statements, arn_of(table_id(template, TableName.DOSSIERS)))
    assert not actions_on(statements, arn_of(table_id(template, TableName.KEY_STORE)))
    assert not actions_on(statements, expected_locator(template, KeyName.DOSSIER_DATA))
