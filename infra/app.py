"""The Respite CDK app: one `RespiteStack` (`respite-<stage>`) synthesised from the wiring catalogue,
and the web front end's `RespiteSiteStack` (`respite-<stage>-site`: S3 + CloudFront, `web/dist`
uploaded after `make web`).

The CDK CLI is optional. Synthesis is plain Python:

    cd infra && ../.venv/bin/python app.py              # stage dev  -> infra/cdk.out
    cd infra && ../.venv/bin/python app.py -c stage=prod   # or --stage prod (make synth STAGE=prod)

writes the cloud assembly to `$CDK_OUTDIR` if set, else to `infra/cdk.out` (`make synth` calls it
this way). With the CLI installed, `cdk synth|diff|deploy -c stage=prod` from `infra/` runs the same
app (cdk.json: `"app": "python app.py"`, with the project's venv active); the CLI sets CDK_OUTDIR
and CDK_DEFAULT_ACCOUNT/REGION. Both ways use the feature flags of cdk.json's `context`, so they
give the same template. Without CDK_DEFAULT_ACCOUNT/REGION the stack is environment-agnostic.

Stages: `dev` (default) and `prod` (`-c stage=prod`): prod retains tables, buckets, keys, queues,
secrets, user pools and logs when the stack is deleted, and turns on deletion and termination
protection.

`-c api_domain=api.respite.example -c api_certificate_arn=arn:aws:acm:...` mounts every API under
that domain at its prefix (`https://api.respite.example/consent/...`), as the local gateway does.
`-c alarm_email=ops@example.org` subscribes that address to the alarm topic (it confirms by mail).
cdk-nag (AWS Solutions and Serverless packs) runs on every synthesis: an error that is not
acknowledged with a reason fails it (`validation-report.json` in the assembly says which).

The deployment's own settings (README, Deploying; without them a synthesis uses placeholders under
the reserved `.invalid` domain, fine for `make synth`, useless for a real stage):

- `-c public_url=https://api.example.org`: the platform's public base URL (the APIs under their
  prefixes), every function's `RESPITE_PUBLIC_URL` (links in emails, callback and webhook URLs).
  https, no path; defaults to `https://<api_domain>` when `-c api_domain` is given.
- `-c sending_domain=example.org`: the SES identity emails are sent from (`no-reply@...`).
- `-c inbound_domain=inbound.example.org`: where SES receives offices' replies (its MX record).
- `-c frontend_origins=https://app.example.org,https://...`: browser front ends the APIs allow (CORS);
  the web front end's origin among them (its stack's `SiteUrl` output; `site_domain` adds its own).
- `-c site_domain=app.example.org -c site_certificate_arn=arn:aws:acm:us-east-1:...`: the web front
  end's own domain (CloudFront takes certificates from us-east-1 only); the APIs allow its origin.

`-c cognito_domain=false` leaves out the user pools' Cognito domains (`respite-<stage>-<account>`,
the OAuth2 token endpoint that office systems' client credentials need); they are on by default.
"""

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk

from respite_infra.catalogue import CATALOGUE
from respite_infra.cdk import STAGES, RespiteStack, cdk_context
from respite_infra.cdk.apis import ApiDomain
from respite_infra.cdk.nag import add_nag_checks
from respite_infra.cdk.settings import (
    INFRA_DIR,
    PLACEHOLDER_INBOUND_DOMAIN,
    PLACEHOLDER_PUBLIC_URL,
    PLACEHOLDER_SENDING_DOMAIN,
)
from respite_infra.cdk.site import RespiteSiteStack, SiteDomain

DEFAULT_STAGE = "dev"
CONTEXT_KEYS = (
    "stage",
    "cognito_domain",
    "alarm_email",
    "api_domain",
    "api_certificate_arn",
    "public_url",
    "sending_domain",
    "inbound_domain",
    "frontend_origins",
    "site_domain",
    "site_certificate_arn",
)
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$)({_LABEL}\.)+[a-z]{{2,63}}$")
# an https origin: a valid host name, an optional port, nothing after it but an optional "/"
_HTTPS_ORIGIN = re.compile(r"^https://(?P<host>[^/:?#@]+)(:(?P<port>[0-9]{1,5}))?/?$")


def _parse(argv: Sequence[str]) -> dict[str, str]:
    """`-c key=value` pairs, as the CDK CLI takes them (the CLI itself passes none to the app)."""
    parser = argparse.ArgumentParser(description="Synthesise the Respite CDK app.")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--stage", choices=STAGES, help="short for -c stage=STAGE (make synth STAGE=prod)")
    args = parser.parse_args(argv)
    context: dict[str, str] = {}
    for pair in args.context:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            parser.error(f"context must be KEY=VALUE, got {pair!r}")
        context[key] = value
    if args.stage:
        context["stage"] = args.stage
    return context


@dataclass(frozen=True)
class Parameters:
    """What the context says about the stage to build: everything that differs between deployments."""

    stage: str = DEFAULT_STAGE
    cognito_domain: bool = True
    alarm_email: str | None = None
    api_domain: ApiDomain | None = None
    public_url: str = PLACEHOLDER_PUBLIC_URL
    sending_domain: str = PLACEHOLDER_SENDING_DOMAIN
    inbound_domain: str = PLACEHOLDER_INBOUND_DOMAIN
    frontend_origins: tuple[str, ...] = ()
    site_domain: SiteDomain | None = None


def domain_name(key: str, value: object) -> str:
    """A DNS name (lower-case labels, a top-level domain of letters); SystemExit otherwise."""
    name = str(value).strip().lower().rstrip(".")
    if not _DOMAIN.fullmatch(name):
        raise SystemExit(f"-c {key} must be a domain name such as example.org, got {value!r}")
    return name


def https_origin(key: str, value: object) -> str:
    """`https://host[:port]` (a trailing "/" is dropped); SystemExit on any other scheme or a path."""
    text = str(value).strip()
    match = _HTTPS_ORIGIN.fullmatch(text)
    if not match or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise SystemExit(f"-c {key} must be https://host[:port] with no path, got {value!r}")
    domain_name(key, match["host"])
    return text.rstrip("/")


def _origins(value: object) -> tuple[str, ...]:
    """A comma-separated list on the command line, or a JSON list in cdk.json."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    origins = tuple(https_origin("frontend_origins", item) for item in items if str(item).strip())
    return tuple(dict.fromkeys(origins))


def parameters(context: Mapping[str, Any]) -> Parameters:
    """The stage's parameters from the CDK context (cdk.json, `-c key=value`); SystemExit on nonsense."""
    stage = str(context.get("stage") or DEFAULT_STAGE)
    if stage not in STAGES:
        raise SystemExit(f"unknown stage {stage!r}: use -c stage={'|'.join(STAGES)}")
    given = context.get("cognito_domain")  # "false" on the command line, false in JSON
    cognito_domain = "true" if given is None else str(given).lower()
    if cognito_domain not in ("true", "false"):
        raise SystemExit(f"-c cognito_domain must be true or false, got {cognito_domain!r}")
    api_domain, certificate = context.get("api_domain"), context.get("api_certificate_arn")
    if bool(api_domain) != bool(certificate):
        raise SystemExit("-c api_domain=... and -c api_certificate_arn=... go together")
    alarm_email = context.get("alarm_email")
    public_url = context.get("public_url") or (f"https://{api_domain}" if api_domain else None)
    sending = context.get("sending_domain")
    inbound = context.get("inbound_domain")
    site = _site_domain(context.get("site_domain"), context.get("site_certificate_arn"))
    origins = _origins(context.get("frontend_origins"))
    if site is not None:  # the APIs allow the web front end's own origin (CORS)
        origins = tuple(dict.fromkeys((*origins, f"https://{site.name}")))
    return Parameters(
        stage=stage,
        cognito_domain=cognito_domain == "true",
        alarm_email=str(alarm_email) if alarm_email else None,
        api_domain=ApiDomain(str(api_domain), str(certificate)) if api_domain else None,
        public_url=https_origin("public_url", public_url) if public_url else PLACEHOLDER_PUBLIC_URL,
        sending_domain=domain_name("sending_domain", sending) if sending else PLACEHOLDER_SENDING_DOMAIN,
        inbound_domain=domain_name("inbound_domain", inbound) if inbound else PLACEHOLDER_INBOUND_DOMAIN,
        frontend_origins=origins,
        site_domain=site,
    )


def _site_domain(name: object, certificate: object) -> SiteDomain | None:
    """The web front end's domain and its certificate, which CloudFront takes from us-east-1 only."""
    if bool(name) != bool(certificate):
        raise SystemExit("-c site_domain=... and -c site_certificate_arn=... go together")
    if not name:
        return None
    if not str(certificate).startswith("arn:aws:acm:us-east-1:"):
        raise SystemExit(
            f"-c site_certificate_arn must be an ACM certificate in us-east-1, got {certificate!r}"
        )
    return SiteDomain(domain_name("site_domain", name), str(certificate))


def build_app(argv: Sequence[str] = ()) -> cdk.App:
    # Context given on the CDK CLI's command line (CDK_CONTEXT_JSON) wins over this one.
    app = cdk.App(
        outdir=os.environ.get("CDK_OUTDIR") or str(INFRA_DIR / "cdk.out"),
        context={**cdk_context(), **_parse(argv)},
    )
    given = parameters({key: app.node.try_get_context(key) for key in CONTEXT_KEYS})
    add_nag_checks(app)  # synthesis fails on any cdk-nag error nobody acknowledged with a reason
    environment = cdk.Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
    )
    RespiteStack(
        app,
        f"respite-{given.stage}",
        catalogue=CATALOGUE,
        stage=given.stage,
        code_root=None,
        cognito_domain=given.cognito_domain,
        alarm_email=given.alarm_email,
        api_domain=given.api_domain,
        public_url=given.public_url,
        sending_domain=given.sending_domain,
        inbound_domain=given.inbound_domain,
        frontend_origins=given.frontend_origins,
        env=environment,
    )
    # the app calls the APIs at the platform's public URL (its content security policy's connect-src)
    RespiteSiteStack(
        app,
        f"respite-{given.stage}-site",
        stage=given.stage,
        api_origins=(given.public_url,),
        domain=given.site_domain,
        env=environment,
    )
    return app


def main(argv: Sequence[str] | None = None) -> None:
    app = build_app(sys.argv[1:] if argv is None else argv)
    assembly = app.synth()
    if "CDK_OUTDIR" not in os.environ:  # run without the CLI: say where the assembly went
        print(f"synthesised {', '.join(s.stack_name for s in assembly.stacks)} to {assembly.directory}")


if __name__ == "__main__":
    main()
