"""Create every resource of the wiring catalogue in moto, and say where each one is.

`provision` returns the environment a service needs: one variable per resource (`env_var`) with its
physical value, and `RESPITE_STAGE`. It is idempotent: a resource that exists already is kept (and
its settings applied again), so provisioning a running moto twice gives the same environment.

Physical values: tables and buckets `respite-<stage>-<name>`; queues their URL (the DLQ is
`respite-<stage>-<name>-dlq`); keys the key ARN (alias `alias/respite-<stage>-<name>`); secrets the
secret name `respite/<stage>/<name>`, created with `length_bytes` random bytes as a lower-case hex
string (so a 32-byte secret is 64 hex characters). An existing secret keeps its value.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import TYPE_CHECKING, Any, cast

import boto3
from botocore.exceptions import ClientError

from respite_core.resources import env_var, physical_name
from respite_infra.catalogue import Bucket, Catalogue, Key, Queue, Secret, Table
from respite_infra.site import UploadCors

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeDefinitionTypeDef,
        GlobalSecondaryIndexTypeDef,
        KeySchemaElementTypeDef,
    )
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.literals import BucketLocationConstraintType
    from mypy_boto3_s3.type_defs import LifecycleRuleTypeDef
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.literals import QueueAttributeNameType

logger = logging.getLogger(__name__)

STAGE_VARIABLE = "RESPITE_STAGE"
DAY_S = 86_400
_NOT_IMPLEMENTED = {"NotImplemented", "NotImplementedError", "UnknownOperationException", "InternalFailure"}


def error_code(error: ClientError) -> str:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code


def provision(
    catalogue: Catalogue, stage: str, session: boto3.Session, *, endpoint_url: str | None = None
) -> dict[str, str]:
    """Create the catalogue's resources for `stage`; return the services' environment variables.

    The clients come from `session`; they reach moto through `AWS_ENDPOINT_URL` in the environment
    (see `aws_environment`) or through `endpoint_url` when given.
    """
    region = session.region_name
    if region is None:
        raise ValueError("the session has no region")
    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
    sqs = session.client("sqs", endpoint_url=endpoint_url)
    s3 = session.client("s3", endpoint_url=endpoint_url)
    kms = session.client("kms", endpoint_url=endpoint_url)
    secretsmanager = session.client("secretsmanager", endpoint_url=endpoint_url)

    environment = {STAGE_VARIABLE: stage}
    for table in catalogue.tables:
        environment[env_var(table.name)] = create_table(dynamodb, table, stage)
    for queue in catalogue.queues:
        environment[env_var(queue.name)] = create_queue(sqs, queue, stage)
    for bucket in catalogue.buckets:
        environment[env_var(bucket.name)] = create_bucket(s3, bucket, stage, region)
    for key in catalogue.keys:
        environment[env_var(key.name)] = create_key(kms, key, stage)
    for secret in catalogue.secrets:
        environment[env_var(secret.name)] = create_secret(secretsmanager, secret, stage)
    logger.info("provisioned stage %s: %d resources", stage, len(environment) - 1)
    return environment


# --- tables ------------------------------------------------------------------------------------


def create_table(dynamodb: DynamoDBClient, table: Table, stage: str) -> str:
    name = physical_name(stage, table.name)
    key_schema: list[KeySchemaElementTypeDef] = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    attributes = [table.partition_key]
    if table.sort_key:
        key_schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
        attributes.append(table.sort_key)
    indexes: list[GlobalSecondaryIndexTypeDef] = []
    for index in table.indexes:
        index_schema: list[KeySchemaElementTypeDef] = [
            {"AttributeName": index.partition_key, "KeyType": "HASH"}
        ]
        attributes.append(index.partition_key)
        if index.sort_key:
            index_schema.append({"AttributeName": index.sort_key, "KeyType": "RANGE"})
            attributes.append(index.sort_key)
        indexes.append(
            {"IndexName": index.name, "KeySchema": index_schema, "Projection": {"ProjectionType": "ALL"}}
        )
    definitions: list[AttributeDefinitionTypeDef] = [
        {"AttributeName": attribute, "AttributeType": "S"} for attribute in dict.fromkeys(attributes)
    ]
    arguments: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "SSESpecification": {"Enabled": True, "SSEType": "KMS"},
    }
    if indexes:
        arguments["GlobalSecondaryIndexes"] = indexes
    if table.stream:
        arguments["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    try:
        dynamodb.create_table(**arguments)
    except ClientError as error:
        if error_code(error) != "ResourceInUseException":
            raise
        logger.info("table %s exists already", name)
    dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    if table.ttl_attribute is not None:
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
    try:
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True,
                "RecoveryPeriodInDays": table.pitr_days,
            },
        )
    except ClientError as error:
        if error_code(error) not in _NOT_IMPLEMENTED:
            raise
        logger.info("point-in-time recovery not supported here: %s", error_code(error))
    return name


# --- queues ------------------------------------------------------------------------------------


def _ensure_queue(sqs: SQSClient, name: str, attributes: dict[QueueAttributeNameType, str]) -> str:
    try:
        return sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        if error_code(error) not in ("QueueAlreadyExists", "QueueNameExists"):
            raise
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def queue_arn(sqs: SQSClient, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def create_queue(sqs: SQSClient, queue: Queue, stage: str) -> str:
    """The DLQ first, then the queue that redrives to it after `max_receive_count` receives."""
    name = physical_name(stage, queue.name)
    dlq_url = _ensure_queue(
        sqs,
        f"{name}-dlq",
        {
            "MessageRetentionPeriod": str(queue.dlq_retention_days * DAY_S),
            "SqsManagedSseEnabled": "true",
        },
    )
    redrive = {"deadLetterTargetArn": queue_arn(sqs, dlq_url), "maxReceiveCount": queue.max_receive_count}
    return _ensure_queue(
        sqs,
        name,
        {
            "VisibilityTimeout": str(queue.visibility_timeout_s),
            "MessageRetentionPeriod": str(queue.retention_days * DAY_S),
            "RedrivePolicy": json.dumps(redrive),
            "SqsManagedSseEnabled": "true",
        },
    )


# --- buckets -----------------------------------------------------------------------------------


def allow_browser_uploads(
    session: boto3.Session, catalogue: Catalogue, stage: str, origins: Sequence[str]
) -> None:
    """The CORS rules CDK gives the buckets browsers upload to, for the local front end's origins."""
    s3 = session.client("s3")
    rules = UploadCors(tuple(origins)).rules()
    for bucket in catalogue.buckets:
        if bucket.browser_uploads and rules:
            s3.put_bucket_cors(
                Bucket=physical_name(stage, bucket.name), CORSConfiguration={"CORSRules": cast("Any", rules)}
            )


def create_bucket(s3: S3Client, bucket: Bucket, stage: str, region: str) -> str:
    name = physical_name(stage, bucket.name)
    try:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            location = cast("BucketLocationConstraintType", region)
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": location})
    except ClientError as error:
        if error_code(error) != "BucketAlreadyOwnedByYou":
            raise
        logger.info("bucket %s exists already", name)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    try:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
    except ClientError as error:
        if error_code(error) not in _NOT_IMPLEMENTED:
            raise
        logger.info("default bucket encryption not supported here: %s", error_code(error))
    rules = lifecycle_rules(bucket)
    if rules:
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    return name


def lifecycle_rules(bucket: Bucket) -> list[LifecycleRuleTypeDef]:
    """The bucket's lifecycle as CDK declares it (moto stores it but never runs it)."""
    rules: list[LifecycleRuleTypeDef] = []
    if bucket.expire_after_days is not None:
        rules.append(
            {
                "ID": "expire",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Expiration": {"Days": bucket.expire_after_days},
            }
        )
    rules += [
        {
            "ID": f"expire-{short.prefix.strip('/')}",
            "Status": "Enabled",
            "Filter": {"Prefix": short.prefix},
            "Expiration": {"Days": short.days},
        }
        for short in bucket.short_lived
    ]
    return rules


# --- keys and secrets --------------------------------------------------------------------------


def key_alias(stage: str, key: Key) -> str:
    return f"alias/{physical_name(stage, key.name)}"


def create_key(kms: KMSClient, key: Key, stage: str) -> str:
    """The key's ARN; the key is created with its alias only when the alias does not exist yet."""
    alias = key_alias(stage, key)
    try:
        return kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]
    except ClientError as error:
        if error_code(error) != "NotFoundException":
            raise
    metadata = kms.create_key(
        Description=key.purpose, KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT"
    )
    kms.create_alias(AliasName=alias, TargetKeyId=metadata["KeyMetadata"]["KeyId"])
    return metadata["KeyMetadata"]["Arn"]


def secret_name(stage: str, secret: Secret) -> str:
    return physical_name(stage, secret.name)  # the name CDK gives it too


def create_secret(secretsmanager: SecretsManagerClient, secret: Secret, stage: str) -> str:
    """The secret's name; its value is `length_bytes` random bytes in lower-case hex."""
    name = secret_name(stage, secret)
    try:
        secretsmanager.create_secret(
            Name=name, Description=secret.purpose, SecretString=secrets.token_hex(secret.length_bytes)
        )
    except ClientError as error:
        if error_code(error) != "ResourceExistsException":
            raise
        logger.info("secret %s exists already: its value is kept", name)
    return name


# --- outbound email (SES v2) ---------------------------------------------------------------------

LOCAL_EMAIL_SENDER = "Respite <no-reply@respite.example>"


def verify_email_identities(session: boto3.Session, sender: str = LOCAL_EMAIL_SENDER) -> list[str]:
    """Make SES (moto) accept mail from `sender`: its domain and its address as email identities.

    In AWS the domain identity is verified by DKIM records in DNS (the CDK stack's concern); moto
    counts an identity as verified as soon as it exists, and refuses to send from anything else.
    Idempotent: an identity that exists already is kept. Returns the identities.
    """
    from email.utils import parseaddr

    ses = session.client("sesv2")
    _, address = parseaddr(sender)
    if "@" not in address:
        raise ValueError("the sender has no email address")
    identities = [address.rsplit("@", 1)[1], address]
    for identity in identities:
        try:
            ses.create_email_identity(EmailIdentity=identity)
        except ClientError as error:
            if error_code(error) != "AlreadyExistsException":
                raise
    return identities
