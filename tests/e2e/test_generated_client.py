"""A client generated from docs/openapi.json (openapi-python-client, offline) drives a whole negotiation
on the local stack: every JSON answer parses into the generated typed model, the callback goes out with
the webhook headers the spec declares, the CSV inbox and the CSV upload are operations of their own."""

import importlib
import io
import subprocess
import sys
import typing
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from tests.e2e.conftest import RunningStack
from tests.e2e.test_dossiers import new_person
from tests.e2e.test_negotiation import CSV_HEADER, claim
from tests.e2e.test_slice import ANNA

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "respite_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client package as openapi-python-client generates it (no network; `--meta none`: the bare
    package, no project files and no post-hooks)."""
    where = tmp_path_factory.mktemp("client")
    tool = Path(sys.executable).with_name("openapi-python-client")
    spec, output = str(ROOT / "docs/openapi.json"), str(where / PACKAGE)
    done = subprocess.run(
        [str(tool), "generate", "--path", spec, "--meta", "none", "--output-path", output],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "will not be generated" not in done.stdout + done.stderr  # every operation is kept
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))


def operation(generated: ModuleType, api: str, name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{api}.{api}_{name}")


def call(generated: ModuleType, api: str, name: str, status: int, **kwargs: Any) -> Any:
    """Calls an operation; asserts the status and that the answer parsed into the operation's typed
    success model (the return annotation's member that is not the shared Problem), and returns it."""
    module = operation(generated, api, name)
    response = module.sync_detailed(**kwargs)
    assert response.status_code == status, response.content
    hints = typing.get_type_hints(module.sync_detailed)
    success = [
        t
        for t in typing.get_args(typing.get_args(hints["return"])[0])
        if t.__name__ != "Problem" and t is not type(None)
    ]
    assert len(success) == 1, success
    assert isinstance(response.parsed, success[0]), response.parsed
    return response.parsed


def body(generated: ModuleType, api: str, name: str, value: dict[str, Any]) -> Any:
    """The operation's typed request body, from its JSON form."""
    model = typing.get_type_hints(operation(generated, api, name).sync_detailed)["body"]
    return model.from_dict(value)


def office_client(generated: ModuleType, stack: RunningStack, office_id: str) -> tuple[Any, str]:
    credentials = next(c for c in stack.office_clients if c["office_id"] == office_id)
    client = generated.AuthenticatedClient(base_url=stack.base_url, token=stack.office_token(office_id))
    return client, str(credentials["webhook_secret"])


def test_a_generated_client_drives_a_whole_negotiation(generated: ModuleType, stack: RunningStack) -> None:
    anna = generated.AuthenticatedClient(base_url=stack.base_url, token=stack.sign_in(ANNA), timeout=30.0)
    offices = {o: office_client(generated, stack, o) for o in ("vanhove", "lambert")}

    registration = new_person("Generated")
    registered = call(
        generated,
        "consent",
        "register_dossier",
        201,
        client=anna,
        body=body(generated, "consent", "register_dossier", registration),
    )
    dossier_id = registered.dossier_id
    sent = call(
        generated,
        "claims",
        "send_notices",
        201,
        dossier_id=dossier_id,
        client=anna,
        body=body(generated, "claims", "send_notices", {"office_ids": sorted(offices)}),
    )
    assert {m.office_id for m in sent.messages} == set(offices)

    def message(office_id: str, type_: str) -> Any:
        page = call(generated, "claims", "inbox", 200, client=offices[office_id][0], limit=100)
        return next(m for m in page.messages if m.dossier_id == dossier_id and m.type_.value == type_)

    # Van Hove reads its inbox as JSON and as CSV, acknowledges, answers by signed callback
    vanhove, secret = offices["vanhove"]
    notice = message("vanhove", "notice")
    assert notice.person.family_name == "Generated"
    as_csv = operation(generated, "claims", "inbox_as_csv").sync_detailed(client=vanhove, limit=100)
    assert as_csv.status_code == 200, as_csv.content
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.decode().startswith("message_id;dossier_id;type")
    assert notice.message_id in as_csv.content.decode()
    acknowledged = call(
        generated,
        "claims",
        "acknowledge",
        200,
        dossier_id=dossier_id,
        message_id=notice.message_id,
        client=vanhove,
    )
    assert acknowledged.message_id == notice.message_id
    reply = body(
        generated,
        "claims",
        "callback",
        {"type": "notice_ack", "claims": [claim("VH-1", 120_000, interest=4_550, paid=20_000)]},
    )
    # signed as the office's system signs: over the exact bytes the generated client sends
    payload = httpx.Request("POST", stack.base_url, json=reply.to_dict()).content.decode()
    webhook_id, at = f"msg_{uuid.uuid4().hex}", datetime.now(UTC)
    accepted = call(
        generated,
        "claims",
        "callback",
        201,
        dossier_id=dossier_id,
        message_id=notice.message_id,
        client=generated.Client(base_url=stack.base_url),
        body=reply,
        webhook_id=webhook_id,
        webhook_timestamp=str(int(at.timestamp())),
        webhook_signature=Webhook(secret).sign(webhook_id, at, payload),
    )
    assert accepted.in_reply_to == notice.message_id
    unsigned = operation(generated, "claims", "callback").sync_detailed(
        dossier_id=dossier_id,
        message_id=notice.message_id,
        client=generated.Client(base_url=stack.base_url),
        body=reply,
        webhook_id=webhook_id,
        webhook_timestamp=str(int(at.timestamp())),
        webhook_signature="v1,bm90IGEgc2lnbmF0dXJl",
    )
    assert unsigned.status_code == 401
    assert isinstance(unsigned.parsed, generated.models.Problem)

    # Lambert answers by API with a claim, then uploads more claims as CSV (a file, as a generated
    # client sends one)
    lambert_notice = message("lambert", "notice")
    answered = call(
        generated,
        "claims",
        "reply_to",
        201,
        dossier_id=dossier_id,
        message_id=lambert_notice.message_id,
        client=offices["lambert"][0],
        body=body(generated, "claims", "reply_to", {"type": "notice_ack", "claims": [claim("L-1", 40_000)]}),
    )
    csv = "\r\n".join([CSV_HEADER, "L-77;SWDE;ordinary;812,40;12,00;50,00;0;judgment;nee"])
    report = call(
        generated,
        "claims",
        "upload_claims",
        201,
        dossier_id=dossier_id,
        message_id=lambert_notice.message_id,
        client=offices["lambert"][0],
        body=generated.types.File(payload=io.BytesIO(csv.encode()), file_name="claims.csv"),
    )
    assert (report.message_id, report.accepted, report.rejected) == (answered.message_id, 1, [])

    # the caseworker reads the dossier and the negotiation, proposes; every office accepts; settlement
    dossier = call(generated, "consent", "read_dossier", 200, dossier_id=dossier_id, client=anna)
    assert dossier.dossier_id == dossier_id
    proposed = call(
        generated,
        "claims",
        "propose",
        201,
        dossier_id=dossier_id,
        client=anna,
        body=body(generated, "claims", "propose", {"kind": "instalments", "monthly_capacity": 25_000}),
    )
    assert proposed.state.value == "negotiating"
    negotiation = call(generated, "claims", "negotiation", 200, dossier_id=dossier_id, client=anna)
    assert {p.office_id for p in negotiation.parts} == set(offices)
    for office_id, (client, _) in offices.items():
        proposal = message(office_id, "proposal")
        call(
            generated,
            "claims",
            "reply_to",
            201,
            dossier_id=dossier_id,
            message_id=proposal.message_id,
            client=client,
            body=body(generated, "claims", "reply_to", {"type": "proposal_accept"}),
        )
    settled = call(generated, "claims", "settle", 201, dossier_id=dossier_id, client=anna)
    assert settled.state.value == "settled"
    final = call(generated, "consent", "read_dossier", 200, dossier_id=dossier_id, client=anna)
    assert final.state.value == "settled"
