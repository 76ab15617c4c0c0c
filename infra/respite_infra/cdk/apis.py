"""The HTTP APIs of the catalogue: one Lambda function behind one API Gateway REST API each.

Each Chalice route is an API Gateway resource and method of its own, generated from the app's own
route table (`routes`): Chalice dispatches on `requestContext.resourcePath`, which API Gateway sets to
the matched resource, so a `/{proxy+}` in front of the app would answer 405 for every route. Explicit
resources (as `chalice package` makes them), not a `SpecRestApi` from Chalice's swagger generator:
the methods stay CDK constructs, so cdk-nag checks each one's authorization and a public method's
acknowledgement names why it is public; and Chalice's generator knows nothing of office scopes.

Each method carries its own authorization: the caseworkers' Cognito authorizer (an id token), the same
authorizer with the office route's OAuth scope (an office system's access token), or none for the
public routes of `PUBLIC_ROUTES` (each with the reason it needs no token). API Gateway's own refusals
(`GATEWAY_RESPONSES`) are RFC 9457 problems like the apps'. The local gateway is made from what this
synthesises (`respite_infra.api_definition`, `infra/respite_infra/local/api_definition.json`).
"""

import json
import re
from dataclasses import dataclass
from enum import StrEnum

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from respite_core.callers import USER_SCOPE
from respite_core.resources import ResourceName
from respite_infra.catalogue import Access, Catalogue, HttpApi
from respite_infra.cdk.functions import ServiceCode, respite_function
from respite_infra.cdk.identity import Identity
from respite_infra.cdk.nag import acknowledge
from respite_infra.cdk.settings import StageSettings, construct_id
from respite_infra.cdk.wiring import Wiring

API_HANDLER = "app.app"  # services/<service>/app.py: `app = Chalice(...)`
API_TIMEOUT_S = 29  # API Gateway gives up on an integration after 29 s
API_MEMORY_MB = 512
API_STAGE_NAME = "v1"
AUTHORIZATION_HEADER = "Authorization"  # carries the Cognito ID token

# The routes anyone may call without a token, and why each is safe so (cdk-nag's APIG4/COG4
# acknowledgements quote it). A route of an app with no authorizer, no office scope and no entry here
# fails synthesis: a public route is a decision, never a default.
PUBLIC_ROUTES: dict[str, str] = {
    "/openapi.json": "the API's own OpenAPI document, public so a developer can read it before holding a "
    "token; it holds no data",
    "/docs": "the API's documentation page, rendered from its OpenAPI document; it holds no data",
    "/callbacks/{dossier_id}/{message_id}": "an office system's signed callback (Standard Webhooks): the app "
    "verifies the HMAC signature with the office's secret and the timestamp, and refuses anything else (401)",
    "/replies/by-token/{token}": "the link page's form: the reference token in the path is the credential, "
    "opening one request for one office and nothing else; the app refuses an unknown or used token",
    "/r/{token}": "the link page an office opens from its email: the reference token in the path is the "
    "credential, opening one request for one office and nothing else",
    "/r/{token}/done": "the link page's confirmation: the reference token in the path is the credential, "
    "and the page shows no data of the request",
    "/r/{token}/documents/{document_id}": "a document the link page's request carries (its budget PDF): the "
    "reference token in the path is the credential, opening that request's own documents and nothing else",
}

# Routes whose bodies may be larger than the WAF's managed size rule allows (8 KB): the app enforces its
# own documented limits on them (CSV 10 MB, attachments, 50 claims a reply). Keyed by (API, path).
LARGE_BODY_ROUTES: dict[tuple[str, str], str] = {
    ("claims", "/dossiers/{dossier_id}/messages/{message_id}/replies"): "a reply with up to 50 claims",
    ("claims", "/dossiers/{dossier_id}/messages/{message_id}/claims.csv"): "a CSV of up to 10,000 claims",
    ("claims", "/callbacks/{dossier_id}/{message_id}"): "a signed reply with up to 50 claims",
    ("claims", "/replies/by-token/{token}"): "the link page's form with its attachments",
}

PROBLEM_JSON = "application/problem+json"
FRONTEND_ORIGINS_VARIABLE = "RESPITE_FRONTEND_ORIGINS"

# WAF: AWS's managed rule groups in front of every API, and a rate limit per client IP (requests
# in any 5 minutes) well above what one agency's caseworkers or one office system send.
COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
MANAGED_RULE_GROUPS = (
    COMMON_RULE_SET,
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
BODY_SIZE_RULE = "SizeRestrictions_BODY"  # counted only: `LargeBodiesOnlyWhereAllowed` blocks instead
BODY_SIZE_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
WAF_BODY_LIMIT_BYTES = 8192  # what SizeRestrictions_BODY refuses above
RATE_LIMIT_PER_IP = 2000
API_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024  # API Gateway's, not ours to set
# Beyond Chalice's defaults: the bodies that must reach the app byte for byte (attachments, the forms,
# PDFs, CSV in any encoding).
EXTRA_BINARY_MEDIA_TYPES = ("multipart/form-data", "application/pdf", "text/csv")
CORS_ALLOW_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "Accept-Language",
)
CORS_MAX_AGE_S = 600


def _problem(status: int, title: str, detail: str) -> str:
    return json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})


# API Gateway's own answers, before (or instead of) the function: RFC 9457 problems like the apps'.
# A method a resource lacks is MISSING_AUTHENTICATION_TOKEN (403 by default): a 404 says what it is.
GATEWAY_RESPONSES: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (401, _problem(401, "Unauthorized", "A valid token is required.")),
    "MISSING_AUTHENTICATION_TOKEN": (404, _problem(404, "Not Found", "There is no such resource or method.")),
    "REQUEST_TOO_LARGE": (
        413,
        _problem(413, "Content Too Large", "The request is larger than the API accepts."),
    ),
    "INTEGRATION_TIMEOUT": (504, _problem(504, "Gateway Timeout", "The request took too long to complete.")),
    "WAF_FILTERED": (403, _problem(403, "Forbidden", "The request was refused by the firewall.")),
    "THROTTLED": (429, _problem(429, "Too Many Requests", "Too many requests: retry later.")),
    "DEFAULT_4XX": (400, _problem(400, "Bad Request", "The request was refused.")),
    "DEFAULT_5XX": (500, _problem(500, "Internal Server Error", "The request could not be completed.")),
}
UNAUTHORIZED_PROBLEM = json.loads(GATEWAY_RESPONSES["UNAUTHORIZED"][1])
PREFIX_METADATA = "respite:prefix"  # on each RestApi: the base path it is mounted at
FUNCTION_METADATA = "respite:function"  # ... and the catalogue name of its function
CORS_METADATA = "respite:cors-origins"  # ... and the front-end origins its OPTIONS methods allow


class Authorization(StrEnum):
    CASEWORKER = "caseworker"  # the Cognito authorizer with an id token
    OFFICE = "office"  # the Cognito authorizer with an access token carrying the route's scope
    PUBLIC = "public"  # none


@dataclass(frozen=True)
class Route:
    """One Chalice route as API Gateway serves it: a resource, a method, its authorization."""

    path: str  # below the API's base path, Chalice's form: "/dossiers/{dossier_id}"
    method: str
    authorization: Authorization
    scope: str | None = None  # for OFFICE: "respite/office.read"
    why_public: str | None = None  # for PUBLIC

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([^{}+]+)\+?\}", self.path))


@dataclass(frozen=True)
class OfficeRoute:
    """An operation only office systems call: API Gateway verifies their access token's scope."""

    path: str
    method: str
    scope: str


@dataclass(frozen=True)
class ApiDomain:
    """The custom domain every API is mounted under (`https://<name>/<prefix>/...`), with its ACM
    certificate (in the stack's region). From the context: `-c api_domain=... -c api_certificate_arn=...`."""

    name: str
    certificate_arn: str


class UndeclaredPublicRoute(ValueError):
    """A route without an authorizer or an office scope that `PUBLIC_ROUTES` does not name."""


def routes(api: HttpApi) -> tuple[Route, ...]:
    """Every route of the app, from Chalice's own route table (what it dispatches on), authorized as
    its declaration says: an office scope is an office system's, a Chalice authorizer (roles) the
    caseworkers', and a route with neither must be one of `PUBLIC_ROUTES`."""
    from respite_infra.openapi import load_api  # imports the Chalice app: only when building APIs

    declared = load_api(api)
    scopes = {(op.path, op.method): op.office_scope for op in declared.operations}
    found = []
    for path, entries in declared.app.routes.items():
        for method, entry in entries.items():
            scope = scopes.get((path, method))
            if scope is not None:  # Chalice's authorizer on it too: API Gateway's scope check replaces it
                found.append(Route(path, method, Authorization.OFFICE, scope=scope))
            elif entry.authorizer is not None:
                found.append(Route(path, method, Authorization.CASEWORKER))
            elif path in PUBLIC_ROUTES:
                found.append(Route(path, method, Authorization.PUBLIC, why_public=PUBLIC_ROUTES[path]))
            else:
                raise UndeclaredPublicRoute(
                    f"{method} /{api.prefix}{path} has no authorizer and no office scope: give it one, "
                    "or add it to PUBLIC_ROUTES with the reason it needs no token"
                )
    return tuple(sorted(found, key=lambda r: (r.path, r.method)))


def office_routes(api: HttpApi) -> tuple[OfficeRoute, ...]:
    """The app's operations that take an office system's access token, with their scopes."""
    return tuple(
        OfficeRoute(r.path, r.method, r.scope)
        for r in routes(api)
        if r.authorization is Authorization.OFFICE and r.scope is not None
    )


def binary_media_types(api: HttpApi) -> tuple[str, ...]:
    """Chalice's binary types (what `chalice package` declares) and the ones our routes take."""
    from respite_infra.openapi import load_api

    types = [*load_api(api).app.api.binary_types, *EXTRA_BINARY_MEDIA_TYPES]
    return tuple(dict.fromkeys(types))


def large_body_patterns() -> tuple[str, ...]:
    """One regex per `LARGE_BODY_ROUTES` entry over the request's URI path as the WAF sees it: behind
    the custom domain `/<prefix>/...`, on the stage's own URL `/<stage>/...`."""
    patterns = []
    for (prefix, path), _ in sorted(LARGE_BODY_ROUTES.items()):
        body = re.sub(r"\\\{[^{}]+\\\}", "[^/]+", re.escape(path))
        patterns.append(f"^/(?:{prefix}|{API_STAGE_NAME}){body}$")
    return tuple(patterns)


def api_function_name(api: HttpApi) -> str:
    """The catalogue-level name of the function that serves an API (unique among function names)."""
    return f"{api.prefix}-api"


def api_uses(api: HttpApi) -> tuple[tuple[ResourceName, Access], ...]:
    """What the API's function is wired to: its `uses`, and its authorizer's pool (READ: the ARN)."""
    if api.authorizer is None or any(resource == api.authorizer for resource, _ in api.uses):
        return api.uses
    return (*api.uses, (api.authorizer, Access.READ))


class Apis(Construct):
    """One REST API per catalogue `HttpApi`, with access logs and tracing; outputs their URLs."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        catalogue: Catalogue,
        settings: StageSettings,
        wiring: Wiring,
        identity: Identity,
        code: ServiceCode,
        domain: ApiDomain | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._settings = settings
        self._identity = identity
        self.domain: apigateway.DomainName | None = None
        self.functions: dict[str, lambda_.Function] = {}
        self.apis: dict[str, apigateway.RestApi] = {}
        self.authorizers: dict[str, apigateway.CognitoUserPoolsAuthorizer] = {}
        if not catalogue.apis:
            return
        # API Gateway writes its logs with one role per account and region. The stack sets it
        # (instead of each API's `cloud_watch_role`) so that several APIs do not fight over it; it is
        # retained on deletion because other stacks' APIs in the account may rely on it.
        role = iam.Role(
            self,
            "CloudWatchRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        role.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        acknowledge(
            role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for API Gateway's "
            "account-wide logging role; it only lets API Gateway write its own log groups.",
        )
        self.web_acl = self._web_acl()
        account = apigateway.CfnAccount(self, "Account", cloud_watch_role_arn=role.role_arn)
        account.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        for api in catalogue.apis:
            self._api(api, wiring=wiring, code=code, account=account)
        if domain is not None:
            self._mount(domain)

    def _mount(self, domain: ApiDomain) -> None:
        """Every API under one custom domain, at its prefix as base path (as the local gateway)."""
        self.domain = apigateway.DomainName(
            self,
            "Domain",
            domain_name=domain.name,
            certificate=acm.Certificate.from_certificate_arn(self, "Certificate", domain.certificate_arn),
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        for prefix, rest_api in self.apis.items():
            self.domain.add_base_path_mapping(rest_api, base_path=prefix, stage=rest_api.deployment_stage)
        cdk.CfnOutput(
            cdk.Stack.of(self),
            "ApiDomainTarget",
            value=self.domain.domain_name_alias_domain_name,
            description=f"point {domain.name} here (a CNAME, or a Route 53 alias)",
        )

    def _method(
        self,
        rest_api: apigateway.RestApi,
        route: Route,
        integration: apigateway.Integration,
        validator: apigateway.RequestValidator,
        authorizer: apigateway.CognitoUserPoolsAuthorizer | None,
    ) -> None:
        """The route's resource and method, with the route's own authorization."""
        resource = (
            rest_api.root.resource_for_path(route.path.strip("/")) if route.path != "/" else rest_api.root
        )
        parameters = {f"method.request.path.{name}": True for name in route.path_parameters}
        if route.authorization is Authorization.PUBLIC or authorizer is None:
            method = resource.add_method(
                route.method,
                integration,
                authorization_type=apigateway.AuthorizationType.NONE,
                request_parameters=parameters or None,
                request_validator=validator,
            )
            for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4"):
                acknowledge(
                    method, rule, f"{route.method} {route.path} is public on purpose: {route.why_public}."
                )
            return
        resource.add_method(
            route.method,
            integration,
            authorizer=authorizer,
            authorization_type=apigateway.AuthorizationType.COGNITO,
            # a person at the office signs in as a user: their access token carries only USER_SCOPE
            # (the office is their group, which the app checks: `respite_core.callers.office_from`)
            authorization_scopes=[route.scope, USER_SCOPE]
            if route.authorization is Authorization.OFFICE and route.scope
            else None,
            request_parameters=parameters or None,
            request_validator=validator,
        )

    def _web_acl(self) -> wafv2.CfnWebACL:
        """One regional web ACL for every API stage: AWS's managed rules and a per-IP rate limit."""
        name = self._settings.name("apis")

        def visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
            )

        def managed(group: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            # The managed size rule only counts (and labels); the next rule blocks on its label but
            # for the routes that take files, CSV or many claims, which the app limits itself.
            overrides = (
                [
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=BODY_SIZE_RULE, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                ]
                if group == COMMON_RULE_SET
                else None
            )
            return wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group, rule_action_overrides=overrides
                    )
                ),
                visibility_config=visibility(group),
            )

        large_bodies = wafv2.CfnRegexPatternSet(
            self,
            "LargeBodyRoutes",
            name=self._settings.name("large-body-routes"),
            scope="REGIONAL",
            regular_expression_list=list(large_body_patterns()),
            description="Routes whose bodies may exceed 8 KB: the app enforces its own limits on them",
        )
        body_rule = wafv2.CfnWebACL.RuleProperty(
            name="LargeBodiesOnlyWhereAllowed",
            priority=1,
            action=wafv2.CfnWebACL.RuleActionProperty(block={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                and_statement=wafv2.CfnWebACL.AndStatementProperty(
                    statements=[
                        wafv2.CfnWebACL.StatementProperty(
                            label_match_statement=wafv2.CfnWebACL.LabelMatchStatementProperty(
                                scope="LABEL", key=BODY_SIZE_LABEL
                            )
                        ),
                        wafv2.CfnWebACL.StatementProperty(
                            not_statement=wafv2.CfnWebACL.NotStatementProperty(
                                statement=wafv2.CfnWebACL.StatementProperty(
                                    regex_pattern_set_reference_statement=wafv2.CfnWebACL.RegexPatternSetReferenceStatementProperty(
                                        arn=large_bodies.attr_arn,
                                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                                        text_transformations=[
                                            wafv2.CfnWebACL.TextTransformationProperty(
                                                priority=0, type="NONE"
                                            )
                                        ],
                                    )
                                )
                            )
                        ),
                    ]
                )
            ),
            visibility_config=visibility("LargeBodiesOnlyWhereAllowed"),
        )
        rules = [managed(COMMON_RULE_SET, 0), body_rule]
        rules += [managed(group, 2 + n) for n, group in enumerate(MANAGED_RULE_GROUPS[1:])]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=RATE_LIMIT_PER_IP, aggregate_key_type="IP"
                    )
                ),
                visibility_config=visibility("RateLimitPerIp"),
            )
        )
        return wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(name),
            rules=rules,
        )

    def _api(
        self, api: HttpApi, *, wiring: Wiring, code: ServiceCode, account: apigateway.CfnAccount
    ) -> None:
        base = construct_id(api.prefix)
        name = self._settings.name(api.prefix)
        function = respite_function(
            self,
            f"{base}Handler",
            function_name=self._settings.name(api_function_name(api)),
            description=f"Respite {api.service}: the /{api.prefix} API (Chalice app)",
            service=api.service,
            handler=API_HANDLER,
            uses=api_uses(api),
            timeout=cdk.Duration.seconds(API_TIMEOUT_S),
            memory_mb=API_MEMORY_MB,
            code=code,
            wiring=wiring,
            settings=self._settings,
        )
        access_logs = logs.LogGroup(
            self,
            f"{base}AccessLogs",
            log_group_name=f"/aws/apigateway/{name}/access",
            retention=self._settings.log_retention,
            removal_policy=self._settings.removal_policy,
        )
        authorizer = None
        if api.authorizer is not None:
            authorizer = apigateway.CognitoUserPoolsAuthorizer(
                self,
                f"{base}Authorizer",
                authorizer_name=f"{name}-{api.authorizer.value}",
                cognito_user_pools=[self._identity.user_pools[api.authorizer]],
                identity_source=apigateway.IdentitySource.header(AUTHORIZATION_HEADER),
            )
            self.authorizers[api.prefix] = authorizer
        origins = self._settings.frontend_origins
        if origins:  # the apps answer with CORS headers for these origins (respite_core.api.cors_headers)
            function.add_environment(FRONTEND_ORIGINS_VARIABLE, ",".join(origins))
        rest_api = apigateway.RestApi(
            self,
            f"{base}Api",
            rest_api_name=name,
            description=f"Respite {self._settings.stage}: /{api.prefix} ({api.service})",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            binary_media_types=list(binary_media_types(api)),
            cloud_watch_role=False,  # the stack's CfnAccount above
            default_cors_preflight_options=apigateway.CorsOptions(
                allow_origins=list(origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=list(CORS_ALLOW_HEADERS),
                max_age=cdk.Duration.seconds(CORS_MAX_AGE_S),
            )
            if origins
            else None,
            deploy_options=apigateway.StageOptions(
                stage_name=API_STAGE_NAME,
                throttling_rate_limit=self._settings.api_rate_limit,
                throttling_burst_limit=self._settings.api_burst_limit,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # never log request or response bodies: personal data
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                # No caller, user or source IP: logs carry no personal data (DESIGN.md, Privacy).
                # The resource path is the route template, not the path with its dossier ids.
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=False,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        cfn_api = rest_api.node.default_child
        assert isinstance(cfn_api, cdk.CfnResource)
        cfn_api.add_metadata(PREFIX_METADATA, api.prefix)
        cfn_api.add_metadata(FUNCTION_METADATA, api_function_name(api))
        if origins:
            cfn_api.add_metadata(CORS_METADATA, list(origins))
        # Every method checks its declared parameters before the function runs (the body's shape is
        # the app's to check: each route parses it into its pydantic model and answers 422/400).
        validator = rest_api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        # One integration and one invoke permission for the whole API (not one per method: Lambda's
        # resource policy holds 20 KB, about 40 methods' worth).
        integration = apigateway.Integration(
            type=apigateway.IntegrationType.AWS_PROXY,
            integration_http_method="POST",
            uri=f"arn:{cdk.Aws.PARTITION}:apigateway:{cdk.Aws.REGION}:lambda:path/2015-03-31/functions/"
            f"{function.function_arn}/invocations",
        )
        function.add_permission(
            "ApiInvoke",
            principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
            source_arn=rest_api.arn_for_execute_api(method="*", path="/*", stage=API_STAGE_NAME),
        )
        for route in routes(api):
            self._method(rest_api, route, integration, validator, authorizer)
        for response_type, (status, body) in GATEWAY_RESPONSES.items():
            headers = {"Content-Type": f"'{PROBLEM_JSON}'"}
            if len(origins) == 1:  # a browser must be able to read the refusal (one origin: literal)
                headers["Access-Control-Allow-Origin"] = f"'{origins[0]}'"
            rest_api.add_gateway_response(
                construct_id(response_type.lower()),
                type=apigateway.ResponseType.of(response_type),
                status_code=str(status),
                response_headers=headers,
                templates={"application/json": body},
            )
        rest_api.deployment_stage.node.add_dependency(account)
        wafv2.CfnWebACLAssociation(
            self,
            f"{base}WebAclAssociation",
            resource_arn=rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        acknowledge(
            function,
            "Serverless-LambdaDLQ",
            "API Gateway invokes the API's function synchronously and answers the caller with the "
            "outcome: there is no asynchronous event that a Lambda DLQ could keep.",
        )
        # The stack outputs each URL under a stable name below, instead of RestApi's own output.
        rest_api.node.try_remove_child("Endpoint")
        self.functions[api.prefix] = function
        self.apis[api.prefix] = rest_api
        cdk.CfnOutput(
            cdk.Stack.of(self),
            f"{base}ApiUrl",
            value=rest_api.url,
            description=f"URL of the /{api.prefix} API ({api.service})",
        )
