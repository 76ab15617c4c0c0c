"""The whole platform on this machine: moto as the embedded AWS, resources from the wiring catalogue,
every API behind one gateway port, pumps for every event source, the scheduler and the TTL emulator,
all on one clock that an operator can move (`respite_infra.local.clock`).
"""

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from respite_core import clock as platform_clock
from respite_core.clock import LocalClock
from respite_core.resources import UserPoolName, env_var
from respite_infra.catalogue import CATALOGUE, Catalogue
from respite_infra.local import clock
from respite_infra.local.email import MailReceiver, provision_email
from respite_infra.local.environment import aws_environment
from respite_infra.local.gateway import (
    ExtraRoute,
    Gateway,
    TokenVerifier,
    json_route,
    one_at_a_time,
    operator_only,
)
from respite_infra.local.handlers import resolve
from respite_infra.local.identity import (
    CaseworkerPool,
    OfficeClients,
    SecondStepNeeded,
    add_caseworker,
    add_office_client,
    add_office_group,
    add_office_user,
    create_caseworker_pool,
    sign_in,
    token_endpoint,
)
from respite_infra.local.moto_process import MotoServer
from respite_infra.local.provision import (
    LOCAL_EMAIL_SENDER,
    allow_browser_uploads,
    provision,
    verify_email_identities,
)
from respite_infra.local.pumps import SqsPump, StreamPump
from respite_infra.local.scheduler import Scheduler
from respite_infra.local.seed import CASEWORKERS, OFFICE_USERS, OFFICES, seed_directory
from respite_infra.local.site import BUILT_SITE, StaticSite
from respite_infra.local.ttl import TtlEmulator, TtlMarks, ttl_tables
from respite_infra.site import SITE_CONFIG, site_config

logger = logging.getLogger(__name__)

REGION = "eu-west-1"
USER_POOL_ENV = env_var(UserPoolName.CASEWORKERS)


@dataclass
class Settings:
    port: int = 8000
    moto_port: int = 0  # 0: any free port
    stage: str = "local"
    ttl_every_s: float = 5.0
    seed: bool = True
    clock: LocalClock | None = None  # None: RESPITE_CLOCK_START, RESPITE_CLOCK_SPEED (default: now, 1)
    site_root: Path = BUILT_SITE  # the web front end's build (`make web`), served at /


@dataclass
class OfficeCredentials:
    office_id: str
    client_id: str
    client_secret: str
    webhook_secret: str


def seed_office_system(cognito: Any, pool: CaseworkerPool, office_id: str) -> OfficeCredentials:
    """An office as an operator registers it: its system's OAuth2 client, linked, its people's group
    and a webhook secret."""
    from respite_core.ids import utc_now
    from respite_core.store.directory import Directory

    client_id, client_secret = add_office_client(cognito, pool, office_id)
    add_office_group(cognito, pool.pool_id, office_id)
    directory = Directory()
    directory.link_client(client_id, office_id)
    webhook = directory.add_webhook_secret(office_id, utc_now())
    return OfficeCredentials(office_id, client_id, client_secret, webhook.secret)


@dataclass
class LocalStack:
    settings: Settings
    catalogue: Catalogue = CATALOGUE
    moto: MotoServer | None = None
    gateway: Gateway | None = None
    pool: CaseworkerPool | None = None
    environment: dict[str, str] = field(default_factory=dict)
    pumps: list[SqsPump | StreamPump] = field(default_factory=list)
    scheduler: Scheduler | None = None
    ttl: TtlEmulator | None = None
    office_credentials: list[OfficeCredentials] = field(default_factory=list)
    started_at: float = 0.0
    clock: LocalClock | None = None

    def start(self) -> None:
        self.started_at = time.monotonic()
        # first, so that every function, pump, sweeper and the seed data see the same time
        self.clock = self.settings.clock or platform_clock.from_environment()
        platform_clock.install(self.clock)
        self.moto = MotoServer(self.settings.moto_port or None)
        self.moto.start()
        self.environment = aws_environment(self.moto.endpoint, REGION)
        os.environ.update(self.environment)  # the in-process handlers are "Lambda functions" of this stack
        session = boto3.Session(region_name=REGION)
        self.environment |= provision(self.catalogue, self.settings.stage, session)
        self.environment["RESPITE_EMAIL_SENDER"] = os.environ.get("RESPITE_EMAIL_SENDER", LOCAL_EMAIL_SENDER)
        verify_email_identities(session, self.environment["RESPITE_EMAIL_SENDER"])
        if self.catalogue.email is not None:  # configuration set, bounce topic -> queue, receipt rules
            events_queue = self.environment[env_var(self.catalogue.email.events_queue)]
            self.environment |= provision_email(
                self.catalogue.email, self.settings.stage, session, events_queue
            )
        cognito = session.client("cognito-idp")
        self.pool = create_caseworker_pool(cognito, self.settings.stage, self.moto.endpoint, REGION)
        self.environment[USER_POOL_ENV] = self.pool.pool_arn
        self.environment["RESPITE_WEBHOOKS_ALLOW_LOOPBACK"] = "1"  # offices' test receivers on this machine
        os.environ.update(self.environment)
        if self.settings.seed:
            self._seed(cognito)
        self._start_event_sources(session)
        verifier = TokenVerifier(self.pool.issuer, OfficeClients(cognito, self.pool.pool_id))
        self.gateway = Gateway(
            list(self.catalogue.apis),
            verifier,
            port=self.settings.port,
            extra_routes=self._local_routes(cognito, verifier),
            # same origin as the APIs: the app's calls need no CORS here (in AWS its origin is allowed);
            # it signs in at moto's Cognito, as it does at Cognito's own endpoint in AWS, and its uploads
            # go to S3 (moto), whose bucket allows the site's origin as in AWS
            site=StaticSite(self.settings.site_root, connect_origins=(self.moto.endpoint,)),
        )
        allow_browser_uploads(session, self.catalogue, self.settings.stage, self._site_origins())
        # where offices' email links point (the link page): this gateway
        self.environment["RESPITE_PUBLIC_URL"] = f"http://127.0.0.1:{self.gateway.port}"
        os.environ["RESPITE_PUBLIC_URL"] = self.environment["RESPITE_PUBLIC_URL"]
        # the front-end origins the APIs answer browsers of, as CDK sets them on the API functions
        apis = self.gateway.definition.apis
        origins = sorted({o for api in apis if api.cors for o in api.cors.allow_origins})
        self.environment["RESPITE_FRONTEND_ORIGINS"] = ",".join(origins)
        os.environ["RESPITE_FRONTEND_ORIGINS"] = self.environment["RESPITE_FRONTEND_ORIGINS"]
        self.gateway.start()

    def _site_origins(self) -> tuple[str, ...]:
        """Where a browser opens the local front end: the gateway, by address or by name."""
        assert self.gateway is not None
        return tuple(f"http://{host}:{self.gateway.port}" for host in ("127.0.0.1", "localhost"))

    def _seed(self, cognito: Any) -> None:
        assert self.pool is not None
        seed_directory()
        for caseworker in CASEWORKERS:
            add_caseworker(cognito, self.pool, caseworker)
        self.office_credentials = [
            seed_office_system(cognito, self.pool, office.office_id) for office in OFFICES
        ]
        for office_user in OFFICE_USERS:
            add_office_user(cognito, self.pool, office_user)

    def _start_event_sources(self, session: boto3.Session) -> None:
        sqs, dynamodb, streams = (
            session.client("sqs"),
            session.client("dynamodb"),
            session.client("dynamodbstreams"),
        )
        marks = TtlMarks()
        for stream_consumer in self.catalogue.stream_consumers:
            self.pumps.append(
                StreamPump(
                    stream_consumer,
                    self._name(stream_consumer.table),
                    resolve(stream_consumer.function.handler),
                    streams,
                    dynamodb,
                    sqs,
                    self._name(stream_consumer.on_failure),
                    marks,
                )
            )
        for queue_consumer in self.catalogue.queue_consumers:
            self.pumps.append(
                SqsPump(
                    queue_consumer,
                    self.catalogue.queue(queue_consumer.queue),
                    self._name(queue_consumer.queue),
                    resolve(queue_consumer.function.handler),
                    sqs,
                )
            )
        for pump in self.pumps:
            pump.start()
        self.scheduler = Scheduler([(s, resolve(s.function.handler)) for s in self.catalogue.schedules])
        self.scheduler.start()
        self.ttl = TtlEmulator(ttl_tables(self.catalogue, self.settings.stage), dynamodb, marks)
        self.ttl.start(self.settings.ttl_every_s)

    def _name(self, resource: Any) -> str:
        from respite_core.resources import env_var

        return self.environment[env_var(resource)]

    def _local_routes(self, cognito: Any, verifier: TokenVerifier) -> Mapping[str, ExtraRoute]:
        assert self.pool is not None
        assert self.clock is not None
        return {
            "/health": json_route(self.health),
            "/local/sign-in": self._sign_in_route(cognito),
            # the app's configuration, written into the site's bucket by the deploy step in AWS
            f"/{SITE_CONFIG}": json_route(self.site_config),
            "/oauth2/token": token_endpoint(cognito, self.pool),  # the Cognito domain's, which moto lacks
            # local only: the demo offices' system credentials (random per start), for curl and scripts
            "/local/offices": json_route(lambda: {"offices": [vars(o) for o in self.office_credentials]}),
            # local only: the operator reads and moves the platform's clock
            clock.PATH: operator_only(verifier, clock.clock_route(self.clock)),
        } | self._mail_route()

    def _mail_route(self) -> dict[str, ExtraRoute]:
        """Local only: SES's receipt rule played (raw MIME to S3, then the inbound function)."""
        if self.catalogue.email is None:
            return {}
        receiver = MailReceiver(
            self.catalogue.email,
            self.settings.stage,
            boto3.client("s3", region_name=REGION),
            self.environment,
        )
        return {
            "/local/inbound-mail": one_at_a_time(receiver.route)
        }  # the inbound function, as Lambda runs it

    def _sign_in_route(self, cognito: Any) -> ExtraRoute:
        """What a front end does with the Cognito SDK; here so that curl can get a token."""
        import json

        def route(method: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
            assert self.pool is not None
            problem = {"Content-Type": "application/problem+json"}
            if method != "POST":
                return 405, problem, b'{"title": "Method not allowed", "status": 405}'
            try:
                credentials = json.loads(body or b"{}")
                tokens = sign_in(
                    cognito, self.pool, str(credentials["username"]), str(credentials["password"])
                )
            except (ValueError, KeyError, TypeError):
                detail = {"title": "Bad request", "status": 400, "detail": "Send {username, password}."}
                return 400, problem, json.dumps(detail).encode()
            except cognito.exceptions.NotAuthorizedException:
                detail = {"title": "Unauthorized", "status": 401, "detail": "Wrong username or password."}
                return 401, problem, json.dumps(detail).encode()
            except cognito.exceptions.UserNotFoundException:
                detail = {"title": "Unauthorized", "status": 401, "detail": "Wrong username or password."}
                return 401, problem, json.dumps(detail).encode()
            except SecondStepNeeded:
                detail = {
                    "title": "Unauthorized",
                    "status": 401,
                    "detail": "This user must also give a new password or an authenticator code: sign in "
                    "through the web app.",
                }
                return 401, problem, json.dumps(detail).encode()
            return 200, {"Content-Type": "application/json"}, json.dumps(tokens).encode()

        return route

    def site_config(self) -> dict[str, Any]:
        assert self.pool is not None
        return site_config(
            api_url="",  # the gateway serves the app and the APIs on one origin
            user_pool_id=self.pool.pool_id,
            web_client_id=self.pool.web_client_id,
            cognito_endpoint=f"{self.pool.endpoint}/",
        )

    def health(self) -> dict[str, Any]:
        components: dict[str, dict[str, Any]] = {
            "aws": {"ok": self.moto is not None and self.moto.is_running(), "endpoint": self._endpoint()},
            "gateway": {
                "ok": self.gateway is not None,
                "apis": self.gateway.prefixes if self.gateway else [],
            },
            "scheduler": {"ok": self.scheduler is not None and self.scheduler.is_running()},
            "ttl_emulator": {"ok": self.ttl is not None and self.ttl.is_running()},
        }
        for pump in self.pumps:
            components[f"pump:{pump.name}"] = {"ok": pump.is_running()}
        return {
            "ok": all(c["ok"] for c in components.values()),
            "components": components,
            "uptime_s": round(time.monotonic() - self.started_at, 1),
        }

    def _endpoint(self) -> str | None:
        return self.moto.endpoint if self.moto else None

    def stop(self) -> None:
        if self.gateway:
            self.gateway.stop()
        for pump in self.pumps:
            pump.stop()
        if self.scheduler:
            self.scheduler.stop()
        if self.ttl:
            self.ttl.stop()
        if self.moto:
            self.moto.stop()
        if self.clock is not None and platform_clock.installed() is self.clock:
            platform_clock.install(None)
