"""`python -m respite_infra.api_definition --template T [--check]`: the local gateway's API definition,
read from a synthesized template (`make api-definition`).

What API Gateway will serve is what the template says, so the local gateway is made from it: each
REST API's base path and function (the metadata `Apis` puts on it), binary media types, gateway
responses, CORS preflights and every resource and method with its authorization, and the WAF's
large-body routes. The result is checked in as `infra/respite_infra/local/api_definition.json`
(the local stack needs no synthesis to start); `tests/infra/test_api_definition.py` fails when it is
not what a fresh synthesis gives. The format is `respite_infra.local.api_definition`'s.
"""

import argparse
import difflib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from respite_infra.cdk.apis import (
    API_PAYLOAD_LIMIT_BYTES,
    API_TIMEOUT_S,
    CORS_METADATA,
    FUNCTION_METADATA,
    PREFIX_METADATA,
    WAF_BODY_LIMIT_BYTES,
)
from respite_infra.local.api_definition import DEFAULT as OUTPUT

type Resources = Mapping[str, Mapping[str, Any]]

SOURCE = "the synthesized template of the dev stage (make api-definition)"


def _of_type(resources: Resources, kind: str) -> dict[str, Mapping[str, Any]]:
    return {key: r for key, r in resources.items() if r["Type"] == kind}


def _literal(value: str) -> str:
    """A mapping expression's static value: `'application/json'` -> application/json."""
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == "'" else value


def _paths(resources: Resources, api_id: str) -> dict[str, str]:
    """Each resource's (and the root's) full path, by the id a method refers to it with."""
    own = {
        key: r["Properties"]
        for key, r in _of_type(resources, "AWS::ApiGateway::Resource").items()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    }

    def path(reference: Mapping[str, Any]) -> str:
        if reference == {"Fn::GetAtt": [api_id, "RootResourceId"]}:
            return ""
        resource = own[reference["Ref"]]
        return f"{path(resource['ParentId'])}/{resource['PathPart']}"

    paths = {json.dumps({"Fn::GetAtt": [api_id, "RootResourceId"]}): "/"}
    paths.update({json.dumps({"Ref": key}): path({"Ref": key}) for key in own})
    return paths


def _methods(resources: Resources, api_id: str, prefix: str) -> list[dict[str, Any]]:
    paths = _paths(resources, api_id)
    authorizers = {
        key: r["Properties"]["Name"].rpartition(f"-{prefix}-")[2]  # respite-<stage>-<prefix>-<pool>
        for key, r in _of_type(resources, "AWS::ApiGateway::Authorizer").items()
        if r["Properties"]["RestApiId"] == {"Ref": api_id}
    }
    methods = []
    for r in _of_type(resources, "AWS::ApiGateway::Method").values():
        m = r["Properties"]
        if m["RestApiId"] != {"Ref": api_id}:
            continue
        authorizer = m.get("AuthorizerId")
        methods.append(
            {
                "resource": paths[json.dumps(m["ResourceId"])],
                "http_method": m["HttpMethod"],
                "authorization": m.get("AuthorizationType", "NONE"),
                "authorizer": authorizers[authorizer["Ref"]] if authorizer else None,
                "scopes": list(m.get("AuthorizationScopes") or []),
                "integration": m["Integration"]["Type"],
            }
        )
    return sorted(methods, key=lambda m: (m["resource"], m["http_method"]))


def _cors(resources: Resources, api_id: str, origins: Sequence[str] | None) -> dict[str, Any] | None:
    """What the API's preflight (OPTIONS, MOCK) methods answer; the origins from the API's metadata."""
    for r in _of_type(resources, "AWS::ApiGateway::Method").values():
        m = r["Properties"]
        if m["RestApiId"] == {"Ref": api_id} and m["HttpMethod"] == "OPTIONS" and origins:
            headers = m["Integration"]["IntegrationResponses"][0]["ResponseParameters"]

            def header(name: str, headers: Mapping[str, Any] = headers) -> str:
                return _literal(str(headers.get(f"method.response.header.{name}", "''")))

            return {
                "allow_origins": list(origins),
                "allow_methods": [v for v in header("Access-Control-Allow-Methods").split(",") if v],
                "allow_headers": [v for v in header("Access-Control-Allow-Headers").split(",") if v],
                "max_age_s": int(header("Access-Control-Max-Age") or 0),
            }
    return None


def _gateway_responses(resources: Resources, api_id: str) -> dict[str, Any]:
    responses = {}
    for r in _of_type(resources, "AWS::ApiGateway::GatewayResponse").values():
        g = r["Properties"]
        if g["RestApiId"] != {"Ref": api_id}:
            continue
        responses[g["ResponseType"]] = {
            "status": int(g["StatusCode"]),
            "headers": {
                name.removeprefix("gatewayresponse.header."): _literal(value)
                for name, value in (g.get("ResponseParameters") or {}).items()
            },
            "body": (g.get("ResponseTemplates") or {}).get("application/json", ""),
        }
    return dict(sorted(responses.items()))


def _waf(resources: Resources) -> dict[str, Any] | None:
    """The routes the WAF lets bodies over its managed size limit through (one regex pattern set)."""
    sets = _of_type(resources, "AWS::WAFv2::RegexPatternSet")
    if not sets:
        return None
    (patterns,) = [r["Properties"]["RegularExpressionList"] for r in sets.values()]
    return {
        "body_limit_bytes": WAF_BODY_LIMIT_BYTES,  # the managed rule's, not in the template
        "large_bodies_allowed": "|".join(f"(?:{p})" for p in patterns),
    }


def extract(template: Mapping[str, Any]) -> dict[str, Any]:
    """The API definition of every REST API in `template` (see the module's docstring)."""
    resources: Resources = template["Resources"]
    apis = []
    stages = set()
    for api_id, r in sorted(_of_type(resources, "AWS::ApiGateway::RestApi").items()):
        metadata = r.get("Metadata") or {}
        prefix = metadata[PREFIX_METADATA]
        stages |= {
            s["Properties"]["StageName"]
            for s in _of_type(resources, "AWS::ApiGateway::Stage").values()
            if s["Properties"]["RestApiId"] == {"Ref": api_id}
        }
        apis.append(
            {
                "prefix": prefix,
                "function": metadata[FUNCTION_METADATA],
                "binary_media_types": list(r["Properties"].get("BinaryMediaTypes") or []),
                "cors": _cors(resources, api_id, metadata.get(CORS_METADATA)),
                "gateway_responses": _gateway_responses(resources, api_id),
                "methods": _methods(resources, api_id, prefix),
            }
        )
    (stage,) = stages
    return {
        "source": SOURCE,
        "stage": stage,
        "payload_limit_bytes": API_PAYLOAD_LIMIT_BYTES,  # API Gateway's fixed quotas
        "integration_timeout_ms": API_TIMEOUT_S * 1000,
        "waf": _waf(resources),
        "apis": sorted(apis, key=lambda a: a["prefix"]),
    }


def render(definition: Mapping[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--template", type=Path, required=True, help="a synthesized stack template")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when stale")
    args = parser.parse_args(argv)
    wanted = render(extract(json.loads(args.template.read_text(encoding="utf-8"))))
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if args.check:
        if current == wanted:
            return 0
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), n=1))
        return 1
    OUTPUT.write_text(wanted, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
