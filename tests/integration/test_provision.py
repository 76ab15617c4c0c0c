"""Provisioning the platform's catalogue in moto: every resource exists as declared, and the services
get one environment variable per resource."""

import json

import boto3

from respite_core.resources import BucketName, QueueName, env_var, physical_name
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import STAGE_VARIABLE, provision


def test_every_resource_of_the_catalogue_is_created_and_located(aws: boto3.Session, stage: str) -> None:
    environment = provision(CATALOGUE, stage, aws)

    assert environment[STAGE_VARIABLE] == stage
    assert {env_var(resource) for resource in CATALOGUE.resources()} <= environment.keys()
    assert len(environment) == len(list(CATALOGUE.resources())) + 1

    dynamodb = aws.client("dynamodb")
    for table in CATALOGUE.tables:
        name = environment[env_var(table.name)]
        assert name == physical_name(stage, table.name)
        description = dynamodb.describe_table(TableName=name)["Table"]
        assert description["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        expected_keys = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
        if table.sort_key:
            expected_keys.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
        assert description["KeySchema"] == expected_keys
        indexes = {
            index["IndexName"]: (index["KeySchema"], index["Projection"]["ProjectionType"])
            for index in description.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            index.name: (
                [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "ALL",
            )
            for index in table.indexes
        }
        stream = description.get("StreamSpecification", {})
        if table.stream:
            assert stream == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
            assert description["LatestStreamArn"]
        else:
            assert not stream.get("StreamEnabled", False)
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if table.ttl_attribute is None:
            assert ttl["TimeToLiveStatus"] == "DISABLED"
        else:
            assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", table.ttl_attribute)
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"

    sqs = aws.client("sqs")
    for queue in CATALOGUE.queues:
        url = environment[env_var(queue.name)]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["QueueArn"].endswith(f":{physical_name(stage, queue.name)}")
        assert attributes["VisibilityTimeout"] == str(queue.visibility_timeout_s)
        redrive = json.loads(attributes["RedrivePolicy"])
        assert int(redrive["maxReceiveCount"]) == queue.max_receive_count
        dlq_url = sqs.get_queue_url(QueueName=f"{physical_name(stage, queue.name)}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        assert redrive["deadLetterTargetArn"] == dlq_arn

    s3 = aws.client("s3")
    for bucket in CATALOGUE.buckets:
        name = environment[env_var(bucket.name)]
        assert name == physical_name(stage, bucket.name)
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
        assert {(r["Filter"].get("Prefix", ""), r["Expiration"]["Days"]) for r in lifecycle} == {
            ("", bucket.expire_after_days),
            *((short.prefix, short.days) for short in bucket.short_lived),
        }
        assert all(r["Status"] == "Enabled" for r in lifecycle)

    kms = aws.client("kms")
    for key in CATALOGUE.keys:
        arn = environment[env_var(key.name)]
        assert kms.describe_key(KeyId=f"alias/respite-{stage}-{key.name.value}")["KeyMetadata"]["Arn"] == arn
        assert kms.generate_data_key(KeyId=arn, KeySpec="AES_256")["Plaintext"]

    secretsmanager = aws.client("secretsmanager")
    for secret in CATALOGUE.secrets:
        name = environment[env_var(secret.name)]
        assert name == f"respite-{stage}-{secret.name.value}"
        value = secretsmanager.get_secret_value(SecretId=name)["SecretString"]
        assert len(bytes.fromhex(value)) == secret.length_bytes


def test_provisioning_twice_keeps_the_resources_and_returns_the_same_environment(
    aws: boto3.Session, stage: str
) -> None:
    first = provision(CATALOGUE, stage, aws)
    secret = aws.client("secretsmanager").get_secret_value(
        SecretId=first[env_var(CATALOGUE.secrets[0].name)]
    )["SecretString"]
    queue_url = first[env_var(QueueName.DOSSIER_EVENTS_FAILED)]
    aws.client("sqs").send_message(QueueUrl=queue_url, MessageBody="kept")

    second = provision(CATALOGUE, stage, aws)

    assert second == first
    assert (
        aws.client("secretsmanager").get_secret_value(SecretId=second[env_var(CATALOGUE.secrets[0].name)])[
            "SecretString"
        ]
        == secret
    )
    received = aws.client("sqs").receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert [message["Body"] for message in received] == ["kept"]


def test_the_documents_bucket_keeps_uploads_and_download_copies_one_day(
    aws: boto3.Session, stage: str
) -> None:
    """moto never runs a lifecycle: what is asserted is that the rule is set (S3 runs it)."""
    name = provision(CATALOGUE, stage, aws)[env_var(BucketName.DOCUMENTS)]

    rules = aws.client("s3").get_bucket_lifecycle_configuration(Bucket=name)["Rules"]

    short = {r["Filter"]["Prefix"]: r["Expiration"]["Days"] for r in rules if r["Filter"].get("Prefix")}
    assert short == {"incoming/": 1, "outgoing/": 1}
