"""`make bench`: every figure of the harness in one table, each beside its reference from the same run.

    .venv/bin/python bench/table.py [--full]

1. cold import of each function's deployment package / `import boto3` (bench/cold_import.py)
2. AWS calls per business operation (bench/lifecycle.py)
3. AWS cost of a dossier's lifecycle, 14 and 40 creditors (bench/lifecycle.py)
4. claim intake through the local stack / bare PutItem to the same moto (bench/claim_intake.py)
5. erasure latency: withdrawal -> unreadable, -> nothing left (bench/erasure.py)

Each part runs in a fresh interpreter of its own (each starts its own local stack, and the services
cache their AWS clients per process). The quick profile is what `make bench` runs; `--full` is the
issues' sizes (claim intake 1,000 dossiers x 14 claims), `make bench-full`.
"""

import argparse
import multiprocessing
import os
import platform
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import claim_intake
import cold_import
import erasure
import lifecycle
from support import by_name, percentile


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    reference: str = ""
    verdict: str = ""  # the ratio to the reference, or the target and whether it is met
    detail: str = ""  # printed on a line of its own below the row


def apart[T](work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` in a fresh interpreter."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(work, *args).result()


def p50_p95(values: Sequence[float]) -> str:
    return f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f} ms"


# --- the parts ----------------------------------------------------------------------------------------


def cold_import_rows(runs: int) -> list[Row]:
    boto3_s, imports = apart(cold_import.measure, runs)
    reference = f"import boto3 {1000 * boto3_s:.0f} ms"
    rows = []
    for c in imports:
        ratio = c.ratio(boto3_s)
        met = "met" if ratio <= cold_import.TARGET else "NOT met"
        rows.append(
            Row(
                f"cold import, {c.handler.function}",
                f"{1000 * c.median_s:.0f} ms",
                reference,
                f"{ratio:.2f}x (<= {cold_import.TARGET}x: {met})",
            )
        )
    return rows


def calls_rows(measured: "lifecycle.Measured") -> list[Row]:
    creditors = min(measured.lifecycles)
    rows = []
    for operation in [*measured.lifecycles[creditors], *measured.intakes]:
        names = by_name(operation.calls)
        consumers = sum(operation.invocations.values())
        rows.append(
            Row(
                f"calls, {operation.name}",
                f"{sum(names.values())} AWS calls",
                f"{operation.api_requests} API, {consumers} consumer runs",
                lifecycle.target(operation),
                ", ".join(f"{n} {name.split(':')[1]}" for name, n in sorted(names.items())),
            )
        )
    return rows


def cost_rows(measured: "lifecycle.Measured") -> list[Row]:
    prices = lifecycle.PRICES
    return [
        Row(
            f"cost per dossier lifecycle, {c} creditors",
            f"${cost.dollars:.4f}",
            f"list prices {prices.published}, {prices.region}",
            f"${1000 * cost.dollars:.2f} per 1,000 dossiers",
        )
        for c, cost in sorted(measured.costs.items())
    ]


def intake_rows(run: "claim_intake.IntakeRun") -> list[Row]:
    phase = run.phases[0]
    k = phase.claims // phase.dossiers
    floor = run.threaded_floor
    accepted, consolidated = phase.per_second(phase.accepted_s), phase.per_second(phase.consolidated_s)
    reference = f"PutItem floor {floor:.0f}/s"
    return [
        Row(
            f"claim intake, {phase.dossiers} dossiers x {k}: accepted",
            f"{accepted:.0f} claims/s",
            reference,
            f"{accepted / floor:.2f}x",
        ),
        Row(
            "claim intake: consolidated",
            f"{consolidated:.0f} claims/s",
            reference,
            f"{consolidated / floor:.2f}x",
        ),
        Row(
            "claim intake: submission -> visible, p50 / p95",
            p50_p95(phase.visible_ms),
        ),
        Row(
            "claim intake: submission -> totals, p50 / p95",
            p50_p95(phase.consolidated_ms),
        ),
    ]


def erasure_rows(run: "erasure.ErasureRun") -> list[Row]:
    hop = percentile(run.hop_ms, 0.5)
    reference = f"stream hop {hop:.0f} ms"
    unreadable, gone = percentile(run.unreadable_ms, 0.5), percentile(run.gone_ms, 0.5)
    return [
        Row(
            f"erasure ({len(run.unreadable_ms)} dossiers): withdrawal -> unreadable, p50 / p95",
            p50_p95(run.unreadable_ms),
            reference,
            f"{unreadable / hop:.2f}x; {erasure.verdict(run.unreadable_ms, erasure.UNREADABLE_TARGET_MS)}",
        ),
        Row(
            "erasure: withdrawal -> nothing left, p50 / p95",
            p50_p95(run.gone_ms),
            reference,
            f"{gone / hop:.2f}x; {erasure.verdict(run.gone_ms, erasure.NOTHING_LEFT_TARGET_MS)}",
        ),
        Row("erasure: items naming an erased dossier, left", str(run.left), "", "must be 0"),
    ]


# --- the table ----------------------------------------------------------------------------------------


def print_table(sections: Sequence[tuple[str, list[Row]]], full: bool) -> None:
    width = max(len(r.figure) for _, rows in sections for r in rows) + 2
    measured = max(len(r.measured) for _, rows in sections for r in rows) + 2
    reference = max(len(r.reference) for _, rows in sections for r in rows) + 2
    print()
    print(
        f"Respite benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {'full' if full else 'quick'} profile, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, moto as AWS"
    )
    print(f"{'figure':{width}}{'measured':>{measured}}  {'reference (same run)':{reference}}ratio / target")
    for title, rows in sections:
        print(f"-- {title} " + "-" * (width + measured + reference - len(title) - 4))
        for r in rows:
            print(f"{r.figure:{width}}{r.measured:>{measured}}  {r.reference:{reference}}{r.verdict}")
            if r.detail:
                print(f"    {r.detail}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issues' sizes (make bench-full)")
    args = parser.parse_args(argv)
    dossiers, withdrawals = (1000, 50) if args.full else (200, 20)
    measured = apart(lifecycle.measure, [14, 40])
    sections = [
        ("1. cold import (median of fresh interpreters)", cold_import_rows(runs=9 if args.full else 5)),
        ("2. AWS calls per business operation (14 creditors)", calls_rows(measured)),
        ("3. AWS cost per dossier lifecycle", cost_rows(measured)),
        ("4. claim intake on the local stack", intake_rows(apart(claim_intake.measure, dossiers, 14))),
        ("5. erasure latency on the local stack", erasure_rows(apart(erasure.measure, withdrawals))),
    ]
    print_table(sections, args.full)


if __name__ == "__main__":
    main()
