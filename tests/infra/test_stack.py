"""The CDK stack synthesised from the wiring catalogue (no CDK CLI, no AWS: `Template.from_stack`)."""

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match, Template

from respite_core.callers import USER_SCOPE
from respite_core.resources import (
    BucketName,
    QueueName,
    ResourceName,
    TableName,
    UserPoolName,
    env_var,
    physical_name,
)
from respite_core.store.documents import INCOMING_PREFIX, OUTGOING_PREFIX
from respite_infra.catalogue import (
    CATALOGUE,
    Access,
    Catalogue,
    Function,
    HttpApi,
    Queue,
    QueueConsumer,
    Schedule,
    StreamConsumer,
    Table,
    UserPool,
)
from respite_infra.cdk import RespiteStack, cdk_context, check_catalogue
from respite_infra.cdk.apis import (
    API_HANDLER,
    FRONTEND_ORIGINS_VARIABLE,
    UNAUTHORIZED_PROBLEM,
    Authorization,
    api_function_name,
    api_uses,
    office_routes,
    routes,
)
from respite_infra.cdk.settings import construct_id
from respite_infra.cdk.wiring import USER_POOL_WRITE_ACTIONS
from respite_infra.local.identity import WEB_CLIENT_AUTH_FLOWS
from tests.infra.conftest import FRONTEND_ORIGINS, PUBLIC_URL, Synthesised

STAGE = "dev"
# what the email construct gives the functions that send mail (respite_infra.cdk.email)
EMAIL_SENDER_ENV = {"RESPITE_EMAIL_SENDER", "RESPITE_INBOUND_DOMAIN", "RESPITE_SES_CONFIGURATION_SET"}
type Resources = dict[str, dict[str, Any]]


def synth(
    catalogue: Catalogue, stage: str, code_root: Path, *, cognito_domain: bool = True
) -> tuple[RespiteStack, Template]:
    app = cdk.App(context=cdk_context())  # the feature flags of cdk.json, as app.py uses them
    stack = RespiteStack(
        app,
        f"respite-{stage}",
        catalogue=catalogue,
        stage=stage,
        code_root=code_root,
        cognito_domain=cognito_domain,
        platform=None,  # the template only: no third-party dependencies to build
    )
    return stack, Template.from_stack(stack)


@pytest.fixture(scope="module")
def code_root(dev_stage: Synthesised) -> Path:
    return dev_stage.code_root


@pytest.fixture(scope="module")
def template(dev_stage: Synthesised) -> Template:
    return dev_stage.template


def of_type(template: Template, type_: str) -> Resources:
    return {k: dict(v) for k, v in template.find_resources(type_).items()}


def named(template: Template, type_: str, prop: str, name: str) -> tuple[str, dict[str, Any]]:
    """The one resource of `type_` whose property `prop` is `name`: (logical id, properties)."""
    matches = [
        (k, r["Properties"]) for k, r in of_type(template, type_).items() if r["Properties"].get(prop) == name
    ]
    assert len(matches) == 1, f"{len(matches)} {type_} with {prop} = {name}"
    return matches[0]


def arn_of(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def lambda_function(template: Template, name: str) -> tuple[str, dict[str, Any]]:
    return named(template, "AWS::Lambda::Function", "FunctionName", physical_name_of(name))


def physical_name_of(function_name: str) -> str:
    return f"respite-{STAGE}-{function_name}"


def wired() -> list[tuple[str, str, tuple[tuple[ResourceName, Access], ...]]]:
    """(function name, service, uses) of every function the catalogue makes, API handlers included
    (with their authorizer's user pool, a READ use)."""
    functions = {f.name: (f.name, f.service, f.uses) for f in CATALOGUE.functions()}
    return [*functions.values(), *((api_function_name(a), a.service, api_uses(a)) for a in CATALOGUE.apis)]


def policy_statements(template: Template, function_props: dict[str, Any]) -> list[dict[str, Any]]:
    role = function_props["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_on(statements: list[dict[str, Any]], resource: object) -> set[str]:
    actions: set[str] = set()
    for statement in statements:
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        if resource in resources and statement["Effect"] == "Allow":
            action = statement["Action"]
            actions.update(action if isinstance(action, list) else [action])
    return actions


# --- data -----------------------------------------------------------------------------------------


def the_at_rest_key(template: Template) -> str:
    (alias,) = [
        a["Properties"]
        for a in of_type(template, "AWS::KMS::Alias").values()
        if a["Properties"]["AliasName"] == f"alias/respite-{STAGE}-at-rest"
    ]
    logical_id: str = alias["TargetKeyId"]["Fn::GetAtt"][0]
    return logical_id


@pytest.mark.parametrize("table", CATALOGUE.tables, ids=lambda t: t.name.value)
def test_every_table_exists_as_catalogued(template: Template, table: Table) -> None:
    _, props = named(template, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, table.name))
    key_schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        key_schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
    assert props["KeySchema"] == key_schema
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert all(a["AttributeType"] == "S" for a in props["AttributeDefinitions"])
    assert [(i["IndexName"], i["KeySchema"]) for i in props.get("GlobalSecondaryIndexes", [])] == [
        (
            index.name,
            [
                {"AttributeName": index.partition_key, "KeyType": "HASH"},
                {"AttributeName": index.sort_key, "KeyType": "RANGE"},
            ],
        )
        for index in table.indexes
    ]
    if table.stream:
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    else:
        assert "StreamSpecification" not in props
    if table.ttl_attribute:
        assert props["TimeToLiveSpecification"] == {"AttributeName": table.ttl_attribute, "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in props
    assert props["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": table.pitr_days,
    }
    assert props["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": arn_of(the_at_rest_key(template)),
    }


def test_dev_tables_are_destroyed_with_the_stack(template: Template) -> None:
    for table in of_type(template, "AWS::DynamoDB::Table").values():
        assert table["DeletionPolicy"] == "Delete"
        assert table["Properties"]["DeletionProtectionEnabled"] is False


def test_keys_rotate_and_have_their_aliases(template: Template) -> None:
    aliases = {
        a["Properties"]["AliasName"]: a["Properties"] for a in of_type(template, "AWS::KMS::Alias").values()
    }
    expected = {f"alias/{physical_name(STAGE, k.name)}" for k in CATALOGUE.keys} | {
        f"alias/respite-{STAGE}-at-rest"
    }
    if CATALOGUE.email is not None:  # the SES events topic's own key
        expected.add(f"alias/respite-{STAGE}-{CATALOGUE.email.events_topic}")
    assert set(aliases) == expected
    keys = of_type(template, "AWS::KMS::Key")
    assert len(keys) == len(expected)
    for alias in aliases.values():
        assert keys[alias["TargetKeyId"]["Fn::GetAtt"][0]]["Properties"]["EnableKeyRotation"] is True


def test_secrets_are_generated_and_encrypted(template: Template) -> None:
    for secret in CATALOGUE.secrets:
        _, props = named(template, "AWS::SecretsManager::Secret", "Name", physical_name(STAGE, secret.name))
        assert props["GenerateSecretString"]["PasswordLength"] == 2 * secret.length_bytes  # hex
        assert props["KmsKeyId"] == arn_of(the_at_rest_key(template))


def test_every_bucket_is_private_encrypted_and_tls_only(template: Template) -> None:
    buckets = of_type(template, "AWS::S3::Bucket")
    (log_bucket_id,) = [
        k
        for k, r in buckets.items()
        if f"respite-{STAGE}-access-logs-" in json.dumps(r["Properties"]["BucketName"])
    ]
    policies = of_type(template, "AWS::S3::BucketPolicy")
    for bucket in CATALOGUE.buckets:
        (logical_id, resource) = next(
            (k, r)
            for k, r in buckets.items()
            if physical_name(STAGE, bucket.name) in json.dumps(r["Properties"]["BucketName"])
        )
        props = resource["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        (encryption,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert encryption["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": arn_of(the_at_rest_key(template)),
        }
        assert "VersioningConfiguration" not in props  # erasure: a DeleteObject must be final
        assert props["LoggingConfiguration"] == {
            "DestinationBucketName": {"Ref": log_bucket_id},
            "LogFilePrefix": f"{bucket.name.value}/",
        }
        rules = props["LifecycleConfiguration"]["Rules"]
        expirations = [r.get("ExpirationInDays") for r in rules if "Prefix" not in r]
        assert bucket.expire_after_days in expirations
        by_prefix = {r["Prefix"]: (r["Status"], r["ExpirationInDays"]) for r in rules if "Prefix" in r}
        assert by_prefix == {short.prefix: ("Enabled", short.days) for short in bucket.short_lived}
        (policy,) = [p for p in policies.values() if p["Properties"]["Bucket"] == {"Ref": logical_id}]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )


def test_uploads_not_yet_confirmed_and_download_copies_live_one_day(template: Template) -> None:
    """What S3 itself deletes in the documents bucket: the incoming uploads (after an erasure, no
    confirmation may come) and the decrypted download copies."""
    (documents,) = [b for b in CATALOGUE.buckets if b.name is BucketName.DOCUMENTS]
    assert {(s.prefix, s.days) for s in documents.short_lived} == {(INCOMING_PREFIX, 1), (OUTGOING_PREFIX, 1)}
    buckets = template.find_resources("AWS::S3::Bucket")
    rules = [
        rule
        for bucket in buckets.values()
        for rule in bucket["Properties"].get("LifecycleConfiguration", {}).get("Rules", [])
        if "Prefix" in rule
    ]
    assert sorted((r["Prefix"], r["ExpirationInDays"]) for r in rules) == [("incoming/", 1), ("outgoing/", 1)]


def test_only_the_front_ends_may_post_uploads_to_the_documents_bucket(template: Template) -> None:
    """The web app posts the signed consent form straight to S3 with a presigned POST: the documents
    bucket answers the front ends' origins (CORS), for POST only; no other bucket answers a browser."""
    buckets = of_type(template, "AWS::S3::Bucket")
    cors = {
        json.dumps(r["Properties"]["BucketName"]): r["Properties"]["CorsConfiguration"]
        for r in buckets.values()
        if "CorsConfiguration" in r["Properties"]
    }
    (name,) = cors
    assert physical_name(STAGE, BucketName.DOCUMENTS) in name
    assert [b.name for b in CATALOGUE.buckets if b.browser_uploads] == [BucketName.DOCUMENTS]
    (rule,) = cors[name]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == list(FRONTEND_ORIGINS)
    assert "AllowedHeaders" not in rule  # a form post sends no header a preflight must allow


# --- messaging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("queue", CATALOGUE.queues, ids=lambda q: q.name.value)
def test_every_queue_has_its_dlq_and_is_encrypted(template: Template, queue: Queue) -> None:
    at_rest = arn_of(the_at_rest_key(template))
    dlq_id, dlq = named(template, "AWS::SQS::Queue", "QueueName", f"respite-{STAGE}-{queue.dlq_name}")
    queue_id, props = named(template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, queue.name))
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": arn_of(dlq_id),
        "maxReceiveCount": queue.max_receive_count,
    }
    assert props["VisibilityTimeout"] == queue.visibility_timeout_s
    assert props["MessageRetentionPeriod"] == queue.retention_days * 86400
    assert dlq["MessageRetentionPeriod"] == queue.dlq_retention_days * 86400
    assert props["KmsMasterKeyId"] == at_rest == dlq["KmsMasterKeyId"]
    for logical_id in (queue_id, dlq_id):  # enforce_ssl
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {
                "Queues": [{"Ref": logical_id}],
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                            )
                        ]
                    )
                },
            },
        )


# --- functions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("consumer", CATALOGUE.stream_consumers, ids=lambda c: c.function.name)
def test_every_stream_consumer_is_mapped_with_bounded_retries(
    template: Template, consumer: StreamConsumer
) -> None:
    function_id, _ = lambda_function(template, consumer.function.name)
    table_id, _ = named(template, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, consumer.table))
    queue_id, _ = named(template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, consumer.on_failure))
    (mapping,) = [
        m["Properties"]
        for m in of_type(template, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["BatchSize"] == consumer.batch_size
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == consumer.retry_attempts
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": arn_of(queue_id)}}
    (pattern,) = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": list(consumer.event_names)}


def expected_locator(template: Template, resource: ResourceName) -> object:
    """What a function's environment variable for `resource` must hold in the template."""
    name = physical_name(STAGE, resource)
    match env_var(resource).split("_")[1]:
        case "TABLE":
            return {"Ref": named(template, "AWS::DynamoDB::Table", "TableName", name)[0]}
        case "QUEUE":
            return {"Ref": named(template, "AWS::SQS::Queue", "QueueName", name)[0]}  # Ref = URL
        case "KEY":
            alias = named(template, "AWS::KMS::Alias", "AliasName", f"alias/{name}")[1]
            return alias["TargetKeyId"]
        case "SECRET":
            return name
        case "USER":  # RESPITE_USER_POOL_<NAME>: the pool's ARN, what Chalice's authorizer takes
            return arn_of(the_user_pool(template, name)[0])
        case kind:
            assert kind == "BUCKET"
            (bucket_id,) = [
                k
                for k, r in of_type(template, "AWS::S3::Bucket").items()
                if name in json.dumps(r["Properties"]["BucketName"])
            ]
            return {"Ref": bucket_id}


@pytest.mark.parametrize(("name", "service", "uses"), wired(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_function_runs_python_313_on_arm_with_tracing_and_its_environment(
    template: Template, name: str, service: str, uses: tuple[tuple[ResourceName, Access], ...]
) -> None:
    _, props = lambda_function(template, name)
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    env = props["Environment"]["Variables"]
    assert env["RESPITE_STAGE"] == STAGE
    assert env["RESPITE_PUBLIC_URL"] == PUBLIC_URL  # links, callback and webhook URLs (the context's)
    assert env["POWERTOOLS_SERVICE_NAME"] == service
    for resource, _access in uses:
        assert env[env_var(resource)] == expected_locator(template, resource), env_var(resource)
    # Nothing it does not use: its stage, the public URL, Powertools' settings, one variable per used
    # resource.
    senders = CATALOGUE.email.sender_functions if CATALOGUE.email is not None else ()
    email = EMAIL_SENDER_ENV if name in senders else set()
    # an API answers browsers of the context's front-end origins (CORS)
    cors = {FRONTEND_ORIGINS_VARIABLE} if name in {api_function_name(a) for a in CATALOGUE.apis} else set()
    if cors:
        assert env[FRONTEND_ORIGINS_VARIABLE] == ",".join(FRONTEND_ORIGINS)
    assert {k for k in env if k.startswith("RESPITE_")} == {"RESPITE_STAGE", "RESPITE_PUBLIC_URL"} | {
        env_var(r) for r, _ in uses
    } | email | cors
    log_group = of_type(template, "AWS::Logs::LogGroup")[props["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == 30


def test_catalogued_function_timeouts_and_memory(template: Template) -> None:
    for function in CATALOGUE.functions():
        _, props = lambda_function(template, function.name)
        assert (props["Timeout"], props["MemorySize"]) == (function.timeout_s, function.memory_mb)
        assert props["Handler"] == function.handler
    for api in CATALOGUE.apis:
        assert lambda_function(template, api_function_name(api))[1]["Handler"] == API_HANDLER


@pytest.mark.parametrize(("name", "service", "uses"), wired(), ids=lambda v: v if isinstance(v, str) else "")
def test_grants_follow_uses_and_access(
    template: Template, name: str, service: str, uses: tuple[tuple[ResourceName, Access], ...]
) -> None:
    _, props = lambda_function(template, name)
    statements = policy_statements(template, props)
    for resource, access in uses:
        target = expected_locator(template, resource)
        match env_var(resource).split("_")[1]:
            case "TABLE":
                assert isinstance(target, dict)
                actions = actions_on(statements, arn_of(target["Ref"]))
                assert "dynamodb:GetItem" in actions
                assert ("dynamodb:PutItem" in actions) is (access is Access.WRITE), resource
            case "KEY":
                actions = actions_on(statements, target)
                assert "kms:Decrypt" in actions
                assert ("kms:GenerateDataKey" in actions) is (access is Access.WRITE), resource
            case "SECRET":
                assert isinstance(target, str)
                secret_id = named(template, "AWS::SecretsManager::Secret", "Name", target)[0]
                actions = actions_on(statements, {"Ref": secret_id})
                assert "secretsmanager:GetSecretValue" in actions
                assert ("secretsmanager:PutSecretValue" in actions) is (access is Access.WRITE), resource
            case "USER":
                actions = actions_on(statements, target)
                assert actions == (set(USER_POOL_WRITE_ACTIONS) if access is Access.WRITE else set()), (
                    resource
                )


def test_a_function_gets_no_grant_on_a_table_it_does_not_use(template: Template) -> None:
    tables = {r["Properties"]["TableName"]: k for k, r in of_type(template, "AWS::DynamoDB::Table").items()}
    for name, _service, uses in wired():
        statements = policy_statements(template, lambda_function(template, name)[1])
        used = {physical_name(STAGE, r) for r, _ in uses}
        for table_name, logical_id in tables.items():
            if table_name not in used:
                assert not actions_on(statements, arn_of(logical_id)), (name, table_name)


# --- identity -------------------------------------------------------------------------------------


def the_user_pool(template: Template, physical: str) -> tuple[str, dict[str, Any]]:
    return named(template, "AWS::Cognito::UserPool", "UserPoolName", physical)


def of_pool(template: Template, type_: str, pool_id: str) -> list[dict[str, Any]]:
    """The properties of every `type_` (client, resource server, domain) of one user pool."""
    return [
        r["Properties"]
        for r in of_type(template, type_).values()
        if r["Properties"]["UserPoolId"] == {"Ref": pool_id}
    ]


@pytest.mark.parametrize("pool", CATALOGUE.user_pools, ids=lambda p: p.name.value)
def test_every_user_pool_is_admin_only_with_totp_mfa_and_a_strong_password(
    template: Template, pool: UserPool
) -> None:
    logical_id, props = the_user_pool(template, physical_name(STAGE, pool.name))
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no self sign-up
    assert props["UsernameAttributes"] == ["email"]
    assert props["UsernameConfiguration"] == {"CaseSensitive": False}
    assert props["MfaConfiguration"] == "ON"  # REQUIRED, in dev too
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # TOTP only, no SMS
    assert "SmsConfiguration" not in props
    assert props["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "PasswordHistorySize": 5,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "RequireUppercase": True,
    }
    assert props["AccountRecoverySetting"] == {
        "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
    }
    assert props["UserPoolTier"] == "ESSENTIALS"  # threat protection (PLUS) is off: see identity.py
    assert "UserPoolAddOns" not in props
    custom = {a["Name"]: a for a in props["Schema"] if a["Name"] in pool.custom_attributes}
    assert set(custom) == set(pool.custom_attributes) == {"agency_id", "role"}
    for attribute in custom.values():
        assert (attribute["AttributeDataType"], attribute["Mutable"]) == ("String", True)
    resource = of_type(template, "AWS::Cognito::UserPool")[logical_id]
    assert resource["DeletionPolicy"] == "Delete"  # dev; production retains it
    assert props["DeletionProtection"] == "INACTIVE"


@pytest.mark.parametrize("pool", CATALOGUE.user_pools, ids=lambda p: p.name.value)
def test_the_web_client_reads_the_agency_and_role_but_cannot_write_them(
    template: Template, pool: UserPool
) -> None:
    pool_id, _ = the_user_pool(template, physical_name(STAGE, pool.name))
    (web,) = of_pool(template, "AWS::Cognito::UserPoolClient", pool_id)  # office clients: at run time
    custom = {f"custom:{name}" for name in pool.custom_attributes}
    assert custom == {"custom:agency_id", "custom:role"}
    assert web["ClientName"] == "web"
    assert web["GenerateSecret"] is False
    # the local pool's web client (moto) is made with the same flows: the app signs in alike
    assert sorted(web["ExplicitAuthFlows"]) == sorted(WEB_CLIENT_AUTH_FLOWS)
    assert (web["IdTokenValidity"], web["TokenValidityUnits"]["IdToken"]) == (60, "minutes")
    assert web["AllowedOAuthFlowsUserPoolClient"] is False
    assert "AllowedOAuthFlows" not in web
    assert "CallbackURLs" not in web
    assert custom <= set(web["ReadAttributes"])
    assert not custom & set(web["WriteAttributes"])
    assert web["WriteAttributes"] == ["email"]


@pytest.mark.parametrize("pool", CATALOGUE.user_pools, ids=lambda p: p.name.value)
def test_the_resource_server_has_the_office_scopes_and_the_pool_a_domain(
    template: Template, pool: UserPool
) -> None:
    pool_id, _ = the_user_pool(template, physical_name(STAGE, pool.name))
    (server,) = of_pool(template, "AWS::Cognito::UserPoolResourceServer", pool_id)
    assert server["Identifier"] == "respite"
    assert [s["ScopeName"] for s in server["Scopes"]] == list(pool.office_scopes)
    assert set(pool.office_scopes) == {"office.read", "office.write"}
    (domain,) = of_pool(template, "AWS::Cognito::UserPoolDomain", pool_id)
    assert domain["Domain"] == {"Fn::Join": ["", [f"respite-{STAGE}-", {"Ref": "AWS::AccountId"}]]}
    outputs = template.find_outputs("*")
    base = construct_id(pool.name.value)
    assert outputs[f"{base}UserPoolId"]["Value"] == {"Ref": pool_id}
    assert "/oauth2/token" in json.dumps(outputs[f"{base}TokenUrl"]["Value"])


def test_no_function_administers_a_user_pool_it_does_not_write(template: Template) -> None:
    for name, _service, uses in wired():
        written = {r for r, access in uses if isinstance(r, UserPoolName) and access is Access.WRITE}
        statements = policy_statements(template, lambda_function(template, name)[1])
        actions = {
            a
            for s in statements
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
            if a.startswith("cognito-idp:")
        }
        assert bool(actions) is bool(written), name


# --- APIs -----------------------------------------------------------------------------------------


def methods_of(template: Template, api_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The methods of one REST API by (path, HTTP method): `/`, `/{proxy+}`, `/openapi.json`, ..."""
    resources = {
        k: r["Properties"]
        for k, r in of_type(template, "AWS::ApiGateway::Resource").items()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    }

    def path(resource_id: object) -> str:
        if resource_id == {"Fn::GetAtt": [api_id, "RootResourceId"]}:
            return ""
        assert isinstance(resource_id, dict)
        resource = resources[resource_id["Ref"]]
        return f"{path(resource['ParentId'])}/{resource['PathPart']}"

    return {
        (path(m["Properties"]["ResourceId"]) or "/", m["Properties"]["HttpMethod"]): m["Properties"]
        for m in of_type(template, "AWS::ApiGateway::Method").values()
        if m["Properties"]["RestApiId"] == {"Ref": api_id}
    }


AUTHORIZED_APIS = [a for a in CATALOGUE.apis if a.authorizer is not None]


@pytest.mark.parametrize("api", AUTHORIZED_APIS, ids=lambda a: a.prefix)
def test_an_api_with_an_authorizer_verifies_cognito_tokens_but_on_its_public_paths(
    template: Template, api: HttpApi
) -> None:
    assert api.authorizer is not None
    api_id, _ = named(template, "AWS::ApiGateway::RestApi", "Name", f"respite-{STAGE}-{api.prefix}")
    pool_id, _ = the_user_pool(template, physical_name(STAGE, api.authorizer))
    ((authorizer_id, authorizer),) = [
        (k, r["Properties"])
        for k, r in of_type(template, "AWS::ApiGateway::Authorizer").items()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    ]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["ProviderARNs"] == [arn_of(pool_id)]
    assert authorizer["IdentitySource"] == "method.request.header.Authorization"

    methods = {k: m for k, m in methods_of(template, api_id).items() if k[1] != "OPTIONS"}
    expected = {(r.path, r.method): r for r in routes(api)}
    # one resource and method per Chalice route: no `/{proxy+}` (Chalice dispatches on the resource)
    assert set(methods) == set(expected)
    for key, method in methods.items():
        route = expected[key]
        if route.authorization is Authorization.PUBLIC:
            assert method["AuthorizationType"] == "NONE", key
            assert "AuthorizerId" not in method
        else:
            assert method["AuthorizationType"] == "COGNITO_USER_POOLS", key
            assert method["AuthorizerId"] == {"Ref": authorizer_id}
            # an office system's access token with the route's scope, or a person's at an office (their
            # one scope; the app checks their office group); elsewhere a caseworker's ID token
            wanted = [route.scope, USER_SCOPE] if route.authorization is Authorization.OFFICE else None
            assert method.get("AuthorizationScopes") == wanted, key
        assert method["Integration"]["Type"] == "AWS_PROXY"

    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in of_type(template, "AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    }
    response = responses["UNAUTHORIZED"]
    assert response["StatusCode"] == "401"
    assert (
        response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    )
    assert json.loads(response["ResponseTemplates"]["application/json"]) == UNAUTHORIZED_PROBLEM
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"

    # one invoke permission for the whole API, not one per method (Lambda's policy holds 20 KB)
    function_id, _ = lambda_function(template, api_function_name(api))
    permissions = [
        p["Properties"]
        for p in of_type(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
    ]
    assert len(permissions) == 1
    assert permissions[0]["Principal"] == "apigateway.amazonaws.com"

    _, function = lambda_function(template, api_function_name(api))
    assert function["Environment"]["Variables"][env_var(api.authorizer)] == arn_of(pool_id)
    assert env_var(api.authorizer) == "RESPITE_USER_POOL_CASEWORKERS"


def test_office_systems_routes_ask_for_their_scopes() -> None:
    (claims,) = [a for a in CATALOGUE.apis if a.prefix == "claims"]
    routes = {(r.method, r.path): r.scope for r in office_routes(claims)}
    assert routes[("GET", "/inbox")] == "respite/office.read"
    assert routes[("POST", "/dossiers/{dossier_id}/messages/{message_id}/replies")] == "respite/office.write"
    assert {f"respite/{s}" for s in CATALOGUE.user_pools[0].office_scopes} >= set(routes.values())


def test_every_platform_api_has_an_authorizer() -> None:
    assert CATALOGUE.apis
    assert all(api.authorizer is UserPoolName.CASEWORKERS for api in CATALOGUE.apis)


@pytest.mark.parametrize("api", CATALOGUE.apis, ids=lambda a: a.prefix)
def test_every_api_is_a_traced_logged_rest_api_with_a_url_output(template: Template, api: HttpApi) -> None:
    api_id, _ = named(template, "AWS::ApiGateway::RestApi", "Name", f"respite-{STAGE}-{api.prefix}")
    (stage,) = [
        s["Properties"]
        for s in of_type(template, "AWS::ApiGateway::Stage").values()
        if s["Properties"]["RestApiId"] == {"Ref": api_id}
    ]
    assert stage["TracingEnabled"] is True
    assert "DestinationArn" in stage["AccessLogSetting"]
    assert not any(m.get("DataTraceEnabled") for m in stage.get("MethodSettings", []))
    outputs = template.find_outputs(f"{construct_id(api.prefix)}ApiUrl")
    assert len(outputs) == 1
    assert api_id in json.dumps(outputs)


def test_one_api_gateway_account_role_for_all_apis(template: Template) -> None:
    template.resource_count_is("AWS::ApiGateway::Account", 1)


def test_the_code_of_a_service_is_staged_once_with_the_kernel(code_root: Path, template: Template) -> None:
    services = {f.service for f in CATALOGUE.functions()} | {a.service for a in CATALOGUE.apis}
    assert {p.name for p in code_root.iterdir()} == services
    for service in services:
        first_party = {p.name for p in (code_root / service).iterdir() if p.name.startswith("respite")}
        assert first_party == {"respite_core", f"respite_{service}"}


# --- a synthetic catalogue: queue consumer, schedule, user pool uses, production stage -------------

FEED = Table(TableName.FEED, owner="notifications", purpose="test", personal_data=False)
WORK = Queue(QueueName.DOSSIER_EVENTS_FAILED, owner="core", purpose="test", visibility_timeout_s=120)
CONSUMER = Function(
    name="retention-work",
    service="retention",
    handler="respite_retention.does_not_exist.handler",
    uses=((TableName.FEED, Access.READ), (UserPoolName.CASEWORKERS, Access.READ)),
    timeout_s=20,
)
SWEEPER = Function(
    name="retention-sweep",
    service="retention",
    handler="respite_retention.__init__.handler",
    uses=(
        (TableName.FEED, Access.WRITE),
        (QueueName.DOSSIER_EVENTS_FAILED, Access.WRITE),
        (UserPoolName.CASEWORKERS, Access.WRITE),
    ),
)
POOL = UserPool(UserPoolName.CASEWORKERS, purpose="test")
SMALL = Catalogue(
    tables=(FEED,),
    queues=(WORK,),
    buckets=(),
    keys=(),
    secrets=(),
    apis=(),
    user_pools=(POOL,),
    queue_consumers=(QueueConsumer(CONSUMER, queue=QueueName.DOSSIER_EVENTS_FAILED, batch_size=25),),
    schedules=(Schedule(SWEEPER, expression="rate(15 minutes)", every_s=900),),
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[RespiteStack, Template]:
    return synth(SMALL, "prod", tmp_path_factory.mktemp("small-code"), cognito_domain=False)


def test_a_queue_consumer_reports_batch_item_failures(small: tuple[RespiteStack, Template]) -> None:
    _, template = small
    function_id, _ = named(template, "AWS::Lambda::Function", "FunctionName", "respite-prod-retention-work")
    queue_id, _ = named(template, "AWS::SQS::Queue", "QueueName", "respite-prod-dossier-events-failed")
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": function_id},
            "EventSourceArn": arn_of(queue_id),
            "BatchSize": 25,
            "MaximumBatchingWindowInSeconds": 1,  # SQS needs a window for batches above 10
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


def test_a_schedule_is_a_rule_targeting_its_function(small: tuple[RespiteStack, Template]) -> None:
    _, template = small
    function_id, props = named(
        template, "AWS::Lambda::Function", "FunctionName", "respite-prod-retention-sweep"
    )
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(15 minutes)",
            "State": "ENABLED",
            "Targets": [Match.object_like({"Arn": arn_of(function_id)})],
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "FunctionName": arn_of(function_id),
            "Principal": "events.amazonaws.com",
            "Action": "lambda:InvokeFunction",
        },
    )
    env = props["Environment"]["Variables"]
    assert env["RESPITE_QUEUE_DOSSIER_EVENTS_FAILED"] == {"Ref": queue_id_of(template)}
    actions = actions_on(policy_statements(template, props), arn_of(queue_id_of(template)))
    assert "sqs:SendMessage" in actions
    assert "sqs:DeleteMessage" not in actions  # writing to a queue is sending, not consuming


def test_writing_a_user_pool_is_administering_its_users_and_clients_only(
    small: tuple[RespiteStack, Template],
) -> None:
    _, template = small
    pool_id, _ = the_user_pool(template, "respite-prod-caseworkers")
    _, writer = named(template, "AWS::Lambda::Function", "FunctionName", "respite-prod-retention-sweep")
    _, reader = named(template, "AWS::Lambda::Function", "FunctionName", "respite-prod-retention-work")
    for props in (writer, reader):
        assert props["Environment"]["Variables"]["RESPITE_USER_POOL_CASEWORKERS"] == arn_of(pool_id)
    writes = [
        s
        for s in policy_statements(template, writer)
        if any(a.startswith("cognito-idp:") for a in s["Action"])
    ]
    assert writes == [
        {"Action": sorted(USER_POOL_WRITE_ACTIONS), "Effect": "Allow", "Resource": arn_of(pool_id)}
    ]
    assert {a for a in USER_POOL_WRITE_ACTIONS if "Delete" in a} == {"cognito-idp:DeleteUserPoolClient"}
    # READ is the ARN in the environment, and no permission at all.
    assert not [s for s in policy_statements(template, reader) if "cognito-idp" in json.dumps(s["Action"])]


def queue_id_of(template: Template) -> str:
    return named(template, "AWS::SQS::Queue", "QueueName", "respite-prod-dossier-events-failed")[0]


def test_production_retains_data_and_protects_tables(small: tuple[RespiteStack, Template]) -> None:
    stack, template = small
    assert stack.termination_protection is True
    for type_ in (
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::Cognito::UserPool",
    ):
        assert of_type(template, type_), type_
        for resource in of_type(template, type_).values():
            assert resource["DeletionPolicy"] == "Retain", type_
    for table in of_type(template, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["DeletionProtectionEnabled"] is True
    _, pool = the_user_pool(template, "respite-prod-caseworkers")
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["MfaConfiguration"] == "ON"
    template.resource_count_is("AWS::Cognito::UserPoolDomain", 0)  # cognito_domain=False
    template.resource_count_is("AWS::Cognito::UserPoolClient", 1)  # the web client only
    template.resource_count_is("AWS::ApiGateway::RestApi", 0)
    template.resource_count_is("AWS::ApiGateway::Account", 0)


def test_a_handler_without_its_module_is_warned_about(small: tuple[RespiteStack, Template]) -> None:
    stack, _ = small
    Annotations.from_stack(stack).has_warning(
        "/respite-prod/Functions/RetentionWork", Match.string_like_regexp("does_not_exist")
    )


# --- the catalogue is checked before anything is built --------------------------------------------


def test_an_inconsistent_catalogue_is_refused() -> None:
    bad_consumer = StreamConsumer(
        Function(name="x", service="nowhere", handler="m.h", uses=((TableName.DOSSIERS, Access.READ),)),
        table=TableName.FEED,  # declared, but without a stream
        on_failure=QueueName.DOSSIER_EVENTS_FAILED,  # not declared
        event_names=("DELETE",),
    )
    catalogue = Catalogue(
        tables=(FEED,), queues=(), buckets=(), keys=(), secrets=(), apis=(), stream_consumers=(bad_consumer,)
    )
    with pytest.raises(ValueError, match="inconsistent") as refused:
        check_catalogue(catalogue)
    message = str(refused.value)
    for expected in ("has no stream", "not declared", "nowhere", "'dossiers'", "event names"):
        assert expected in message


def test_user_pools_and_authorizers_are_checked() -> None:
    api = HttpApi(service="consent", prefix="consent", uses=(), authorizer=UserPoolName.CASEWORKERS)
    catalogue = Catalogue(tables=(), queues=(), buckets=(), keys=(), secrets=(), apis=(api,))
    with pytest.raises(ValueError, match="does not declare"):  # the authorizer's pool is missing
        check_catalogue(catalogue)
    check_catalogue(
        Catalogue(tables=(), queues=(), buckets=(), keys=(), secrets=(), apis=(api,), user_pools=(POOL,))
    )
    odd = UserPool(UserPoolName.CASEWORKERS, purpose="test", custom_attributes=("agency_id", "Agency ID!"))
    with pytest.raises(ValueError, match="more than one user pool") as refused:
        check_catalogue(
            Catalogue(tables=(), queues=(), buckets=(), keys=(), secrets=(), apis=(), user_pools=(POOL, odd))
        )
    assert "'Agency ID!'" in str(refused.value)
    assert "is declared 2 times" in str(refused.value)


def test_the_platform_catalogue_is_consistent() -> None:
    check_catalogue(CATALOGUE)


# --- the platform's own consumers and schedules, as catalogued ------------------------------------


@pytest.mark.parametrize("consumer", CATALOGUE.queue_consumers, ids=lambda c: c.function.name)
def test_every_catalogued_queue_consumer_reports_partial_failures(template: Template, consumer: Any) -> None:
    function_id, _ = lambda_function(template, consumer.function.name)
    queue_id, _ = named(template, "AWS::SQS::Queue", "QueueName", physical_name(STAGE, consumer.queue))
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": function_id},
            "EventSourceArn": arn_of(queue_id),
            "BatchSize": consumer.batch_size,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


@pytest.mark.parametrize("schedule", CATALOGUE.schedules, ids=lambda s: s.function.name)
def test_every_catalogued_schedule_invokes_its_function(template: Template, schedule: Any) -> None:
    function_id, _ = lambda_function(template, schedule.function.name)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": schedule.expression,
            "Targets": [Match.object_like({"Arn": arn_of(function_id)})],
        },
    )


def test_the_deadline_index_is_on_the_dossier_table(template: Template) -> None:
    _, table = named(template, "AWS::DynamoDB::Table", "TableName", physical_name(STAGE, TableName.DOSSIERS))
    indexes = {
        i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]
    }
    assert indexes["GSI2"] == ["GSI2PK", "GSI2SK"]


@pytest.mark.parametrize("consumer", CATALOGUE.queue_consumers, ids=lambda c: c.function.name)
def test_a_queue_consumer_may_park_a_message_in_its_dlq(template: Template, consumer: Any) -> None:
    _, function = lambda_function(template, consumer.function.name)
    dlq_id, _ = named(template, "AWS::SQS::Queue", "QueueName", f"{physical_name(STAGE, consumer.queue)}-dlq")
    assert "sqs:SendMessage" in actions_on(policy_statements(template, function), arn_of(dlq_id))
