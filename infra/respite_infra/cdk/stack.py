"""`RespiteStack`: one stage of the platform, synthesised from a wiring catalogue."""

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import aws_cdk as cdk
from constructs import Construct

from respite_core.resources import ResourceName
from respite_infra.catalogue import REPO_ROOT, Catalogue, Function
from respite_infra.cdk.apis import ApiDomain, Apis, api_function_name, api_uses
from respite_infra.cdk.data import DataStores
from respite_infra.cdk.email import EmailResources
from respite_infra.cdk.functions import Functions, ServiceCode
from respite_infra.cdk.identity import Identity
from respite_infra.cdk.messaging import Messaging
from respite_infra.cdk.monitoring import Monitoring, failure_queues
from respite_infra.cdk.settings import StageSettings
from respite_infra.cdk.wiring import Wiring
from respite_infra.packaging import LAMBDA_PLATFORM, Platform

DEFAULT_CODE_ROOT = REPO_ROOT / "build" / "lambda"

_LAMBDA_NAME_MAX = 64
_SCHEDULE = re.compile(r"^(rate|cron)\(.+\)$")
_STREAM_EVENTS = frozenset({"INSERT", "MODIFY", "REMOVE"})
_CUSTOM_ATTRIBUTE = re.compile(r"^[a-z0-9_]{1,20}$")  # Cognito allows 1-20 characters


class RespiteStack(cdk.Stack):
    """Everything a catalogue declares, for one stage.

    `catalogue`: any `Catalogue` (the platform's `CATALOGUE`, or a small one in a test); it is
        checked first (`check_catalogue`) and nothing in here knows the platform's own names.
    `stage`: `dev`, `prod`, ... (`prod` retains data on deletion and turns on deletion protection).
    `code_root`: where each service's code is staged (`<code_root>/<service>/`) before it becomes
        an asset; None stages into `<repo>/build/lambda`.
    `platform`: the platform the third-party dependencies in each package are built for
        (Lambda's arm64 by default; None leaves them out, for tests that only read the template).
    `alarm_email`: an address the alarm topic mails (none: subscribe later, in the console).
    `api_domain`: the custom domain the APIs are mounted under at their prefixes (none: each API
        answers at its own execute-api URL only).
    `cognito_domain`: whether each user pool gets its Cognito domain `respite-<stage>-<account>`
        (the OAuth2 token endpoint of office systems' client credentials).
    `public_url`, `sending_domain`, `inbound_domain`, `frontend_origins`: the deployment's own
        settings (`StageSettings`; None: the `.invalid` placeholders). The SES identities and the
        receipt rule are the context's domains, not the catalogue's (which the local stack uses).

    The parts are public for tests and later stacks: `data` (key, tables, buckets, keys,
    secrets), `messaging` (queues, DLQs), `identity` (user pools and their clients), `functions`
    (consumers, schedules) and `apis`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        catalogue: Catalogue,
        stage: str,
        code_root: Path | None = None,
        platform: Platform | None = LAMBDA_PLATFORM,
        cognito_domain: bool = True,
        alarm_email: str | None = None,
        api_domain: ApiDomain | None = None,
        public_url: str | None = None,
        sending_domain: str | None = None,
        inbound_domain: str | None = None,
        frontend_origins: Iterable[str] = (),
        env: cdk.Environment | None = None,
    ) -> None:
        given = {
            "public_url": public_url,
            "sending_domain": sending_domain,
            "inbound_domain": inbound_domain,
        }
        settings = StageSettings(
            stage,
            frontend_origins=tuple(frontend_origins),
            **{key: value for key, value in given.items() if value is not None},
        )
        check_catalogue(catalogue, stage=stage)
        super().__init__(
            scope,
            id,
            env=env,
            description=f"Respite ({stage}): debt-help data exchange between agencies and creditor offices",
            termination_protection=settings.production,
        )
        self.settings = settings
        self.catalogue = catalogue
        cdk.Tags.of(self).add("project", "respite")
        cdk.Tags.of(self).add("respite:stage", stage)

        code = ServiceCode(code_root if code_root is not None else DEFAULT_CODE_ROOT, platform=platform)
        self.data = DataStores(self, "Data", catalogue=catalogue, settings=settings)
        self.messaging = Messaging(
            self, "Messaging", catalogue=catalogue, settings=settings, key=self.data.at_rest_key
        )
        self.identity = Identity(
            self, "Identity", catalogue=catalogue, settings=settings, domain=cognito_domain
        )
        self.wiring = Wiring(
            settings=settings, data=self.data, messaging=self.messaging, identity=self.identity
        )
        self.functions = Functions(
            self,
            "Functions",
            catalogue=catalogue,
            settings=settings,
            data=self.data,
            messaging=self.messaging,
            wiring=self.wiring,
            code=code,
        )
        self.apis = Apis(
            self,
            "Apis",
            catalogue=catalogue,
            settings=settings,
            wiring=self.wiring,
            identity=self.identity,
            code=code,
            domain=api_domain,
        )
        self.email = (
            EmailResources(
                self,
                "Email",
                email=dataclasses.replace(
                    catalogue.email,
                    sending_domain=settings.sending_domain,
                    inbound_domain=settings.inbound_domain,
                ),
                settings=settings,
                data=self.data,
                messaging=self.messaging,
                functions=self.functions.functions,
            )
            if catalogue.email is not None
            else None
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            settings=settings,
            key=self.data.at_rest_key,
            functions={
                **self.functions.functions,
                **{api_function_name(a): self.apis.functions[a.prefix] for a in catalogue.apis},
            },
            stream_consumers={
                c.function.name: self.functions.functions[c.function.name] for c in catalogue.stream_consumers
            },
            apis={prefix: api for prefix, api in self.apis.apis.items()},
            # every DLQ and on-failure destination, as registered while they were built
            dead_letter_queues=dict(self.messaging.failure_queues),
            runbook_entries=failure_queues(catalogue),
            alarm_email=alarm_email,
        )


def check_catalogue(catalogue: Catalogue, *, stage: str = "prod") -> None:
    """Raise `ValueError` listing every inconsistency that would make a broken or odd stack."""
    problems: list[str] = []
    # Keyed by kind too: the names are StrEnums, so a table and a queue named alike compare equal.
    # `Catalogue.resources()` leaves the user pools out: they are resources a function may use too.
    resources = [*catalogue.resources(), *(p.name for p in catalogue.user_pools)]
    declared = {_key(r) for r in resources}
    problems += _duplicates("resource", (_key(r) for r in resources))
    problems += _duplicates("API prefix", (a.prefix for a in catalogue.apis))
    if len(catalogue.user_pools) > 1:
        # The Cognito domain (`identity.domain_prefix`) is one per stage and account.
        problems.append("more than one user pool: the Cognito domain respite-<stage>-<account> is per stage")
    for pool in catalogue.user_pools:
        problems += _duplicates(f"user pool {pool.name.value!r}: custom attribute", pool.custom_attributes)
        problems += _duplicates(f"user pool {pool.name.value!r}: office scope", pool.office_scopes)
        for attribute in pool.custom_attributes:
            if not _CUSTOM_ATTRIBUTE.fullmatch(attribute):
                problems.append(
                    f"user pool {pool.name.value!r}: custom attribute {attribute!r} is not 1-20 of [a-z0-9_]"
                )

    functions: dict[str, Function] = {}
    for function in catalogue.functions():
        if functions.setdefault(function.name, function) != function:
            problems.append(f"two different functions are named {function.name!r}")
    for api in catalogue.apis:
        if api_function_name(api) in functions:
            problems.append(f"function {api_function_name(api)!r} clashes with the API /{api.prefix}")

    wired = [(f"function {f.name}", f.service, f.uses) for f in functions.values()]
    wired += [(f"API /{a.prefix}", a.service, api_uses(a)) for a in catalogue.apis]
    for what, service, uses in wired:
        if service not in catalogue.services:
            problems.append(f"{what}: service {service!r} is not in the catalogue's services")
        for resource, _access in uses:
            if _key(resource) not in declared:
                problems.append(f"{what} uses {resource!r}, which the catalogue does not declare")
        problems += _duplicates(f"{what}: used resource", (_key(r) for r, _ in uses))
    for name, function in functions.items():
        if len(f"respite-{stage}-{name}") > _LAMBDA_NAME_MAX:
            problems.append(f"function {name!r}: name too long for Lambda")
        if not 1 <= function.timeout_s <= 900 or not 128 <= function.memory_mb <= 10240:
            problems.append(f"function {name!r}: timeout or memory out of Lambda's range")

    tables = {t.name: t for t in catalogue.tables}
    queues = {q.name: q for q in catalogue.queues}
    for stream in catalogue.stream_consumers:
        what = f"stream consumer {stream.function.name}"
        if stream.table not in tables:
            problems.append(f"{what}: table {stream.table!r} is not declared")
        elif not tables[stream.table].stream:
            problems.append(f"{what}: table {stream.table!r} has no stream")
        if stream.on_failure not in queues:
            problems.append(f"{what}: on-failure queue {stream.on_failure!r} is not declared")
        if not stream.event_names or not set(stream.event_names) <= _STREAM_EVENTS:
            problems.append(f"{what}: event names must be some of {sorted(_STREAM_EVENTS)}")
        if not 0 <= stream.retry_attempts <= 10_000 or not 1 <= stream.batch_size <= 10_000:
            problems.append(f"{what}: retry attempts or batch size out of range")
    for consumer in catalogue.queue_consumers:
        what = f"queue consumer {consumer.function.name}"
        if consumer.queue not in queues:
            problems.append(f"{what}: queue {consumer.queue!r} is not declared")
        elif queues[consumer.queue].visibility_timeout_s < consumer.function.timeout_s:
            # Lambda refuses such a mapping; AWS advises 6x the timeout (the catalogue's default).
            problems.append(f"{what}: visibility timeout of {consumer.queue!r} is below the function timeout")
        if not 1 <= consumer.batch_size <= 10_000:
            problems.append(f"{what}: batch size out of range")
    for schedule in catalogue.schedules:
        if not _SCHEDULE.fullmatch(schedule.expression):
            problems.append(f"schedule of {schedule.function.name}: not rate(...) or cron(...)")
    if problems:
        raise ValueError("the catalogue is inconsistent:\n- " + "\n- ".join(problems))


def _key(resource: ResourceName) -> str:
    return f"{type(resource).__name__}.{resource.value}"


def _duplicates(what: str, names: Iterable[object]) -> list[str]:
    return [f"{what} {name!r} is declared {n} times" for name, n in Counter(names).items() if n > 1]
