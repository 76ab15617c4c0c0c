"""SES in the synthesised stack: each property the catalogue's `Email` asks for, asserted by what it
does (which identity, which destination, which actions in which order), not by resource counts."""

import dataclasses
import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from respite_core.resources import physical_name
from respite_infra.catalogue import CATALOGUE, Email
from respite_infra.cdk.email import EVENT_DESTINATION, sender_address
from tests.infra.conftest import INBOUND_DOMAIN, SENDING_DOMAIN, Synthesised

STAGE = "dev"
type Resources = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def email() -> Email:
    """The catalogue's `Email` with the domains of the context (the catalogue's are the local stack's)."""
    assert CATALOGUE.email is not None
    return dataclasses.replace(CATALOGUE.email, sending_domain=SENDING_DOMAIN, inbound_domain=INBOUND_DOMAIN)


def test_the_ses_domains_are_the_contexts_not_the_catalogues(resources: Resources) -> None:
    assert CATALOGUE.email is not None
    identities = {p["EmailIdentity"] for p in of_type(resources, "AWS::SES::EmailIdentity").values()}
    assert identities == {SENDING_DOMAIN, INBOUND_DOMAIN}
    (rule,) = [p["Rule"] for p in of_type(resources, "AWS::SES::ReceiptRule").values()]
    assert rule["Recipients"] == [INBOUND_DOMAIN]
    assert ".invalid" not in json.dumps(resources)  # no placeholder left where the context gave a value


@pytest.fixture(scope="module")
def resources(dev_stage: Synthesised) -> Resources:
    found: Resources = dev_stage.template.to_json()["Resources"]
    return found


def of_type(resources: Resources, kind: str) -> dict[str, dict[str, Any]]:
    return {logical: r.get("Properties", {}) for logical, r in resources.items() if r["Type"] == kind}


def logical_id(resources: Resources, kind: str, prop: str, value: Any) -> str:
    [found] = [logical for logical, p in of_type(resources, kind).items() if p.get(prop) == value]
    return found


def refers_to(value: Any, logical: str) -> bool:
    """Whether a CloudFormation value (Ref, GetAtt, Join ...) mentions the resource `logical`."""
    return f'"{logical}"' in json.dumps(value)


def function_id(resources: Resources, name: str) -> str:
    return logical_id(resources, "AWS::Lambda::Function", "FunctionName", f"respite-{STAGE}-{name}")


def test_the_sending_domain_is_an_identity_signing_with_dkim_through_the_configuration_set(
    resources: Resources, email: Email
) -> None:
    configuration_set = logical_id(
        resources, "AWS::SES::ConfigurationSet", "Name", f"respite-{STAGE}-{email.configuration_set}"
    )
    identity = logical_id(resources, "AWS::SES::EmailIdentity", "EmailIdentity", email.sending_domain)
    props = of_type(resources, "AWS::SES::EmailIdentity")[identity]

    assert refers_to(props["ConfigurationSetAttributes"]["ConfigurationSetName"], configuration_set)
    assert props["DkimAttributes"]["SigningEnabled"] is True
    assert (
        of_type(resources, "AWS::SES::ConfigurationSet")[configuration_set]["DeliveryOptions"]["TlsPolicy"]
        == "REQUIRE"
    )


def test_bounces_and_complaints_go_to_an_encrypted_topic_that_the_events_queue_subscribes_to(
    resources: Resources, email: Email
) -> None:
    [(_, destination)] = of_type(resources, "AWS::SES::ConfigurationSetEventDestination").items()
    topic = logical_id(resources, "AWS::SNS::Topic", "TopicName", f"respite-{STAGE}-{email.events_topic}")
    queue = logical_id(resources, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, email.events_queue))

    definition = destination["EventDestination"]
    assert definition["Name"] == EVENT_DESTINATION
    assert definition["Enabled"] is True
    assert sorted(definition["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert refers_to(definition["SnsDestination"]["TopicARN"], topic)
    assert "KmsMasterKeyId" in of_type(resources, "AWS::SNS::Topic")[topic]
    [subscription] = [
        s for s in of_type(resources, "AWS::SNS::Subscription").values() if refers_to(s["TopicArn"], topic)
    ]
    assert subscription["Protocol"] == "sqs"
    assert refers_to(subscription["Endpoint"], queue)
    queue_policies = [
        p
        for p in of_type(resources, "AWS::SQS::QueuePolicy").values()
        if any(refers_to(q, queue) for q in p["Queues"])
    ]
    assert any(
        s["Principal"] == {"Service": "sns.amazonaws.com"} and s["Action"] == "sqs:SendMessage"
        for p in queue_policies
        for s in p["PolicyDocument"]["Statement"]
    )


def test_the_events_queue_has_its_consumer(resources: Resources, email: Email) -> None:
    queue = logical_id(resources, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, email.events_queue))
    consumer = function_id(resources, "notifications-mail-events")

    assert any(
        refers_to(m["EventSourceArn"], queue) and refers_to(m["FunctionName"], consumer)
        for m in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    )


def test_replies_are_scanned_stored_raw_in_the_inbound_bucket_then_handed_to_the_inbound_function(
    resources: Resources, email: Email
) -> None:
    rule_set = logical_id(
        resources, "AWS::SES::ReceiptRuleSet", "RuleSetName", f"respite-{STAGE}-{email.receipt_rule_set}"
    )
    [rule] = [
        r["Rule"] for r in of_type(resources, "AWS::SES::ReceiptRule").values() if refers_to(r, rule_set)
    ]
    bucket = next(
        logical
        for logical, r in of_type(resources, "AWS::S3::Bucket").items()
        if physical_name(STAGE, email.inbound_bucket) in json.dumps(r.get("BucketName"))
    )
    inbound = function_id(resources, email.inbound.name)

    assert rule["Recipients"] == [email.inbound_domain]
    assert rule["ScanEnabled"] is True
    assert rule["TlsPolicy"] == "Require"
    assert rule["Enabled"] is True
    s3_action, lambda_action = (a for a in rule["Actions"])  # in this order: stored, then invoked
    assert refers_to(s3_action["S3Action"]["BucketName"], bucket)
    assert s3_action["S3Action"]["ObjectKeyPrefix"] == email.raw_prefix
    assert refers_to(lambda_action["LambdaAction"]["FunctionArn"], inbound)
    assert lambda_action["LambdaAction"]["InvocationType"] == "Event"


def test_ses_may_write_raw_mail_into_the_inbound_bucket_for_this_account_only(
    resources: Resources, email: Email
) -> None:
    bucket = next(
        logical
        for logical, r in of_type(resources, "AWS::S3::Bucket").items()
        if physical_name(STAGE, email.inbound_bucket) in json.dumps(r.get("BucketName"))
    )
    [policy] = [
        p for p in of_type(resources, "AWS::S3::BucketPolicy").values() if refers_to(p["Bucket"], bucket)
    ]
    [statement] = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "ses.amazonaws.com"}
    ]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "s3:PutObject"
    assert email.raw_prefix in json.dumps(statement["Resource"])
    assert "AWS::AccountId" in json.dumps(statement["Condition"])


def test_ses_may_invoke_the_inbound_function_from_this_account(resources: Resources, email: Email) -> None:
    inbound = function_id(resources, email.inbound.name)

    assert any(
        p["Principal"] == "ses.amazonaws.com"
        and p["Action"] == "lambda:InvokeFunction"
        and refers_to(p["FunctionName"], inbound)
        and "SourceAccount" in p
        for p in of_type(resources, "AWS::Lambda::Permission").values()
    )


def test_ses_may_use_the_at_rest_key_on_this_accounts_behalf(resources: Resources) -> None:
    statements = [
        s
        for key in of_type(resources, "AWS::KMS::Key").values()
        for s in key["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "ses.amazonaws.com"}
    ]

    assert statements
    for statement in statements:
        assert "kms:GenerateDataKey*" in statement["Action"]
        assert "aws:SourceAccount" in json.dumps(statement["Condition"])


def test_only_the_senders_may_send_and_only_from_the_identity_through_the_configuration_set(
    dev_stage: Synthesised, resources: Resources, email: Email
) -> None:
    policies = of_type(resources, "AWS::IAM::Policy")
    sending = {
        logical: s
        for logical, p in policies.items()
        for s in p["PolicyDocument"]["Statement"]
        if "ses:SendEmail" in json.dumps(s["Action"])
    }
    sender_roles = {
        f'"{role}"'
        for name in email.sender_functions
        for role in _role_of(resources, function_id(resources, name))
    }
    assert len(sender_roles) == len(email.sender_functions) == 2  # the outbox, the office terminations

    assert sending, "no function may send email"
    granted = " ".join(json.dumps(policies[logical]["Roles"]) for logical in sending)
    assert all(role in granted for role in sender_roles)  # each sender may send
    for logical, statement in sending.items():
        roles = json.dumps(policies[logical]["Roles"])
        assert any(role in roles for role in sender_roles)  # a sender's role, nobody else's
        resource = json.dumps(statement["Resource"])
        assert f"identity/{email.sending_domain}" in resource
        assert f"configuration-set/respite-{STAGE}-{email.configuration_set}" in resource
        assert ":*" not in resource
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": sender_address(email)}}


def test_the_outbox_knows_its_sender_inbound_domain_and_configuration_set(
    dev_stage: Synthesised, email: Email
) -> None:
    template: Template = dev_stage.template
    [props] = [
        r["Properties"]
        for r in template.find_resources("AWS::Lambda::Function").values()
        if r["Properties"].get("FunctionName") == f"respite-{STAGE}-notifications-outbox"
    ]
    variables = props["Environment"]["Variables"]

    assert variables["RESPITE_EMAIL_SENDER"] == f"Respite <{sender_address(email)}>"
    assert variables["RESPITE_INBOUND_DOMAIN"] == email.inbound_domain
    assert variables["RESPITE_SES_CONFIGURATION_SET"] == f"respite-{STAGE}-{email.configuration_set}"


def _role_of(resources: Resources, function: str) -> list[str]:
    role = resources[function]["Properties"]["Role"]
    return [role["Fn::GetAtt"][0]]


def test_cdk_nag_finds_nothing_unacknowledged_in_the_email_resources(dev_stage: Synthesised) -> None:
    assert "/Email/" not in (dev_stage.validation_error or "")
