"""The names of the platform's AWS resources, and how a running function finds them.

The wiring catalogue (infra) says what each resource is; this module only names them, because
the services run without the catalogue: a function learns the physical name of a resource from
one environment variable per resource, set by CDK in AWS and by the local stack on this machine.
"""

import os
from enum import StrEnum


class TableName(StrEnum):
    DOSSIERS = "dossiers"  # the shared table: one partition per dossier, plus lookup items
    KEY_STORE = "key-store"  # wrapped per-dossier data keys, apart from the data they open
    DIRECTORY = "directory"  # agencies and offices
    FEED = "feed"  # caseworkers' in-app notifications
    ACCESS_LOG = "access-log"  # append-only: who read or changed which dossier, and erasure receipts
    IDEMPOTENCY = "idempotency"  # Powertools idempotency records
    DELIVERIES = "deliveries"  # reference tokens, emails sent, webhook deliveries and endpoints' health


class QueueName(StrEnum):
    DOSSIER_EVENTS_FAILED = "dossier-events-failed"  # on-failure destination of the stream consumers
    CLAIMS_CONSOLIDATION = "claims-consolidation"  # "claims of dossier X changed": recompute its totals
    OUTBOX = "notifications-outbox"  # "message X is for office Y": email it, call its webhook
    WEBHOOK_DELIVERIES = "webhook-deliveries"  # signed webhook calls, retried with backoff for ~3 days
    OFFICE_TERMINATIONS = "office-terminations"  # "dossier X is terminated and erased" (ids only)
    MAIL_EVENTS = "mail-events"  # SES bounces and complaints (configuration set -> SNS -> here)


class BucketName(StrEnum):
    DOCUMENTS = "documents"  # signed consent forms, attachments
    INBOUND_MAIL = "inbound-mail"  # raw MIME as SES stores it, until the inbound handler has read it


class KeyName(StrEnum):
    DOSSIER_DATA = "dossier-data"  # KMS key that wraps every per-dossier data key


class SecretName(StrEnum):
    PSEUDONYM_KEY = "pseudonym-key"  # HMAC key of the national-number index


class UserPoolName(StrEnum):
    CASEWORKERS = "caseworkers"  # caseworkers, agency admins, operators; office systems' app clients


type ResourceName = TableName | QueueName | BucketName | KeyName | SecretName | UserPoolName

_KIND = {
    TableName: "TABLE",
    QueueName: "QUEUE",
    BucketName: "BUCKET",
    KeyName: "KEY",
    SecretName: "SECRET",
    UserPoolName: "USER_POOL",
}


def env_var(resource: ResourceName) -> str:
    """`RESPITE_TABLE_DOSSIERS`: the variable that carries one resource's physical name."""
    return f"RESPITE_{_KIND[type(resource)]}_{resource.value.upper().replace('-', '_')}"


def physical_name(stage: str, resource: ResourceName) -> str:
    """The name a resource has in an account: `respite-<stage>-<name>`."""
    return f"respite-{stage}-{resource.value}"


def located(resource: ResourceName) -> str | None:
    """The physical name (or, for keys and queues, the id/URL) of a resource, from the environment;
    None when this function is not wired to it."""
    return os.environ.get(env_var(resource))


def locate(resource: ResourceName) -> str:
    """The physical name (or, for keys and queues, the id/URL) of a resource, from the environment."""
    name = located(resource)
    if name is None:
        raise LookupError(f"{env_var(resource)} is not set: this function is not wired to {resource}")
    return name
