"""How a function is wired to the resources its catalogue entry `uses`: environment and IAM grants.

One helper for every kind of function (consumers, scheduled jobs, HTTP API handlers), so a
function's environment and its permissions can never disagree: it gets a variable for a resource
exactly when the resource is in its `uses`, grants on those resources only, and nothing else (READ
of a user pool is the one use that needs no grant: the ARN is all an authorizer needs).
"""

from collections.abc import Iterable

from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from respite_core.metrics import NAMESPACE
from respite_core.resources import (
    BucketName,
    KeyName,
    QueueName,
    ResourceName,
    SecretName,
    TableName,
    UserPoolName,
    env_var,
    physical_name,
)
from respite_infra.catalogue import Access
from respite_infra.cdk.data import DataStores
from respite_infra.cdk.identity import Identity
from respite_infra.cdk.messaging import Messaging
from respite_infra.cdk.nag import (
    S3_GRANT_WILDCARDS,
    acknowledge,
    bucket_objects_finding,
    table_indexes_finding,
)
from respite_infra.cdk.settings import StageSettings

type Uses = Iterable[tuple[ResourceName, Access]]

METRICS_NAMESPACE = NAMESPACE  # respite_core.metrics: what the dashboards and alarms read
PUBLIC_URL_VARIABLE = "RESPITE_PUBLIC_URL"  # what the services read (claims, notifications)

# The KMS actions of envelope encryption with a catalogue key: wrap (GenerateDataKey, Encrypt)
# and unwrap (Decrypt). No ReEncrypt, no key administration, no Describe/List.
_KEY_WRITE_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")

# Writing to a user pool is administering its users, its (office systems') app clients and the offices'
# groups (created with the office, so ops only add people to them): the admin API's work. No
# AdminDeleteUser, AdminSetUserPassword, pool or domain changes; no AdminInitiateAuth (nobody signs in
# as somebody else).
USER_POOL_WRITE_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:ListUsers",
    "cognito-idp:CreateUserPoolClient",
    "cognito-idp:DeleteUserPoolClient",
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:CreateGroup",
)


_INDEXES = (
    "A grant on a table covers its own global secondary indexes (<table>/index/*), which the "
    "access patterns query."
)
_OBJECTS = (
    "CDK's bucket grant: object actions (Get/Delete/Abort...) on this one bucket's objects "
    "(<bucket>/*) only; objects have unique ULID keys, so no narrower prefix exists."
)


class Wiring:
    """Maps catalogue resource names to the constructs that implement them."""

    def __init__(
        self, *, settings: StageSettings, data: DataStores, messaging: Messaging, identity: Identity
    ) -> None:
        self._settings = settings
        self._data = data
        self._messaging = messaging
        self._identity = identity

    def wire(self, function: lambda_.Function, *, service: str, uses: Uses) -> None:
        """Give `function` its environment and its least-privilege grants for `uses`."""
        uses = tuple(uses)
        for name, value in self.environment(service, uses).items():
            function.add_environment(name, value)
        for resource, access in uses:
            self.grant(function, resource, access)

    def environment(self, service: str, uses: Uses) -> dict[str, str]:
        env = {
            "RESPITE_STAGE": self._settings.stage,
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            # links in emails, callback and webhook URLs: every function may build one
            PUBLIC_URL_VARIABLE: self._settings.public_url,
        }
        for resource, _access in uses:
            env[env_var(resource)] = self.locator(resource)
        return env

    def locator(self, resource: ResourceName) -> str:
        """What `respite_core.resources.locate` returns in AWS: a name, a queue URL, a key's or a user
        pool's ARN (the pool's: what Chalice's `CognitoUserPoolAuthorizer` takes as provider ARN)."""
        match resource:
            case TableName():
                return self._data.tables[resource].table_name
            case QueueName():
                return self._messaging.queues[resource].queue_url
            case BucketName():
                return self._data.buckets[resource].bucket_name
            case KeyName():
                return self._data.keys[resource].key_arn
            case SecretName():
                # The literal name: `Secret.secret_name` would be an ARN-parsing expression that
                # resolves to the same string. The grant on the secret orders the deployment.
                if resource not in self._data.secrets:
                    raise KeyError(resource)
                return physical_name(self._settings.stage, resource)
            case UserPoolName():
                return self._identity.user_pools[resource].user_pool_arn

    def grant(self, grantee: iam.IGrantable, resource: ResourceName, access: Access) -> None:
        write = access is Access.WRITE
        match resource:
            case TableName():
                table = self._data.tables[resource]
                _ = table.grant_read_write_data(grantee) if write else table.grant_read_data(grantee)
                indexed = resource in self._data.indexed_tables
                if indexed and isinstance(grantee, lambda_.Function) and grantee.role is not None:
                    acknowledge(grantee.role, table_indexes_finding(table), _INDEXES)
            case QueueName():
                # Writing to a queue is sending. Receiving from a queue is the job of its event
                # source (a QueueConsumer, which grants consume itself); READ in `uses` is for a
                # function that polls a queue on its own (e.g. an operator's DLQ inspection).
                queue = self._messaging.queues[resource]
                _ = queue.grant_send_messages(grantee) if write else queue.grant_consume_messages(grantee)
            case BucketName():
                # grant_read_write includes s3:DeleteObject*: erasure deletes a dossier's objects.
                bucket = self._data.buckets[resource]
                _ = bucket.grant_read_write(grantee) if write else bucket.grant_read(grantee)
                if isinstance(grantee, lambda_.Function) and grantee.role is not None:
                    for finding in (bucket_objects_finding(bucket), *S3_GRANT_WILDCARDS):
                        acknowledge(grantee.role, finding, _OBJECTS)
            case KeyName():
                key = self._data.keys[resource]
                _ = key.grant(grantee, *_KEY_WRITE_ACTIONS) if write else key.grant_decrypt(grantee)
            case SecretName():
                secret = self._data.secrets[resource]
                secret.grant_read(grantee)
                if write:
                    secret.grant_write(grantee)
            case UserPoolName():
                # READ is knowing the pool (its ARN, for an authorizer): no grant at all. Not even
                # Describe*: DescribeUserPoolClient returns the office systems' client secrets.
                pool = self._identity.user_pools[resource]
                if write:
                    pool.grant(grantee, *USER_POOL_WRITE_ACTIONS)
