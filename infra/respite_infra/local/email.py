"""SES on the local stack: what moto keeps of the catalogue's `Email`, and SES's receiving played.

`provision_email` creates what moto stores: the configuration set (SES v2), its event destination
to the SNS topic (SES v1's API: moto's SES v2 has no event destinations; both APIs share
configuration sets, in AWS too), the topic and the events queue's subscription to it, and the
receipt rule set with its rule (S3 action, scanning on; the Lambda action is `MailReceiver`'s).
moto executes none of them: it never publishes a bounce and never receives mail. So:

- a bounce or complaint reaches the consumer when its SES event record is published to the topic
  (as SES would publish it); SNS delivers it to the queue and the queue pump does the rest, like
  every other queue;
- a mail is received through `POST /local/inbound-mail` (`receive_mail`), which does what the
  receipt rule does in AWS: it puts the raw MIME in the inbound-mail bucket under
  `<raw_prefix><message id>`, then invokes the inbound function with the SES event (recipients,
  SPF/DKIM/spam/virus verdicts). An S3 put alone triggers nothing, as in AWS.
"""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any

import boto3
from botocore.exceptions import ClientError

from respite_core.ids import new_id, utc_now
from respite_core.resources import env_var, physical_name
from respite_infra.catalogue import Email
from respite_infra.local.environment import LOCAL_ACCOUNT
from respite_infra.local.handlers import Handler, LambdaContext, function_arn, resolve
from respite_infra.local.provision import error_code, queue_arn

logger = logging.getLogger(__name__)

CONFIGURATION_SET_VARIABLE = "RESPITE_SES_CONFIGURATION_SET"
INBOUND_DOMAIN_VARIABLE = "RESPITE_INBOUND_DOMAIN"
EVENT_DESTINATION = "bounces-and-complaints"
RECEIPT_RULE = "replies"
VERDICTS = ("spf", "dkim", "spam", "virus")
MAX_LOCAL_MAIL_BYTES = 40 * 1024 * 1024  # what SES receives at most


def names(email: Email, stage: str) -> dict[str, str]:
    """The physical names of the email resources: `respite-<stage>-<name>`, as CDK names them."""
    return {
        "configuration_set": f"respite-{stage}-{email.configuration_set}",
        "topic": f"respite-{stage}-{email.events_topic}",
        "rule_set": f"respite-{stage}-{email.receipt_rule_set}",
        "inbound_function": f"respite-{stage}-{email.inbound.name}",
    }


def provision_email(email: Email, stage: str, session: boto3.Session, queue_url: str) -> dict[str, str]:
    """Create what moto keeps of `email` (idempotent); the services' environment for it."""
    named = names(email, stage)
    sesv2, sqs = session.client("sesv2"), session.client("sqs")
    ses: Any = session.client("ses")  # SES v1: the event destination (moto's v2 has none)
    sns: Any = session.client("sns")
    try:
        sesv2.create_configuration_set(ConfigurationSetName=named["configuration_set"])
    except ClientError as error:
        if error_code(error) not in ("AlreadyExistsException", "ConfigurationSetAlreadyExists"):
            raise
    topic_arn = sns.create_topic(Name=named["topic"])["TopicArn"]  # idempotent in SNS
    events_queue_arn = queue_arn(sqs, queue_url)
    sqs.set_queue_attributes(
        QueueUrl=queue_url, Attributes={"Policy": json.dumps(_queue_policy(events_queue_arn, topic_arn))}
    )
    subscribed = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    if not any(s["Endpoint"] == events_queue_arn for s in subscribed):
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=events_queue_arn)
    try:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=named["configuration_set"],
            EventDestination={
                "Name": EVENT_DESTINATION,
                "Enabled": True,
                "MatchingEventTypes": [t.lower() for t in email.event_types],  # v1 spells them so
                "SNSDestination": {"TopicARN": topic_arn},
            },
        )
    except ClientError as error:
        if error_code(error) not in ("EventDestinationAlreadyExists", "AlreadyExists"):
            raise
    _receipt_rules(ses, email, stage, named)
    return {
        CONFIGURATION_SET_VARIABLE: named["configuration_set"],
        INBOUND_DOMAIN_VARIABLE: email.inbound_domain,
        "RESPITE_SES_EVENTS_TOPIC": topic_arn,
    }


def _receipt_rules(ses: Any, email: Email, stage: str, named: Mapping[str, str]) -> None:
    try:
        ses.create_receipt_rule_set(RuleSetName=named["rule_set"])
    except ClientError as error:
        if error_code(error) != "AlreadyExists":
            raise
        return  # its rule was created with it
    ses.create_receipt_rule(
        RuleSetName=named["rule_set"],
        Rule={
            "Name": RECEIPT_RULE,
            "Enabled": True,
            "TlsPolicy": "Require",
            "Recipients": [email.inbound_domain],
            "ScanEnabled": True,
            "Actions": [
                {
                    "S3Action": {
                        "BucketName": physical_name(stage, email.inbound_bucket),
                        "ObjectKeyPrefix": email.raw_prefix,
                    }
                },
                # No Lambda action here: moto refuses one whose function is not in its own Lambda,
                # and the local stack runs functions in-process. `MailReceiver` plays that action.
            ],
        },
    )


def _queue_policy(queue: str, topic: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }
        ],
    }


# --- receiving: what the receipt rule does ---------------------------------------------------------


class BadLocalMail(ValueError):
    pass


def receipt_event(
    message_id: str,
    raw: bytes,
    recipients: list[str],
    verdicts: Mapping[str, str],
    *,
    function: str,
    at: datetime,
) -> dict[str, Any]:
    """The event SES's Lambda action passes (`Records[].ses.mail` and `.receipt`), for one mail."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    sender = next((a for _, a in getaddresses([str(message.get("From", ""))]) if a), "")
    stamp = at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "Records": [
            {
                "eventSource": "aws:ses",
                "eventVersion": "1.0",
                "ses": {
                    "mail": {
                        "timestamp": stamp,
                        "source": sender,
                        "messageId": message_id,
                        "destination": recipients,
                        "headersTruncated": False,
                        "headers": [],
                        "commonHeaders": {},
                    },
                    "receipt": {
                        "timestamp": stamp,
                        "processingTimeMillis": 1,
                        "recipients": recipients,
                        "spamVerdict": {"status": verdicts["spam"]},
                        "virusVerdict": {"status": verdicts["virus"]},
                        "spfVerdict": {"status": verdicts["spf"]},
                        "dkimVerdict": {"status": verdicts["dkim"]},
                        "dmarcVerdict": {"status": _dmarc(verdicts)},
                        "action": {
                            "type": "Lambda",
                            "functionArn": function_arn(function, account=LOCAL_ACCOUNT),
                            "invocationType": "Event",
                        },
                    },
                },
            }
        ]
    }


def _dmarc(verdicts: Mapping[str, str]) -> str:
    return "PASS" if "PASS" in (verdicts["spf"], verdicts["dkim"]) else "FAIL"


def local_recipients(raw: bytes, given: list[str], inbound_domain: str) -> list[str]:
    """The envelope recipients on the inbound domain: those `given`, else the To and Cc headers'
    addresses on the domain (the receipt rule matches the domain only)."""
    if not given:
        headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        fields = [str(v) for name in ("To", "Cc") for v in headers.get_all(name, [])]
        given = [address for _, address in getaddresses(fields)]
    return [a for a in given if a.lower().endswith("@" + inbound_domain.lower())]


class MailReceiver:
    """`POST /local/inbound-mail`: the receipt rule's two actions, in order. The body is the raw MIME
    (`message/rfc822`); headers may set the envelope recipients (`X-Ses-Recipients`, comma-separated)
    and SES's verdicts (`X-Ses-Spf`, `X-Ses-Dkim`, `X-Ses-Spam`, `X-Ses-Virus`; each PASS unless
    given). Answers the message id and the handler's outcomes (SES invokes asynchronously and keeps
    no answer; a local caller wants to know)."""

    def __init__(self, email: Email, stage: str, s3: Any, environment: Mapping[str, str]) -> None:
        self._email = email
        self._s3 = s3
        self._bucket = environment[env_var(email.inbound_bucket)]
        self._function = names(email, stage)["inbound_function"]
        self._handler: Handler = resolve(email.inbound.handler)

    def receive(
        self, raw: bytes, recipients: list[str], verdicts: Mapping[str, str], at: datetime
    ) -> dict[str, Any]:
        if not raw or len(raw) > MAX_LOCAL_MAIL_BYTES:
            raise BadLocalMail("send the raw MIME message as the body (at most 40 MB)")
        envelope = local_recipients(raw, recipients, self._email.inbound_domain)
        if not envelope:
            raise BadLocalMail(f"no recipient on {self._email.inbound_domain}: SES would not receive it")
        message_id = new_id().lower()
        self._s3.put_object(Bucket=self._bucket, Key=self._email.raw_prefix + message_id, Body=raw)
        event = receipt_event(message_id, raw, envelope, verdicts, function=self._function, at=at)
        result = self._handler(event, LambdaContext.for_function(self._email.inbound))
        return {"message_id": message_id, "outcomes": list((result or {}).get("outcomes", []))}

    def route(
        self, method: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        problem = {"Content-Type": "application/problem+json"}
        if method != "POST":
            return 405, problem, b'{"title": "Method Not Allowed", "status": 405}'
        recipients = [r.strip() for r in headers.get("x-ses-recipients", "").split(",") if r.strip()]
        verdicts = {name: headers.get(f"x-ses-{name}", "PASS").strip().upper() for name in VERDICTS}
        try:
            answer = self.receive(body, recipients, verdicts, utc_now())
        except BadLocalMail as error:
            detail = {"title": "Bad Request", "status": 400, "detail": str(error)}
            return 400, problem, json.dumps(detail).encode()
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()
