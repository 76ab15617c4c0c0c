"""The wiring catalogue: every table, queue, bucket, key, secret, function, event source, schedule and
HTTP API of Respite, declared once.

The CDK stacks (`respite_infra.cdk`) and the local stack (`respite_infra.local`) both read
`CATALOGUE`, so what runs on this machine is what deploys. A service never imports this module:
it finds its resources through the environment variables named in `respite_core.resources`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from respite_core.resources import (
    BucketName,
    KeyName,
    QueueName,
    ResourceName,
    SecretName,
    TableName,
    UserPoolName,
)
from respite_core.store.documents import INCOMING_PREFIX, OUTGOING_PREFIX

REPO_ROOT = Path(__file__).resolve().parents[2]

# Residual copies every store has, whatever the catalogue says of it (the record of processing):
STREAM_RETENTION_HOURS = 24  # a DynamoDB stream keeps each change this long (fixed by AWS)
LOG_RETENTION_DAYS = 30  # every function's and API's log group (CDK: RetentionDays.ONE_MONTH)


class Access(StrEnum):
    READ = "read"
    WRITE = "write"  # read and write


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class Table:
    name: TableName
    owner: str  # the service that owns the table's schema
    purpose: str  # for the record of processing
    personal_data: bool
    indexes: tuple[Index, ...] = ()
    categories: tuple[str, ...] = ()  # the categories of personal data it holds (record of processing)
    stream: bool = False  # NEW_AND_OLD_IMAGES when on
    ttl_attribute: str | None = "expires_at"
    pitr_days: int = 35  # point-in-time recovery window: every backup copy lives this long
    partition_key: str = "PK"
    sort_key: str = "SK"


@dataclass(frozen=True)
class Queue:
    name: QueueName
    owner: str
    purpose: str
    max_receive_count: int = 5  # then the message moves to the queue's DLQ
    visibility_timeout_s: int = 180  # >= 6 x the consumer's timeout, as AWS advises
    retention_days: int = 4
    dlq_retention_days: int = 14

    @property
    def dlq_name(self) -> str:
        return f"{self.name.value}-dlq"


@dataclass(frozen=True)
class ShortLived:
    """Objects under `prefix` that S3 deletes after `days` (a lifecycle rule of their own)."""

    prefix: str
    days: int
    holds: str  # what they are (record of processing)
    late: str | None = None  # what may still arrive here after an erasure, and lives its `days`


@dataclass(frozen=True)
class Bucket:
    name: BucketName
    owner: str
    purpose: str
    personal_data: bool
    expire_after_days: int | None = None  # lifecycle backstop; erasure deletes objects first
    categories: tuple[str, ...] = ()  # the categories of personal data it holds (record of processing)
    short_lived: tuple[ShortLived, ...] = ()  # copies kept apart, for a day or so
    browser_uploads: bool = False  # the web app posts presigned uploads to it: CORS for its origins


@dataclass(frozen=True)
class Key:
    name: KeyName
    purpose: str


@dataclass(frozen=True)
class Secret:
    name: SecretName
    purpose: str
    length_bytes: int = 32


@dataclass(frozen=True)
class UserPool:
    """Who signs in: people with a role at an agency, and office systems (OAuth2 client credentials).

    `custom:agency_id` and `custom:role` are set by administrators only; the web client may not
    write them. The APIs take the agency and the role from these claims, never from a request.
    """

    name: UserPoolName
    purpose: str
    custom_attributes: tuple[str, ...] = ("agency_id", "role")
    office_scopes: tuple[str, ...] = ("office.read", "office.write")  # resource server "respite"


@dataclass(frozen=True)
class Function:
    """A plain Lambda handler (queue or stream consumer, scheduled job) of one service."""

    name: str
    service: str
    handler: str  # "package.module.function"
    uses: tuple[tuple[ResourceName, Access], ...]
    timeout_s: int = 30
    memory_mb: int = 512


@dataclass(frozen=True)
class StreamConsumer:
    function: Function
    table: TableName
    on_failure: QueueName  # receives the failed batch's stream coordinates, as Lambda's OnFailure does
    batch_size: int = 100
    retry_attempts: int = 3  # bounded: a poison record must not block its shard for 24 h
    event_names: tuple[str, ...] = ("INSERT", "MODIFY", "REMOVE")  # event filter


@dataclass(frozen=True)
class QueueConsumer:
    function: Function
    queue: QueueName
    batch_size: int = 10


@dataclass(frozen=True)
class Schedule:
    function: Function
    expression: str  # EventBridge: "rate(5 minutes)" or "cron(...)"
    every_s: int  # the period the local scheduler uses


@dataclass(frozen=True)
class HttpApi:
    """A Chalice app, mounted at `/<prefix>` behind the one gateway (locally) or custom domain (AWS)."""

    service: str
    prefix: str
    uses: tuple[tuple[ResourceName, Access], ...]
    authorizer: UserPoolName | None = UserPoolName.CASEWORKERS  # verifies tokens for routes that need one

    @property
    def app_path(self) -> Path:
        return REPO_ROOT / "services" / self.service / "app.py"


@dataclass(frozen=True)
class Email:
    """Email with offices through SES: what is sent, how bounces come back, how replies come in.

    - `sending_domain`: the SES (v2) email identity offices' mail comes from; `sender_functions`
      may send from it (ses:SendEmail on the identity and the configuration set only).
    - `configuration_set`: every email is sent through it; its event destination publishes
      `event_types` to the SNS topic `events_topic`, which `events_queue` subscribes to (its
      consumer flags the address and tells the caseworker). SNS, not EventBridge: an SNS topic
      fanned out to an SQS queue gives the consumer what every consumer here has (batches, partial
      failures, a DLQ for what it cannot handle, the local stack's queue pump), whereas an
      EventBridge destination only reaches the default bus and would need a rule and a target
      queue more; SES v2 configuration sets support both.
    - `receipt_rule_set`: one rule for `reply+<token>@<inbound_domain>`: spam and virus scanning
      on, the raw MIME to `inbound_bucket` under `raw_prefix` (S3 action), then `inbound` is
      invoked with the SES event (Lambda action). Only the active rule set receives: activating it
      is a one-time deploy step (CloudFormation cannot), see README.
    """

    sending_domain: str
    inbound_domain: str
    configuration_set: str
    events_topic: str
    events_queue: QueueName
    receipt_rule_set: str
    inbound: Function
    inbound_bucket: BucketName
    raw_prefix: str = "inbound/"
    sender_functions: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ("BOUNCE", "COMPLAINT")


@dataclass(frozen=True)
class Catalogue:
    tables: tuple[Table, ...]
    queues: tuple[Queue, ...]
    buckets: tuple[Bucket, ...]
    keys: tuple[Key, ...]
    secrets: tuple[Secret, ...]
    apis: tuple[HttpApi, ...]
    user_pools: tuple[UserPool, ...] = ()
    stream_consumers: tuple[StreamConsumer, ...] = ()
    queue_consumers: tuple[QueueConsumer, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    services: tuple[str, ...] = field(default=("consent", "claims", "notifications", "retention"))
    email: Email | None = None

    def functions(self) -> Iterator[Function]:
        yield from (consumer.function for consumer in self.stream_consumers)
        yield from (consumer.function for consumer in self.queue_consumers)
        yield from (schedule.function for schedule in self.schedules)
        if self.email is not None:
            yield self.email.inbound  # invoked by SES's receipt rule

    def resources(self) -> Iterator[ResourceName]:
        yield from (t.name for t in self.tables)
        yield from (q.name for q in self.queues)
        yield from (b.name for b in self.buckets)
        yield from (k.name for k in self.keys)
        yield from (s.name for s in self.secrets)

    def table(self, name: TableName) -> Table:
        return next(t for t in self.tables if t.name == name)

    def queue(self, name: QueueName) -> Queue:
        return next(q for q in self.queues if q.name == name)


# --- the platform -------------------------------------------------------------------------------

DOSSIERS = Table(
    TableName.DOSSIERS,
    owner="consent",
    purpose="dossiers: the person (encrypted), consent evidence, claims, messages, totals",
    personal_data=True,
    categories=(
        "identity of the person in debt help: name, national number, birth date, address (encrypted)",
        "consent evidence: text version, channel, who captured it, when",
        "debts: claims, creditors, amounts, enforcement (references and creditors encrypted)",
        "messages with creditor offices, their inbound mail, linked or quarantined (encrypted)",
    ),
    indexes=(
        # an agency's dossiers, newest first: GSI1PK = AGENCY#<id>, GSI1SK = DOSSIER#<opened>#<id>
        Index("GSI1", "GSI1PK", "GSI1SK"),
        # sparse, what is due when: GSI2PK = DUE#REPLY|DUE#ACK|DUE#STANDSTILL, GSI2SK = <date>#<dossier>#<id>
        Index("GSI2", "GSI2PK", "GSI2SK"),
    ),
    stream=True,
)

TABLES = (
    DOSSIERS,
    Table(
        TableName.KEY_STORE,
        owner="consent",
        purpose=(
            "wrapped per-dossier data keys (crypto-shredding); each person's registration at an agency, "
            "by the keyed hash of their national number (the lookup, the second-registration check)"
        ),
        personal_data=True,
        categories=(
            "pseudonymous: the keyed hash (HMAC-SHA256) of a registered person's national number and "
            "their dossier id at each agency; no stream, so no change of it is copied",
            "pseudonymous: the last day of a person's running standstill, by the same keyed hash "
            "(one standstill per person across agencies); expires the day after it ends",
        ),
        # the one residual copy of a destroyed key and of an erased person's registration: keep it short
        pitr_days=1,
    ),
    Table(
        TableName.DIRECTORY,
        owner="consent",
        purpose="agencies and offices: names, contact addresses, flags",
        personal_data=False,
        ttl_attribute=None,
    ),
    Table(
        TableName.FEED,
        owner="notifications",
        purpose="caseworkers' in-app notifications (no personal data: dossier ids and event kinds)",
        personal_data=False,
    ),
    Table(
        TableName.ACCESS_LOG,
        owner="consent",
        purpose="append-only access log, offices' unmatched lookups and erasure receipts (no personal data)",
        personal_data=False,
        ttl_attribute=None,
    ),
    Table(
        TableName.DELIVERIES,
        owner="notifications",
        purpose="reference tokens (hashed), emails sent, webhook deliveries, endpoint health (no PII)",
        personal_data=False,
    ),
    Table(
        TableName.IDEMPOTENCY,
        owner="core",
        purpose="idempotency records of writes and consumed messages",
        personal_data=False,
        ttl_attribute="expiration",  # the attribute Powertools' idempotency layer writes
        partition_key="id",
        sort_key="",
    ),
)

DOSSIER_EVENTS_FAILED = Queue(
    QueueName.DOSSIER_EVENTS_FAILED,
    owner="core",
    purpose="stream batches a consumer gave up on (coordinates only, no record content)",
)

OUTBOX = Queue(
    QueueName.OUTBOX,
    owner="notifications",
    purpose="which message goes to which office (ids only): its email and its webhook",
)

WEBHOOK_DELIVERIES = Queue(
    QueueName.WEBHOOK_DELIVERIES,
    owner="notifications",
    purpose="signed webhook deliveries to office systems (ids only; the body is built when sent)",
    max_receive_count=8,
)

DELIVER_TO_OFFICES = Function(
    name="notifications-outbox",
    service="notifications",
    handler="respite_notifications.consumers.outbox.handler",
    uses=(
        (TableName.DOSSIERS, Access.WRITE),  # the reference token's pointer in the dossier (for erasure)
        (TableName.KEY_STORE, Access.READ),
        (TableName.DIRECTORY, Access.READ),
        (TableName.DELIVERIES, Access.WRITE),
        (KeyName.DOSSIER_DATA, Access.READ),
        (QueueName.WEBHOOK_DELIVERIES, Access.WRITE),
        (TableName.FEED, Access.WRITE),  # "this request's email was withheld from flagged addresses"
    ),
)

CALL_WEBHOOKS = Function(
    name="notifications-webhook-deliveries",
    service="notifications",
    handler="respite_notifications.consumers.webhook_deliveries.handler",
    uses=(
        (TableName.DELIVERIES, Access.WRITE),
        (TableName.DIRECTORY, Access.READ),
        (TableName.DOSSIERS, Access.READ),
        (KeyName.DOSSIER_DATA, Access.READ),  # the offices' webhook secrets are sealed with it
        (QueueName.WEBHOOK_DELIVERIES, Access.WRITE),  # retries are re-queued with a delay
        (TableName.FEED, Access.WRITE),  # an endpoint disabled, a delivery given up
        (TableName.KEY_STORE, Access.READ),  # the liveness fence: writes about a living dossier only
    ),
)

MAIL_EVENTS = Queue(
    QueueName.MAIL_EVENTS,
    owner="notifications",
    purpose="SES bounces and complaints of offices' email (SNS notifications; addresses, ids as tags)",
)

FLAG_BOUNCES = Function(
    name="notifications-mail-events",
    service="notifications",
    handler="respite_notifications.consumers.mail_events.handler",
    uses=(
        (TableName.DIRECTORY, Access.WRITE),  # the office's address flagged
        (TableName.DOSSIERS, Access.READ),  # which agency the dossier is at now
        (TableName.FEED, Access.WRITE),
        (TableName.KEY_STORE, Access.READ),  # the liveness fence: writes about a living dossier only
    ),
)

TELL_OFFICES_OF_ERASURE = Function(
    name="notifications-office-terminations",
    service="notifications",
    handler="respite_notifications.consumers.office_terminations.handler",
    uses=(
        (TableName.DIRECTORY, Access.READ),  # the office, its flagged addresses, the agency's contact
        (TableName.DELIVERIES, Access.WRITE),  # the email's once-only record, the webhook delivery
        (QueueName.WEBHOOK_DELIVERIES, Access.WRITE),
    ),
)

RECEIVE_MAIL = Function(
    name="notifications-inbound-mail",
    service="notifications",
    handler="respite_notifications.consumers.inbound_mail.handler",
    uses=(
        (BucketName.INBOUND_MAIL, Access.WRITE),  # read the raw MIME, delete it once processed
        (BucketName.DOCUMENTS, Access.WRITE),  # the accepted attachments, sealed
        (TableName.DELIVERIES, Access.READ),  # reference tokens
        (TableName.DOSSIERS, Access.WRITE),  # the mail, linked or quarantined in its dossier
        (TableName.KEY_STORE, Access.READ),  # the data key; the liveness fence's condition
        (TableName.DIRECTORY, Access.READ),  # is the sender one of the office's addresses?
        (KeyName.DOSSIER_DATA, Access.READ),
    ),
    timeout_s=60,
)

EMAIL = Email(
    sending_domain="respite.example",
    inbound_domain="inbound.respite.example",
    configuration_set="offices",
    events_topic="mail-events",
    events_queue=QueueName.MAIL_EVENTS,
    receipt_rule_set="inbound",
    inbound=RECEIVE_MAIL,
    inbound_bucket=BucketName.INBOUND_MAIL,
    sender_functions=(DELIVER_TO_OFFICES.name, TELL_OFFICES_OF_ERASURE.name),
)

CLAIMS_CONSOLIDATION = Queue(
    QueueName.CLAIMS_CONSOLIDATION,
    owner="claims",
    purpose=(
        "dossier ids whose claims changed (no personal data), from the intakes written with the claims; "
        "their totals are recomputed"
    ),
)

CONSOLIDATE_CLAIMS = Function(
    name="claims-consolidation",
    service="claims",
    handler="respite_claims.consumers.consolidation.handler",
    uses=(
        (TableName.DOSSIERS, Access.WRITE),  # the totals, the receipt; the intake's item deleted
        (TableName.KEY_STORE, Access.READ),  # the liveness fence: writes about a living dossier only
    ),
)

SWEEP_DEADLINES = Function(
    name="claims-deadlines",
    service="claims",
    handler="respite_claims.consumers.deadlines.handler",
    uses=((TableName.DOSSIERS, Access.WRITE),),
    timeout_s=120,
)

SEND_DIGESTS = Function(
    name="notifications-digest",
    service="notifications",
    handler="respite_notifications.consumers.digest.handler",
    uses=(
        (TableName.DOSSIERS, Access.READ),
        (TableName.DIRECTORY, Access.READ),
        (TableName.FEED, Access.WRITE),
    ),
    timeout_s=300,
)

OFFICE_TERMINATIONS = Queue(
    QueueName.OFFICE_TERMINATIONS,
    owner="retention",
    purpose="an erased dossier's termination for each office the agency wrote to (ids and reason; the "
    "office's own file references sealed for it with the platform key)",
)

ERASE_DOSSIERS = Function(
    name="retention-erasure",
    service="retention",
    handler="respite_retention.consumers.dossier_events.handler",
    uses=(
        (TableName.DOSSIERS, Access.WRITE),  # the partition, inbox copies, claim receipts
        # the data key destroyed (again: it is the first step); the person's registrations and their pointer
        (TableName.KEY_STORE, Access.WRITE),
        (TableName.DELIVERIES, Access.WRITE),  # reference tokens, email records, webhook deliveries
        (TableName.FEED, Access.WRITE),
        (TableName.ACCESS_LOG, Access.WRITE),  # the dossier's entries go, its receipt stays
        (TableName.IDEMPOTENCY, Access.WRITE),
        (BucketName.DOCUMENTS, Access.WRITE),
        (BucketName.INBOUND_MAIL, Access.WRITE),
        (QueueName.OFFICE_TERMINATIONS, Access.WRITE),
        (SecretName.PSEUDONYM_KEY, Access.READ),  # the receipt's keyed hash of the dossier id
        # the data key opened once, just before it is destroyed, for the offices' own file references;
        # each office's sealed with the platform key for its termination webhook
        (KeyName.DOSSIER_DATA, Access.WRITE),
    ),
    timeout_s=120,
)

SWEEP_RETENTION = Function(
    name="retention-sweeper",
    service="retention",
    handler="respite_retention.consumers.sweeper.handler",
    uses=((TableName.DOSSIERS, Access.WRITE),),
    timeout_s=60,
)

FEED_FROM_DOSSIER_EVENTS = Function(
    name="notifications-dossier-events",
    service="notifications",
    handler="respite_notifications.consumers.dossier_events.handler",
    uses=(
        (TableName.FEED, Access.WRITE),
        (TableName.DIRECTORY, Access.READ),  # the office's name in the feed's headline
        (TableName.IDEMPOTENCY, Access.WRITE),
        (QueueName.OUTBOX, Access.WRITE),
        (QueueName.CLAIMS_CONSOLIDATION, Access.WRITE),  # the intakes of claims written with the claims
        (TableName.KEY_STORE, Access.READ),  # the liveness fence: writes about a living dossier only
    ),
)

CATALOGUE = Catalogue(
    tables=TABLES,
    queues=(
        DOSSIER_EVENTS_FAILED,
        CLAIMS_CONSOLIDATION,
        OUTBOX,
        WEBHOOK_DELIVERIES,
        MAIL_EVENTS,
        OFFICE_TERMINATIONS,
    ),
    buckets=(
        Bucket(
            BucketName.INBOUND_MAIL,
            owner="notifications",
            purpose="raw inbound email (MIME) as SES stores it, deleted once the inbound function has "
            "processed it (left only for the retry of a failed processing)",
            personal_data=True,
            categories=("email from creditor offices about a person: sender, text, attachments",),
            expire_after_days=7,
        ),
        Bucket(
            BucketName.DOCUMENTS,
            owner="consent",
            purpose=(
                "signed consent forms, documents offices attach to their replies and budget PDFs, "
                "sealed with the dossier's data key"
            ),
            personal_data=True,
            categories=(
                "signed consent forms",
                "documents offices attach to their replies",
                "budget calculations",
            ),
            expire_after_days=400,
            short_lived=(
                ShortLived(
                    INCOMING_PREFIX,
                    1,
                    "incoming uploads not yet confirmed",
                    late=(
                        "a file uploaded after the erasure through a presigned form issued before it "
                        "(confirming it deletes it at once)"
                    ),
                ),
                ShortLived(OUTGOING_PREFIX, 1, "decrypted download copies"),
            ),
            browser_uploads=True,  # the caseworker app uploads the signed consent form
        ),
    ),
    keys=(Key(KeyName.DOSSIER_DATA, purpose="wraps per-dossier data keys"),),
    user_pools=(
        UserPool(UserPoolName.CASEWORKERS, purpose="caseworkers, agency admins, operators; office systems"),
    ),
    secrets=(Secret(SecretName.PSEUDONYM_KEY, purpose="HMAC key of the pseudonymous national-number index"),),
    apis=(
        HttpApi(
            service="consent",
            prefix="consent",
            uses=(
                (TableName.DOSSIERS, Access.WRITE),
                (TableName.KEY_STORE, Access.WRITE),  # data keys; registrations (registered, transferred)
                (TableName.DIRECTORY, Access.READ),
                (TableName.ACCESS_LOG, Access.WRITE),
                (TableName.IDEMPOTENCY, Access.WRITE),
                (BucketName.DOCUMENTS, Access.WRITE),
                (KeyName.DOSSIER_DATA, Access.WRITE),
                (SecretName.PSEUDONYM_KEY, Access.READ),
            ),
        ),
        HttpApi(
            service="claims",
            prefix="claims",
            uses=(
                (TableName.DOSSIERS, Access.WRITE),
                # data keys, the fence; the lookup's registrations; a first notice writes the person's
                # standstill (one per person across agencies)
                (TableName.KEY_STORE, Access.WRITE),
                (TableName.DIRECTORY, Access.WRITE),
                (TableName.ACCESS_LOG, Access.WRITE),
                (TableName.IDEMPOTENCY, Access.WRITE),
                (BucketName.DOCUMENTS, Access.WRITE),
                (KeyName.DOSSIER_DATA, Access.WRITE),
                (SecretName.PSEUDONYM_KEY, Access.READ),
                (TableName.DELIVERIES, Access.READ),  # reference tokens: the link page's answers
                (UserPoolName.CASEWORKERS, Access.WRITE),  # app clients for office systems
            ),
        ),
        HttpApi(
            service="notifications",
            prefix="notifications",
            uses=(
                (TableName.FEED, Access.WRITE),
                (TableName.DELIVERIES, Access.WRITE),
                (TableName.DOSSIERS, Access.READ),  # the link page shows one request
                (BucketName.DOCUMENTS, Access.WRITE),  # the link page's presigned upload of larger files
                (TableName.KEY_STORE, Access.READ),
                (KeyName.DOSSIER_DATA, Access.READ),
                (TableName.ACCESS_LOG, Access.WRITE),
                (TableName.DIRECTORY, Access.READ),
                (TableName.IDEMPOTENCY, Access.WRITE),
                (QueueName.WEBHOOK_DELIVERIES, Access.WRITE),
            ),
        ),
    ),
    queue_consumers=(
        QueueConsumer(CONSOLIDATE_CLAIMS, queue=QueueName.CLAIMS_CONSOLIDATION),
        QueueConsumer(DELIVER_TO_OFFICES, queue=QueueName.OUTBOX),
        QueueConsumer(CALL_WEBHOOKS, queue=QueueName.WEBHOOK_DELIVERIES, batch_size=5),
        QueueConsumer(FLAG_BOUNCES, queue=QueueName.MAIL_EVENTS),
        QueueConsumer(TELL_OFFICES_OF_ERASURE, queue=QueueName.OFFICE_TERMINATIONS),
    ),
    email=EMAIL,
    schedules=(
        Schedule(SWEEP_DEADLINES, expression="rate(1 hour)", every_s=300),
        Schedule(SEND_DIGESTS, expression="cron(0 6 ? * MON *)", every_s=7 * 24 * 3600),  # Mondays 06:00 UTC
        # closed dossiers past their retention deadline: within minutes in AWS, seconds locally
        Schedule(SWEEP_RETENTION, expression="rate(5 minutes)", every_s=5),
    ),
    stream_consumers=(
        StreamConsumer(
            FEED_FROM_DOSSIER_EVENTS,
            table=TableName.DOSSIERS,
            on_failure=QueueName.DOSSIER_EVENTS_FAILED,
            event_names=("INSERT", "MODIFY"),
        ),
        StreamConsumer(
            ERASE_DOSSIERS,
            table=TableName.DOSSIERS,
            on_failure=QueueName.DOSSIER_EVENTS_FAILED,
            batch_size=10,  # an erasure is many deletes: small batches keep a retry small
            event_names=("MODIFY", "REMOVE"),  # withdrawn or due (MODIFY), TTL deletions (REMOVE)
        ),
    ),
)
