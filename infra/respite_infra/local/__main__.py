"""`python -m respite_infra.local`: run the platform on this machine until Ctrl-C (what `make run` does)."""

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from respite_core import clock, settings
from respite_infra.local.clock import clock_state
from respite_infra.local.seed import CASEWORKERS, DEMO_PASSWORD, OFFICE_USERS
from respite_infra.local.stack import LocalStack, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="respite-local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("RESPITE_PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("RESPITE_MOTO_PORT", "0")))
    parser.add_argument("--ttl-every", type=float, default=5.0, help="seconds between TTL emulator sweeps")
    parser.add_argument("--no-seed", action="store_true", help="start without demo data")
    parser.add_argument(
        "--ready-file", type=Path, help="write the stack's URLs and credentials here (JSON) once up"
    )
    args = parser.parse_args(argv)
    try:  # RESPITE_CLOCK_START, RESPITE_CLOCK_SPEED (make run CLOCK_START=... CLOCK_SPEED=...)
        local_clock = clock.from_environment()
    except clock.ClockSettingError as error:
        print(f"respite-local: {error}", file=sys.stderr)
        return 2
    try:  # every other setting (RESPITE_RETENTION_DAYS, ...): checked before anything starts
        settings.current()
    except settings.SettingError as error:
        print(f"respite-local: {error}", file=sys.stderr)
        return 2
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", os.environ.get("RESPITE_LOG_LEVEL", "WARNING"))
    logging.basicConfig(
        level=os.environ.get("RESPITE_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s %(message)s"
    )

    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())

    stack = LocalStack(
        Settings(
            port=args.port,
            moto_port=args.moto_port,
            ttl_every_s=args.ttl_every,
            seed=not args.no_seed,
            clock=local_clock,
        )
    )
    try:
        stack.start()
        base = f"http://127.0.0.1:{args.port}"
        if args.ready_file:  # written whole, then renamed: a reader never sees half of it
            partial = args.ready_file.with_suffix(".partial")
            partial.write_text(json.dumps(ready_description(stack, base), indent=2))
            partial.replace(args.ready_file)
        print(banner(stack, base), flush=True)
        stopping.wait()
        print("\nStopping Respite…", flush=True)
    finally:
        stack.stop()
    print("Stopped.", flush=True)
    return 0


def ready_description(stack: LocalStack, base: str) -> dict[str, object]:
    return {
        "base_url": base,
        "app_url": f"{base}/",
        "aws_endpoint": stack.moto.endpoint if stack.moto else None,
        "environment": stack.environment,
        "caseworkers": [
            {"username": c.username, "agency_id": c.agency_id, "role": c.role} for c in CASEWORKERS
        ],
        "office_users": [{"username": u.username, "office_id": u.office_id} for u in OFFICE_USERS],
        "password": DEMO_PASSWORD,
        "office_clients": [vars(o) for o in stack.office_credentials],
        "clock": clock_state(stack.clock) if stack.clock else None,
    }


def banner(stack: LocalStack, base: str) -> str:
    site_built = stack.gateway is not None and stack.gateway.site is not None and stack.gateway.site.built
    app = f"{base}/" if site_built else f"{base}/   (not built: run `make web`)"
    apis = "\n".join(f"  {base}/{prefix}/" for prefix in (stack.gateway.prefixes if stack.gateway else []))
    users = "\n".join(f"  {c.username:28} {c.role:13} {c.agency_id}" for c in CASEWORKERS)
    office_users = "\n".join(f"  {u.username:28} {u.office_id}" for u in OFFICE_USERS)
    offices = "\n".join(
        f"  {o.office_id:20} client_id={o.client_id} client_secret={o.client_secret}"
        for o in stack.office_credentials
    )
    office = stack.office_credentials[0] if stack.office_credentials else None
    office_try = (
        f"""
  # an office system's access token, as the Cognito domain's /oauth2/token gives it in AWS
  # (scope is optional: without it, every scope the client may have)
  OFFICE=$(curl -s -X POST {base}/oauth2/token -u '{office.client_id}:{office.client_secret}' \\
      -d grant_type=client_credentials --data-urlencode 'scope=respite/office.read respite/office.write' \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"""
        if office
        else ""
    )
    now = clock_state(stack.clock) if stack.clock else None
    clock_line = f"{now['now']} at speed {now['speed']:g}" if now else "real time"
    return f"""
Respite is running on the local stack.

  web app       {app}   (caseworkers and office users sign in with the demo users below)
  health        {base}/health
  clock         {clock_line}   (operators move it: POST {base}/local/clock)
  embedded AWS  {stack.moto.endpoint if stack.moto else "?"}   (moto; AWS_ENDPOINT_URL for boto3 / aws cli)
APIs:
{apis}
Caseworkers (password {DEMO_PASSWORD}):
{users}
Office users, the office portal (same password):
{office_users}
Office systems (OAuth2 client credentials at {base}/oauth2/token):
{offices}

Try it:
  TOKEN=$(curl -s -X POST {base}/local/sign-in -H 'content-type: application/json' \\
      -d '{{"username": "anna@ocmw-gent.example", "password": "{DEMO_PASSWORD}"}}' \\
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["id_token"])')
  curl -s -X POST {base}/consent/dossiers -H "Authorization: Bearer $TOKEN" \\
      -H 'content-type: application/json' -d @docs/examples/register-dossier.json
  curl -s {base}/notifications/feed -H "Authorization: Bearer $TOKEN"{office_try}

Ctrl-C stops everything.
"""


if __name__ == "__main__":
    sys.exit(main())
