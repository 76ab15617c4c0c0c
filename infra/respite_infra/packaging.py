"""Build a service's Lambda code directory: the kernel and the service's own package, nothing else.

DESIGN.md (Architecture): "A build step puts the kernel and the service's own package — and nothing
else of the repo — into that service's Lambda package." `stage_service_code` is that step; the CDK
stack turns each staged directory into one asset (`lambda.Code.from_asset`).

TODO(third-party dependencies): the staged directory carries first-party code only. The runtime
dependencies of pyproject.toml (aws-lambda-powertools, pydantic, python-stdnum, holidays,
python-ulid, cryptography, standardwebhooks, jinja2, chalice, pyjwt — boto3 comes with the Lambda
runtime) will come from a Lambda layer or asset bundling in a later issue. Whatever does it must
build arm64 / Python 3.13 wheels and must not need Docker or the network at synthesis time.
"""

import re
import shutil
from pathlib import Path

from respite_infra.catalogue import REPO_ROOT

KERNEL = "core"  # services/core/respite_core: every service's package includes it
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def package_name(service: str) -> str:
    """`claims` -> `respite_claims`: the import name of a service's package."""
    return f"respite_{service}"


def stage_service_code(service: str, out_dir: Path, *, repo_root: Path = REPO_ROOT) -> Path:
    """Copy the kernel, the service's package and its `app.py` (if any) into `out_dir/<service>/`.

    The directory is rebuilt from scratch on every call, so a module deleted from the source tree
    never lingers in a package. `__pycache__` and byte code are left out (they would also make the
    asset hash depend on which interpreter last imported the code). Returns the staged directory.
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
    target.mkdir(parents=True)
    for source in sources:
        shutil.copytree(source, target / source.name, ignore=_IGNORED)
    app = repo_root / "services" / service / "app.py"  # the Chalice app of an HTTP API service
    if app.is_file():
        shutil.copy2(app, target / "app.py")
    return target
