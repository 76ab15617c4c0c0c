"""`python -m respite_infra.record_of_processing [--check]`: write or check `docs/record-of-processing.md`.

The record of processing activities (GDPR art. 30) is generated from the wiring catalogue — every
table, queue, bucket, key and secret with its purpose, the categories of personal data it holds, who
reads it (the catalogue's `uses`) and how long every copy lives, residual copies included (streams,
point-in-time recovery, dead-letter queues, logs) — so it cannot drift from what is deployed.
`tests/unit/test_record_of_processing_is_current.py` fails when the checked-in file is stale.
"""

import argparse
import difflib
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from respite_core.erasure import TERMINATION_RECORDS_KEPT, TTL_BACKSTOP
from respite_core.resources import ResourceName, TableName
from respite_core.settings import DEFAULT_RETENTION, variable
from respite_infra.catalogue import (
    CATALOGUE,
    LOG_RETENTION_DAYS,
    REPO_ROOT,
    STREAM_RETENTION_HOURS,
    Access,
    Bucket,
    Catalogue,
    Schedule,
    Table,
)

OUTPUT = REPO_ROOT / "docs" / "record-of-processing.md"
RETENTION_SETTING = variable("retention_days")

# How long the items of a table live, beyond what the catalogue's TTL attribute says.
_KEPT: dict[TableName, str] = {
    TableName.DOSSIERS: (
        "until the dossier is erased: at once when consent is withdrawn; "
        "after the retention period once it is closed"
    ),
    TableName.KEY_STORE: (
        "until the dossier is erased: its data key is destroyed first, the person's registration and"
        " its pointer are deleted with the rest of the dossier; a person's standstill (its last day, no"
        " dossier) until the day after it ends, whatever became of the dossier (TTL `expires_at`)"
    ),
    TableName.DIRECTORY: "while the agency or office takes part (no data about people in debt help)",
    TableName.ACCESS_LOG: (
        "a dossier's entries are deleted with the dossier; erasure receipts and offices' unmatched "
        "lookups are kept (no personal data)"
    ),
    TableName.DELIVERIES: (
        "items expire (TTL `expires_at`); items about an erased dossier are deleted with it, but for"
        " what telling each office of the erasure leaves (ids and the reason): "
        f"{TERMINATION_RECORDS_KEPT.days} days"
    ),
}


def render(catalogue: Catalogue = CATALOGUE) -> str:
    readers = _readers(catalogue)
    sweeper = next((s for s in catalogue.schedules if s.function.service == "retention"), None)
    key_store = next((t for t in catalogue.tables if t.name == TableName.KEY_STORE), None)
    lines = [
        "# Record of processing activities (GDPR art. 30)",
        "",
        "Generated from the wiring catalogue (`infra/respite_infra/catalogue.py`) by",
        "`make record-of-processing`; a test fails when it is stale. Do not edit by hand.",
        "",
        "## The processing",
        "",
        "- **Controller**: each debt counselling agency (OCMW/CPAS, CAW, municipal debt help) for the",
        "  dossiers it registers. The platform's operator processes on the agencies' behalf (processor).",
        "- **Purpose**: debt mediation with the person's explicit, revocable consent (GDPR art. 6(1)(a),",
        "  art. 7): telling the creditor offices the agency names that the person is in debt help, receiving",
        "  their claims, one consolidated dossier, a standstill, negotiating and agreeing one payment plan.",
        "- **Data subjects**: people in debt help; caseworkers and office systems (their user ids, in the",
        "  access log).",
        "- **Recipients**: the agency's caseworkers (the whole dossier); each creditor office the agency",
        "  notifies (what it needs to find its own file: the person as its flags require, its own claims",
        "  and the agency's requests; when the dossier is erased, a termination with ids and, in its",
        "  signed webhook, its own file references, sealed for it with the platform key until the",
        "  termination's records expire);",
        "  operators (no personal data).",
        "- **Transfers outside the EEA**: none, when the stack is deployed to an EEA region (the local",
        "  stack and the tests use eu-west-1).",
        "- **Security**: per-dossier data keys (KMS envelope encryption, AES-256-GCM); the national",
        "  number is looked up only through a keyed hash; tables, queues and buckets are encrypted with",
        "  a customer-managed KMS key; TLS only; every read of personal data is in the access log.",
        "",
        "## Erasure and retention",
        "",
        "- **Consent withdrawn**: the dossier's data key is destroyed in the request (every copy becomes",
        "  unreadable at once), then the retention service erases every item, object and record of it.",
        f"- **Dossier closed**: kept {DEFAULT_RETENTION.days} days (the setting `{RETENTION_SETTING}`), then",
        "  erased by the retention sweeper"
        + (f" (`{sweeper.expression}`)" if isinstance(sweeper, Schedule) else "")
        + f"; DynamoDB TTL, {_days(TTL_BACKSTOP.days)} after the deadline, is the backstop.",
        "- **What remains** is an erasure receipt in the access log: a keyed hash of the dossier id, when,",
        "  why, how many items and objects were removed, how many offices were told. No personal data.",
        "- **Offices are told** by email and, when they have an endpoint, a signed webhook: the dossier's",
        "  id, the agency and its contact, why. The record that each was sent (ids and the reason) is kept",
        f"  {_days(TERMINATION_RECORDS_KEPT.days)}, as long as the termination can be delivered again.",
        "",
        "## Stores",
        "",
        "| store | kind | owner | purpose | personal data | how long | residual copies | used by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for table in catalogue.tables:
        lines.append(
            _row(
                table.name.value,
                "DynamoDB table",
                table.owner,
                table.purpose,
                _personal(table.personal_data, table.categories),
                _table_kept(table),
                _table_residue(table),
                readers[_key(table.name)],
            )
        )
    for queue in catalogue.queues:
        lines.append(
            _row(
                queue.name.value,
                "SQS queue + DLQ",
                queue.owner,
                queue.purpose,
                "no (ids only)",
                f"until consumed; at most {_days(queue.retention_days)}",
                f"dead-letter queue: {_days(queue.dlq_retention_days)}",
                readers[_key(queue.name)],
            )
        )
    for bucket in catalogue.buckets:
        expires = (
            f"lifecycle deletes after {_days(bucket.expire_after_days)}" if bucket.expire_after_days else ""
        )
        kept = "until the dossier is erased" + (f"; {expires}" if expires else "")
        lines.append(
            _row(
                bucket.name.value,
                "S3 bucket",
                bucket.owner,
                bucket.purpose,
                _personal(bucket.personal_data, bucket.categories),
                kept,
                _bucket_residue(bucket),
                readers[_key(bucket.name)],
            )
        )
    for key in catalogue.keys:
        lines.append(
            _row(
                key.name.value, "KMS key", "core", key.purpose, "no", "kept", "none", readers[_key(key.name)]
            )
        )
    for secret in catalogue.secrets:
        lines.append(
            _row(
                secret.name.value,
                "secret",
                "core",
                secret.purpose,
                "no",
                "kept",
                "none",
                readers[_key(secret.name)],
            )
        )
    lines.append(
        _row(
            "logs",
            "CloudWatch log groups",
            "every function and API",
            "operations: errors, counts, ids",
            "no (by design: ids, counts, types)",
            _days(LOG_RETENTION_DAYS),
            "none",
            "operators",
        )
    )
    lines += [
        "",
        "## Residual copies after an erasure",
        "",
        "Erasure destroys the dossier's data key first. Every copy that holds only ciphertext is unreadable",
        "from that moment; the copies below stay for a bounded time and then go by themselves:",
        "",
    ]
    if key_store is not None:
        lines.append(
            f"- the key store's point-in-time recovery ({_days(key_store.pitr_days)}; the key store has "
            "no stream): the one place a destroyed data key survives, and the erased person's "
            "registration (the keyed hash of their national number, their dossier id, the agency). A "
            "restore within this window could open the backups below, and with the pseudonym key (which "
            "is kept) and a national number tell that the person was in debt help; after it nothing can."
        )
    for table in catalogue.tables:
        if table.personal_data and table.stream:
            lines.append(
                f"- the `{table.name.value}` table's stream ({STREAM_RETENTION_HOURS} h) and point-in-time "
                f"recovery ({_days(table.pitr_days)}): ciphertext of the erased dossier, with its ids, "
                "states, dates and amounts; nothing that names the person in clear, and neither their "
                "national number nor its keyed hash."
            )
    for bucket in catalogue.buckets:
        for short in bucket.short_lived:
            if short.late:
                where = f"the `{bucket.name.value}` bucket's `{short.prefix}`"
                lines.append(f"- {where} ({_days(short.days)}): {short.late}.")
    lines.append("- dead-letter queues: ids only, no personal data (see each queue above).")
    if catalogue.email is not None:
        inbound = catalogue.email.inbound.name
        lines.append(
            f"- `{inbound}-failed` (SES's invocations of `{inbound}` that failed, kept 14 days for an "
            "operator's redrive): the received mail's SES event, whose headers name the sending "
            "office's address, the reply address (its reference token) and the subject; no body or "
            "attachment (those are in the inbound-mail bucket)."
        )
    if catalogue.schedules:
        lines.append("- `schedules-failed`: scheduled events only (a time and a rule), no personal data.")
    lines += [
        f"- logs ({_days(LOG_RETENTION_DAYS)}): no personal data.",
        "",
    ]
    return "\n".join(lines)


def _readers(catalogue: Catalogue) -> defaultdict[str, str]:
    """For each resource, the functions and APIs that use it."""
    users: defaultdict[str, list[str]] = defaultdict(list)
    for function in {f.name: f for f in catalogue.functions()}.values():
        for resource, access in function.uses:
            users[_key(resource)].append(f"{function.name} ({_access(access)})")
    for api in catalogue.apis:
        for resource, access in api.uses:
            users[_key(resource)].append(f"/{api.prefix} API ({_access(access)})")
    for stream in catalogue.stream_consumers:
        users[_key(stream.table)].append(f"{stream.function.name} (its stream)")
    for consumer in catalogue.queue_consumers:
        users[_key(consumer.queue)].append(f"{consumer.function.name} (consumes)")
    return defaultdict(lambda: "—", {key: ", ".join(sorted(names)) for key, names in users.items()})


def _access(access: Access) -> str:
    return "reads" if access is Access.READ else "writes"


def _key(resource: ResourceName) -> str:
    return f"{type(resource).__name__}.{resource.value}"


def _personal(personal: bool, categories: tuple[str, ...]) -> str:
    if not personal:
        return "no"
    return "yes: " + "; ".join(categories) if categories else "yes"


def _table_kept(table: Table) -> str:
    kept = _KEPT.get(table.name)
    ttl = f"items expire (TTL `{table.ttl_attribute}`)" if table.ttl_attribute else ""
    if kept is None:
        kept = ttl or "kept"
        if table.ttl_attribute:
            kept += "; items about an erased dossier are deleted with it"
    return kept


def _table_residue(table: Table) -> str:
    parts = [f"point-in-time recovery {_days(table.pitr_days)}"]
    if table.stream:
        parts.insert(0, f"stream {STREAM_RETENTION_HOURS} h")
    return ", ".join(parts)


def _bucket_residue(bucket: Bucket) -> str:
    """The bucket's short-lived copies, those of one lifetime together, and then: no versioning."""
    by_days: defaultdict[int, list[str]] = defaultdict(list)
    for short in bucket.short_lived:
        by_days[short.days].append(f"{short.holds} (`{short.prefix}`)")
    parts = [
        f"{' and '.join(held)} live at most {_days(days)} and are deleted with the dossier"
        for days, held in by_days.items()
    ]
    return "; ".join([*parts, "no versioning"]) if parts else "none (no versioning)"


def _days(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def stale_diff(expected: str, path: Path = OUTPUT) -> list[str]:
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual == expected:
        return []
    name = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
    return list(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{name} (checked in)",
            tofile=f"{name} (from the catalogue)",
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m respite_infra.record_of_processing", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff when stale")
    args = parser.parse_args(argv)
    expected = render()
    if args.check:
        diff = stale_diff(expected)
        sys.stdout.writelines(diff)
        return 1 if diff else 0
    OUTPUT.write_text(expected, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
