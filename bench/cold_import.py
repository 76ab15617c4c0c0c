"""Cold import of each function's deployment package, beside `import boto3` in the same run.

    .venv/bin/python bench/cold_import.py [--runs 7]

Each function's package is staged as the CDK stack stages it (`respite_infra.packaging`: its
service, the kernel and their locked dependencies, here built for this machine instead of Lambda's
arm64). Each run is a fresh interpreter with no site-packages and only the package and the Lambda
runtime's own offer (boto3 and what it needs) on its path, as in a Lambda sandbox; it times the
import of the handler's module. `import boto3` in the same kind of interpreter is the reference. The
runs are interleaved (function, function, ..., boto3, repeat) so that the machine's noise falls on
all alike; the figure is the median.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from respite_infra.catalogue import CATALOGUE, REPO_ROOT
from respite_infra.packaging import HOST_PLATFORM, build_dependencies, compile_bytecode, stage_service_code

BUILD = REPO_ROOT / "build" / "bench"
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")
TARGET = 1.3  # the issue's: every handler's cold import within 1.3x `import boto3`
BOTO3 = "boto3"
TIMER = (
    "import sys, time; sys.path[:0] = sys.argv[1:3]; started = time.perf_counter(); "
    "__import__(sys.argv[3]); print(time.perf_counter() - started)"
)


@dataclass(frozen=True)
class Handler:
    function: str
    service: str
    module: str  # what the runtime imports first


def handlers() -> list[Handler]:
    found = [Handler(f"{api.service} API", api.service, "app") for api in CATALOGUE.apis]
    found += [Handler(f.name, f.service, f.handler.rsplit(".", 1)[0]) for f in CATALOGUE.functions()]
    return found


def lambda_runtime(root: Path) -> Path:
    """What the Lambda Python runtime puts on the path besides the function: boto3 and its needs."""
    runtime = root / "runtime"
    if runtime.is_dir():
        return runtime
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    partial = root / "runtime.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in RUNTIME_PROVIDED:
        source = site / name
        if source.is_dir():
            shutil.copytree(source, partial / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, partial / name)
    compile_bytecode(partial, package_root=partial, strict=False)  # the runtime's boto3 comes compiled
    partial.rename(runtime)
    return runtime


def staged_packages(root: Path, services: set[str]) -> dict[str, Path]:
    dependencies = build_dependencies(root / "deps", platform=HOST_PLATFORM)
    return {s: stage_service_code(s, root / "packages", dependencies=dependencies) for s in sorted(services)}


def import_seconds(package: Path | None, runtime: Path, module: str) -> float:
    """One fresh interpreter (no site, no user site, no PYTHONPATH) importing `module`."""
    path = [str(package) if package else str(runtime), str(runtime)]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", TIMER, *path, module],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout)


@dataclass(frozen=True)
class ColdImport:
    handler: Handler
    median_s: float

    def ratio(self, boto3_s: float) -> float:
        return self.median_s / boto3_s


def measure(runs: int) -> tuple[float, list[ColdImport]]:
    """The median `import boto3` and each handler's median import, from interleaved runs."""
    every = handlers()
    runtime = lambda_runtime(BUILD)
    packages = staged_packages(BUILD, {h.service for h in every})
    samples: dict[str, list[float]] = {h.function: [] for h in every}
    samples[BOTO3] = []
    for h in every:  # a first, unmeasured import of each writes nothing (-B) but warms the disk cache
        import_seconds(packages[h.service], runtime, h.module)
    for _ in range(runs):
        samples[BOTO3].append(import_seconds(None, runtime, BOTO3))
        for h in every:
            samples[h.function].append(import_seconds(packages[h.service], runtime, h.module))
    boto3_s = statistics.median(samples[BOTO3])
    return boto3_s, [ColdImport(h, statistics.median(samples[h.function])) for h in every]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    boto3_s, imports = measure(args.runs)
    print(f"cold import of each deployment package, median of {args.runs} fresh interpreters")
    print(f"{'function':40}{'module':48}{'ms':>8}{'/ boto3':>10}")
    print(f"{'(reference) import boto3':40}{'boto3':48}{1000 * boto3_s:8.0f}{1.0:9.2f}x")
    for c in imports:
        flag = "" if c.ratio(boto3_s) <= TARGET else f"  over {TARGET}x"
        print(
            f"{c.handler.function:40}{c.handler.module:48}"
            f"{1000 * c.median_s:8.0f}{c.ratio(boto3_s):9.2f}x{flag}"
        )


if __name__ == "__main__":
    main()
