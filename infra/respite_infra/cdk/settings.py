"""What depends on the stage, how constructs are named, and the app's CDK context."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

INFRA_DIR = Path(__file__).resolve().parents[2]
CDK_JSON = INFRA_DIR / "cdk.json"

STAGES = ("dev", "prod")
PRODUCTION = "prod"
_STAGE = re.compile(r"^[a-z][a-z0-9]{1,9}$")  # becomes part of every physical name

# What a synthesis without context uses: names under `.invalid` (RFC 2606), which resolve nowhere,
# so a stage deployed with them visibly sends no mail and links nowhere (README, Deploying).
PLACEHOLDER_PUBLIC_URL = "https://respite.invalid"
PLACEHOLDER_SENDING_DOMAIN = "respite.invalid"
PLACEHOLDER_INBOUND_DOMAIN = "inbound.respite.invalid"


@dataclass(frozen=True)
class StageSettings:
    """The few things that differ between a production stage and every other stage, and the
    deployment's own settings from the CDK context (app.py `parameters()` checks them):

    `public_url`: the platform's public base URL (`https://api.example.org`, the APIs under their
        prefixes): every function's `RESPITE_PUBLIC_URL`, for links in emails, callback and webhook URLs.
    `sending_domain`, `inbound_domain`: SES's sending identity and the domain replies are received on.
    `frontend_origins`: the browser front ends' origins the APIs allow (CORS).
    """

    stage: str
    public_url: str = PLACEHOLDER_PUBLIC_URL
    sending_domain: str = PLACEHOLDER_SENDING_DOMAIN
    inbound_domain: str = PLACEHOLDER_INBOUND_DOMAIN
    frontend_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _STAGE.fullmatch(self.stage):
            raise ValueError(f"stage must match {_STAGE.pattern}, got {self.stage!r}")

    @property
    def production(self) -> bool:
        return self.stage == PRODUCTION

    @property
    def removal_policy(self) -> cdk.RemovalPolicy:
        """RETAIN in production (a stack deletion never takes data with it), DESTROY elsewhere."""
        return cdk.RemovalPolicy.RETAIN if self.production else cdk.RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        # Logs carry no personal data (DESIGN.md, Privacy); a month covers an incident's analysis.
        return logs.RetentionDays.ONE_MONTH

    @property
    def api_rate_limit(self) -> int:
        """Steady requests a second an API stage accepts (API Gateway throttling), then 429."""
        return 200 if self.production else 20

    @property
    def api_burst_limit(self) -> int:
        return 400 if self.production else 40

    def name(self, suffix: str) -> str:
        """`respite-<stage>-<suffix>`, the same shape as `respite_core.resources.physical_name`."""
        return f"respite-{self.stage}-{suffix}"


def construct_id(name: str) -> str:
    """`key-store` -> `KeyStore`: construct ids (and so logical ids) from catalogue names.

    Logical ids are part of what is deployed: renaming a construct replaces its resource, and a
    resource with a fixed physical name (every table) cannot be replaced in place. Keep them stable.
    """
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def cdk_context(path: Path = CDK_JSON) -> dict[str, Any]:
    """The `context` of cdk.json (the feature flags `cdk init` of this aws-cdk-lib recommends).

    The CDK CLI passes it to the app itself; `app.py` run without the CLI, and the tests, pass it
    to `cdk.App(context=...)`, so every way of synthesising gives the same template.
    """
    context: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get("context", {})
    return context
