"""Data at rest: the platform's KMS key, the tables, buckets, catalogue keys and secrets."""

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from respite_core.resources import BucketName, KeyName, SecretName, TableName, physical_name
from respite_infra.catalogue import CATALOGUE, Bucket, Catalogue, Key, Secret, Table
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id
from respite_infra.site import UploadCors

# S3 server access logs: who touched which object key (ULIDs, no personal data), kept this long.
ACCESS_LOG_DAYS = 90

# Hex digits only, so `2 * length_bytes` characters carry exactly `length_bytes` random bytes
# (a 62-symbol alphabet would need ~1.35 characters a byte and is easier to get wrong).
_NOT_HEX = "ghijklmnopqrstuvwxyz"


def bucket_name(stage: str, name: BucketName) -> str:
    """Bucket names are global: the account and region keep two deployments of a stage apart."""
    return f"{physical_name(stage, name)}-{cdk.Aws.ACCOUNT_ID}-{cdk.Aws.REGION}"


def upload_origins(stage: str, catalogue: Catalogue = CATALOGUE) -> tuple[str, ...]:
    """Where a browser posts presigned uploads (the site's connect-src): each such bucket's virtual-
    hosted origin, regional and global (the URL boto3 signs depends on the function's region)."""
    return tuple(
        f"https://{bucket_name(stage, bucket.name)}.{host}"
        for bucket in catalogue.buckets
        if bucket.browser_uploads
        for host in (f"s3.{cdk.Aws.REGION}.amazonaws.com", "s3.amazonaws.com")
    )


class DataStores(Construct):
    """Every stateful resource of the catalogue but the queues (`messaging.Messaging`).

    One customer-managed key (`at_rest_key`) encrypts tables, buckets, queues and secrets; each
    catalogue `Key` is a KMS key of its own that the application uses directly (envelope
    encryption of per-dossier data keys).
    """

    def __init__(self, scope: Construct, id: str, *, catalogue: Catalogue, settings: StageSettings) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self.at_rest_key = kms.Key(
            self,
            "AtRestKey",
            alias=f"alias/{settings.name('at-rest')}",
            description=f"Respite {settings.stage}: encryption at rest of tables, queues, buckets, secrets",
            enable_key_rotation=True,
            removal_policy=settings.removal_policy,
        )
        self.tables: dict[TableName, dynamodb.Table] = {t.name: self._table(t) for t in catalogue.tables}
        self.indexed_tables = frozenset(t.name for t in catalogue.tables if t.indexes)  # grants cover index/*
        self.access_logs = self._access_log_bucket() if catalogue.buckets else None
        self.buckets: dict[BucketName, s3.Bucket] = {b.name: self._bucket(b) for b in catalogue.buckets}
        self.keys: dict[KeyName, kms.Key] = {k.name: self._key(k) for k in catalogue.keys}
        self.secrets: dict[SecretName, secretsmanager.Secret] = {
            s.name: self._secret(s) for s in catalogue.secrets
        }

    def _table(self, table: Table) -> dynamodb.Table:
        string = dynamodb.AttributeType.STRING
        resource = dynamodb.Table(
            self,
            f"{construct_id(table.name.value)}Table",
            table_name=physical_name(self._settings.stage, table.name),
            partition_key=dynamodb.Attribute(name=table.partition_key, type=string),
            sort_key=dynamodb.Attribute(name=table.sort_key, type=string) if table.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if table.stream else None,
            time_to_live_attribute=table.ttl_attribute,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True,
                # Every backup copy lives this long: the residual window of an erasure.
                recovery_period_in_days=table.pitr_days,
            ),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.at_rest_key,
            deletion_protection=self._settings.production,
            removal_policy=self._settings.removal_policy,
        )
        for index in table.indexes:
            resource.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.partition_key, type=string),
                sort_key=dynamodb.Attribute(name=index.sort_key, type=string) if index.sort_key else None,
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return resource

    def _access_log_bucket(self) -> s3.Bucket:
        """Where the catalogue's buckets write their server access logs (SSE-S3: S3's log delivery
        cannot write with a customer-managed key)."""
        name = f"{self._settings.name('access-logs')}-{cdk.Aws.ACCOUNT_ID}-{cdk.Aws.REGION}"
        bucket = s3.Bucket(
            self,
            "AccessLogsBucket",
            bucket_name=name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            lifecycle_rules=[s3.LifecycleRule(id="expire", expiration=cdk.Duration.days(ACCESS_LOG_DAYS))],
            removal_policy=self._settings.removal_policy,
            auto_delete_objects=not self._settings.production,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "This is the access-log bucket of the platform's buckets: logging it into itself would log "
            "its own log deliveries without end.",
        )
        return bucket

    def _bucket(self, bucket: Bucket) -> s3.Bucket:
        lifecycle = [
            s3.LifecycleRule(
                id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(1)
            )
        ]
        if bucket.expire_after_days is not None:
            # A backstop only: erasure deletes a dossier's objects itself.
            lifecycle.append(
                s3.LifecycleRule(id="expire", expiration=cdk.Duration.days(bucket.expire_after_days))
            )
        # Not a backstop: the only deletion of an upload never confirmed (after an erasure, say).
        lifecycle += [
            s3.LifecycleRule(
                id=f"expire-{short.prefix.strip('/')}",
                prefix=short.prefix,
                expiration=cdk.Duration.days(short.days),
            )
            for short in bucket.short_lived
        ]
        # Functions learn the name from their environment, as for every resource.
        name = bucket_name(self._settings.stage, bucket.name)
        return s3.Bucket(
            self,
            f"{construct_id(bucket.name.value)}Bucket",
            bucket_name=name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.at_rest_key,
            bucket_key_enabled=True,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            # Versioning OFF, deliberately. Erasure must remove every copy of an object: with
            # versioning on, a DeleteObject only adds a delete marker and the old versions stay
            # until each is deleted by version id (or a noncurrent-version lifecycle rule runs),
            # so one erasure would become "list every version, delete each" plus a window. Off,
            # a DeleteObject is final. Objects are written once under unique (ULID) keys and never
            # overwritten, so versioning would protect little; PITR-like recovery of documents is
            # not a requirement, erasure is.
            versioned=False,
            lifecycle_rules=lifecycle,
            removal_policy=self._settings.removal_policy,
            # Outside production a stack deletion empties the bucket first (a custom resource).
            auto_delete_objects=not self._settings.production,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{bucket.name.value}/",
            cors=self._upload_cors(bucket),
        )

    def _upload_cors(self, bucket: Bucket) -> list[s3.CorsRule] | None:
        """The front ends' origins may post presigned uploads (and read the answer): no other origin."""
        cors = UploadCors(self._settings.frontend_origins)
        if not bucket.browser_uploads or not cors.origins:
            return None
        return [
            s3.CorsRule(
                allowed_methods=[s3.HttpMethods(method) for method in cors.methods],
                allowed_origins=list(cors.origins),
                max_age=cors.max_age_s,
            )
        ]

    def _key(self, key: Key) -> kms.Key:
        return kms.Key(
            self,
            f"{construct_id(key.name.value)}Key",
            alias=f"alias/{physical_name(self._settings.stage, key.name)}",
            description=f"Respite {self._settings.stage}: {key.purpose}",
            enable_key_rotation=True,
            removal_policy=self._settings.removal_policy,
        )

    def _secret(self, secret: Secret) -> secretsmanager.Secret:
        resource = secretsmanager.Secret(
            self,
            f"{construct_id(secret.name.value)}Secret",
            secret_name=physical_name(self._settings.stage, secret.name),
            description=f"Respite {self._settings.stage}: {secret.purpose}",
            encryption_key=self.at_rest_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=2 * secret.length_bytes,  # hex: two characters a byte
                exclude_uppercase=True,
                exclude_punctuation=True,
                exclude_characters=_NOT_HEX,
                require_each_included_type=False,
                include_space=False,
            ),
            removal_policy=self._settings.removal_policy,
        )
        acknowledge(
            resource,
            "AwsSolutions-SMG4",
            "No automatic rotation, on purpose: this HMAC key is the pseudonymous national-number "
            "index itself; a new key makes every stored lookup hash unfindable until the index is "
            "re-keyed (a data migration an operator runs, then rotates the key by hand).",
        )
        return resource
