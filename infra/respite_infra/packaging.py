"""Build a service's Lambda deployment package: its code, the kernel and their third-party
dependencies, built for the Lambda platform from the lock file; nothing else of the repo.

DESIGN.md (Architecture): "A build step puts the kernel and the service's own package — and nothing
else of the repo — into that service's Lambda package." Two steps:

- `build_dependencies` installs the locked runtime dependencies (`uv export --frozen --no-dev`)
  as wheels for one platform (`LAMBDA_PLATFORM`: manylinux2014 aarch64, CPython 3.13) into a
  directory named after a hash of the requirements and the platform, so it is built once and
  reused until uv.lock changes. It needs the package index only the first time: it tries uv's
  cache first (`--offline`) and goes to the index only when the cache lacks a wheel. No Docker:
  every dependency has a binary wheel (`--only-binary :all:`), or the build fails.
- `stage_service_code` puts those dependencies (hard links: cheap), the kernel, the service's
  package and its Chalice `app.py` into `<out>/<service>/`; the CDK stack makes each staged
  directory one asset (`lambda.Code.from_asset`).

Left out of the dependencies: boto3 (the Lambda runtime gives it, with botocore and s3transfer:
`RUNTIME_PROVIDED`) and Chalice's command line (click, inquirer, pip, setuptools, ...): a Chalice
app needs only `chalice/__init__.py` and `chalice/app.py` at run time, which are added by hand, as
`chalice package` does.
"""

import compileall
import hashlib
import inspect
import os
import py_compile
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from respite_infra.catalogue import REPO_ROOT

KERNEL = "core"  # services/core/respite_core: every service's package includes it
# pruned from the export with what only they need (boto3 via the project, botocore via aws-xray-sdk)
RUNTIME_PROVIDED = ("boto3", "botocore")
CHALICE_RUNTIME = ("__init__.py", "app.py")  # of the `chalice` package: all an app imports at run time
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_COMPLETE = ".complete"  # written last: a directory without it is a build that did not finish
LAYOUT = "bytecode-2"  # what a dependencies build holds besides the wheels: a change rebuilds them
_CHECKED_HASH = py_compile.PycInvalidationMode.CHECKED_HASH
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks a function's package


@dataclass(frozen=True)
class Platform:
    """A target for wheels: uv's `--python-platform` and the machine name in wheel file tags."""

    uv_platform: str
    machine: str
    python_version: str = "3.13"


LAMBDA_PLATFORM = Platform("aarch64-manylinux2014", "aarch64")  # Lambda's arm64, python3.13
HOST_PLATFORM = Platform(f"{os.uname().machine}-manylinux2014", os.uname().machine)  # import tests


def package_name(service: str) -> str:
    """`claims` -> `respite_claims`: the import name of a service's package."""
    return f"respite_{service}"


def uv_executable(repo_root: Path = REPO_ROOT) -> str:
    """uv on PATH, else the one `scripts/bootstrap` installed into `.tools/`."""
    found = shutil.which("uv") or repo_root / ".tools" / "bin" / "uv"
    return str(found)


def locked_requirements(repo_root: Path = REPO_ROOT) -> str:
    """The runtime dependencies pinned by uv.lock, without the ones the Lambda runtime gives."""
    prune = [arg for name in ("chalice", *RUNTIME_PROVIDED) for arg in ("--prune", name)]
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [
            uv_executable(repo_root),
            "export",
            "--frozen",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            "--no-header",
            "--no-annotate",
            *prune,
        ],
        cwd=repo_root,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def build_dependencies(
    out_root: Path, *, platform: Platform = LAMBDA_PLATFORM, repo_root: Path = REPO_ROOT
) -> Path:
    """The locked runtime dependencies installed for `platform` under `out_root`; built once.

    Returns `<out_root>/<machine>-<hash>/`, whose hash covers the requirements and the platform.
    """
    requirements = locked_requirements(repo_root)
    digest = hashlib.sha256(f"{platform}\n{LAYOUT}\n{requirements}".encode()).hexdigest()[:16]
    target = out_root / f"{platform.machine}-{digest}"
    if (target / _COMPLETE).is_file():
        return target
    partial = out_root / f"{target.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    requirements_file = partial / "requirements.txt"
    requirements_file.write_text(requirements, encoding="utf-8")
    install = [
        uv_executable(repo_root),
        "pip",
        "install",
        "--quiet",
        "--target",
        str(partial / "site"),
        "--python-platform",
        platform.uv_platform,
        "--python-version",
        platform.python_version,
        "--only-binary",
        ":all:",
        "--no-deps",  # the export is the whole closure, pinned
        "--requirements",
        str(requirements_file),
    ]
    # uv's cache first (works with no network once the wheels were fetched), then the index.
    if subprocess.run([*install, "--offline"], check=False, capture_output=True).returncode != 0:  # noqa: S603
        subprocess.run(install, check=True)  # noqa: S603
    site = partial / "site"
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    _add_chalice_runtime(site)
    # not strict: a wheel may carry a module for another Python (left as source)
    compile_bytecode(site, package_root=site, strict=False)
    shutil.rmtree(target, ignore_errors=True)
    site.rename(target)
    shutil.rmtree(partial)
    (target / _COMPLETE).write_text(requirements, encoding="utf-8")
    return target


def _add_chalice_runtime(site: Path) -> None:
    import chalice.app  # the locked version, pure Python: the same files on every platform

    source = Path(inspect.getfile(chalice.app)).parent
    (site / "chalice").mkdir()
    for name in CHALICE_RUNTIME:
        shutil.copy2(source / name, site / "chalice" / name)


def stage_service_code(
    service: str, out_dir: Path, *, dependencies: Path | None = None, repo_root: Path = REPO_ROOT
) -> Path:
    """Put the dependencies (if given), the kernel, the service's package and its `app.py` (if any)
    into `out_dir/<service>/`, and return that directory.

    The directory is rebuilt from scratch on every call, so a module deleted from the source tree
    never lingers in a package. Byte code from the source tree is left out; the package's own is
    compiled afresh (`compile_bytecode`), so the asset hash does not depend on which interpreter last
    imported the code.
    """
    if not _SERVICE_NAME.fullmatch(service):
        raise ValueError(f"not a service name: {service!r}")
    sources = [repo_root / "services" / KERNEL / package_name(KERNEL)]
    if service != KERNEL:
        sources.append(repo_root / "services" / service / package_name(service))
    for source in sources:
        if not source.is_dir():
            raise FileNotFoundError(f"no package to stage for service {service!r}: {source} is missing")

    target = out_dir / service
    if target.exists():
        shutil.rmtree(target)
    if dependencies is not None:
        # Hard links: four services share one copy of ~45 MB on disk (a copy across file systems).
        shutil.copytree(dependencies, target, ignore=shutil.ignore_patterns(_COMPLETE), copy_function=_link)
    target.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copytree(source, target / source.name, ignore=_IGNORED)
        compile_bytecode(target / source.name, package_root=target)
    app = repo_root / "services" / service / "app.py"  # the Chalice app of an HTTP API service
    if app.is_file():
        shutil.copy2(app, target / "app.py")
        py_compile.compile(
            str(target / "app.py"),
            dfile=f"{LAMBDA_TASK_ROOT}/app.py",
            invalidation_mode=_CHECKED_HASH,
            doraise=True,
        )
    return target


def compile_bytecode(directory: Path, *, package_root: Path, strict: bool = True) -> None:
    """Byte code beside every module, hash-checked (the same bytes on every build of the same source).
    A Lambda sandbox cannot write `__pycache__` (/var/task is read-only): without it, every cold start
    compiles every module it imports, several times slower than importing compiled ones. The file
    names recorded are where Lambda unpacks the package, so the bytes do not depend on this build's
    directory."""
    compiled = compileall.compile_dir(
        directory,
        quiet=2,
        workers=0,
        invalidation_mode=_CHECKED_HASH,
        stripdir=str(package_root),
        prependdir=LAMBDA_TASK_ROOT,
    )
    if strict and not compiled:
        raise RuntimeError(f"could not compile the modules in {directory}")


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
