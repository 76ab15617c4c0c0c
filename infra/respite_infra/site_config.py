"""The web app's `/config.json` for a deployed stage, from the platform stack's outputs: the user pool
and its web client, and the stage's public URL (where the APIs answer under their prefixes). The
deploy step writes it beside the build before uploading it (README, "The web front end"):

    .venv/bin/python -m respite_infra.site_config --stage prod --public-url https://api.example.org \\
        > web/dist/config.json

The local gateway answers the same document from the running stack (`respite_infra.local.stack`).
"""

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from respite_core.resources import UserPoolName
from respite_infra.cdk.settings import construct_id
from respite_infra.site import site_config

SIGN_IN_POOL = UserPoolName.CASEWORKERS  # caseworkers and office users sign in to the same pool


class OutputMissing(LookupError):
    pass


def output_keys(pool: UserPoolName = SIGN_IN_POOL) -> tuple[str, str]:
    """The platform stack's outputs that name the pool and its web client (respite_infra.cdk.identity)."""
    base = construct_id(pool.value)
    return f"{base}UserPoolId", f"{base}WebClientId"


def config_from_outputs(outputs: Mapping[str, str], public_url: str) -> dict[str, str | None]:
    pool_key, client_key = output_keys()
    missing = [key for key in (pool_key, client_key) if key not in outputs]
    if missing:
        raise OutputMissing(f"the stack has no output {', '.join(missing)}: is it Respite's platform stack?")
    return site_config(
        api_url=public_url.rstrip("/"),
        user_pool_id=outputs[pool_key],
        web_client_id=outputs[client_key],
        cognito_endpoint=None,  # Cognito's own, in the pool's region
    )


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def main(argv: Sequence[str] | None = None) -> None:
    import boto3

    parser = argparse.ArgumentParser(description="Print the web app's config.json for a deployed stage.")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--public-url", required=True, help="the stage's public_url (its APIs' base URL)")
    args = parser.parse_args(argv)
    outputs = stack_outputs(boto3.client("cloudformation"), f"respite-{args.stage}")
    json.dump(config_from_outputs(outputs, args.public_url), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
