"""Every function's deployment package: its service, the kernel and their locked dependencies, nothing
else; it imports its handler with only what the Lambda runtime gives (the standard library, boto3).
"""

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from respite_infra.catalogue import CATALOGUE, REPO_ROOT
from respite_infra.packaging import (
    HOST_PLATFORM,
    LAMBDA_PLATFORM,
    build_dependencies,
    locked_requirements,
    stage_service_code,
    uv_executable,
)
from tests.infra.conftest import Synthesised

SERVICES = CATALOGUE.services
FIRST_PARTY = {f"respite_{s}" for s in (*SERVICES, "core")}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def sources(root: Path) -> set[str]:
    """The files of a staged package but its byte code."""
    return {p for p in files(root) if "__pycache__/" not in p}


def packages(dev_stage: Synthesised) -> list[tuple[str, str, dict[str, Any]]]:
    """(function name, handler, environment) of every Lambda function of the dev stage."""
    template = json.loads(
        (dev_stage.assembly / f"{dev_stage.stack.artifact_id}.template.json").read_text(encoding="utf-8")
    )
    return [
        (
            r["Properties"]["FunctionName"],
            r["Properties"]["Handler"],
            {
                "asset": r["Properties"]["Code"]["S3Key"].removesuffix(".zip"),
                **r["Properties"]["Environment"],
            },
        )
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
        and "Handler" in r["Properties"]
        and str(r["Properties"].get("FunctionName", "")).startswith("respite-")
    ]


@pytest.fixture(scope="module")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """boto3 (the locked version) for this machine: what the Lambda Python runtime puts on the path."""
    target = tmp_path_factory.mktemp("lambda-runtime")
    install = [
        uv_executable(),
        "pip",
        "install",
        "--quiet",
        "--target",
        str(target),
        "--python-platform",
        HOST_PLATFORM.uv_platform,
        "--python-version",
        HOST_PLATFORM.python_version,
        "--only-binary",
        ":all:",
        f"boto3=={importlib.metadata.version('boto3')}",
    ]
    if subprocess.run([*install, "--offline"], check=False, capture_output=True).returncode != 0:
        subprocess.run(install, check=True)
    return target


def test_every_function_of_the_stage_is_checked(dev_stage: Synthesised) -> None:
    names = {name for name, _, _ in packages(dev_stage)}
    assert {f"respite-dev-{f.name}" for f in CATALOGUE.functions()} <= names
    assert {f"respite-dev-{a.prefix}-api" for a in CATALOGUE.apis} <= names


def test_each_package_imports_its_handler_with_only_the_runtime_on_the_path(
    dev_stage: Synthesised, lambda_runtime: Path, tmp_path: Path
) -> None:
    failures = []
    for name, handler, props in packages(dev_stage):
        unpacked = tmp_path / name
        shutil.copytree(dev_stage.assembly / f"asset.{props['asset']}", unpacked)
        # Values CloudFormation fills in at deployment (Refs) become placeholders.
        env = {k: v if isinstance(v, str) else "placeholder" for k, v in props["Variables"].items()}
        module, _, attribute = handler.rpartition(".")
        code = (
            "import importlib, sys\n"
            f"sys.path[:0] = [{str(unpacked)!r}, {str(lambda_runtime)!r}]\n"
            f"handler = getattr(importlib.import_module({module!r}), {attribute!r})\n"
            "assert callable(handler)\n"
            f"allowed = ({str(unpacked)!r}, {str(lambda_runtime)!r}, sys.base_prefix)\n"
            "loaded = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
            "outside = [f for f in loaded if f and not f.startswith(allowed)]\n"
            "assert not outside, outside\n"
        )
        result = subprocess.run(
            # -I: no PYTHONPATH, no user site; -S: no site-packages of this venv. The standard library only.
            [sys.executable, "-I", "-S", "-c", code],
            cwd=tmp_path,
            env={
                "PATH": os.environ["PATH"],
                "AWS_REGION": "eu-west-1",
                "AWS_DEFAULT_REGION": "eu-west-1",
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            failures.append(f"{name} ({handler}):\n{result.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)


def test_each_package_holds_its_own_service_and_the_kernel_only(dev_stage: Synthesised) -> None:
    services = {f.name: f.service for f in CATALOGUE.functions()} | {
        f"{a.prefix}-api": a.service for a in CATALOGUE.apis
    }
    for name, _, props in packages(dev_stage):
        service = services[name.removeprefix("respite-dev-")]
        package = dev_stage.assembly / f"asset.{props['asset']}"
        first_party = {p.name for p in package.iterdir() if p.name in FIRST_PARTY}
        assert first_party == {"respite_core", f"respite_{service}"}, name
        assert not [f for f in files(package) if f.startswith(("tests/", "infra/", "services/", "bench/"))]
        assert (package / "app.py").is_file() is (REPO_ROOT / "services" / service / "app.py").is_file()


AARCH64 = 183  # ELF e_machine of ARM64


def elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", path
    return int.from_bytes(header[18:20], "little")


@pytest.fixture(scope="module")
def arm64_dependencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dependencies(tmp_path_factory.mktemp("deps"), platform=LAMBDA_PLATFORM)


def test_the_dependencies_are_the_locked_ones_built_for_lambda_arm64(arm64_dependencies: Path) -> None:
    pins = {
        line.split("==")[0].split(" ")[0].lower().replace("-", "_"): line.split("==")[1].split(" ")[0]
        for line in locked_requirements().splitlines()
        if "==" in line
    }
    installed = {
        p.name.removesuffix(".dist-info").rsplit("-", 1)[0].lower(): p.name.removesuffix(".dist-info").rsplit(
            "-", 1
        )[1]
        for p in arm64_dependencies.glob("*.dist-info")
    }
    assert installed == pins
    assert {"aws_lambda_powertools", "pydantic_core", "cryptography", "jinja2"} <= set(installed)
    assert not {"boto3", "botocore", "chalice", "click"} & set(installed)  # runtime's, or CLI only
    native = list(arm64_dependencies.rglob("*.so"))
    assert native, "pydantic-core and cryptography ship compiled modules"
    assert {p.name: elf_machine(p) for p in native} == {p.name: AARCH64 for p in native}
    for wheel in arm64_dependencies.glob("*.dist-info/WHEEL"):
        tags = [line.split(": ")[1] for line in wheel.read_text().splitlines() if line.startswith("Tag: ")]
        assert all(t.endswith("-any") or "aarch64" in t for t in tags), (wheel, tags)
    # Chalice's run-time part only, as `chalice package` puts it into a package.
    assert {p.name for p in (arm64_dependencies / "chalice").glob("*.py")} == {"__init__.py", "app.py"}
    assert not (arm64_dependencies / "bin").exists()


def test_the_dependencies_are_built_once(arm64_dependencies: Path) -> None:
    again = build_dependencies(arm64_dependencies.parent, platform=LAMBDA_PLATFORM)
    assert again == arm64_dependencies


# --- staging on a made-up repository --------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for package in ("core/respite_core", "alpha/respite_alpha", "beta/respite_beta"):
        (root / "services" / package / "__pycache__").mkdir(parents=True)
        (root / "services" / package / "__init__.py").write_text("")
        (root / "services" / package / "__pycache__" / "x.cpython-313.pyc").write_bytes(b"\0")
    (root / "services" / "alpha" / "app.py").write_text("app = None\n")
    (root / "services" / "alpha" / "README.md").write_text("not code\n")
    return root


def test_staging_leaves_out_stale_byte_code_other_services_and_files(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "alpha" / "respite_alpha").mkdir(parents=True)
    (out / "alpha" / "respite_alpha" / "deleted_module.py").write_text("")  # from an earlier build
    staged = stage_service_code("alpha", out, repo_root=repo)
    assert sources(staged) == {"app.py", "respite_core/__init__.py", "respite_alpha/__init__.py"}
    assert sources(stage_service_code("beta", out, repo_root=repo)) == {
        "respite_core/__init__.py",
        "respite_beta/__init__.py",
    }


def test_staged_modules_carry_fresh_hash_checked_byte_code(repo: Path, tmp_path: Path) -> None:
    """Lambda cannot write __pycache__: the package ships it, compiled from its own sources (never the
    source tree's stale files) and the same on every build."""
    staged = stage_service_code("alpha", tmp_path / "one", repo_root=repo)
    compiled = {p for p in files(staged) if p.endswith(".pyc")}
    assert compiled == {
        f"{d}__pycache__/{m}.{sys.implementation.cache_tag}.pyc"
        for d, m in (("", "app"), ("respite_core/", "__init__"), ("respite_alpha/", "__init__"))
    }
    for pyc in compiled:
        header = (staged / pyc).read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(header[4:8], "little") == 0b11  # hash-based and checked: no timestamps
    again = stage_service_code("alpha", tmp_path / "two", repo_root=repo)
    assert all((staged / p).read_bytes() == (again / p).read_bytes() for p in compiled)


def test_staging_adds_the_dependencies_beside_the_code(repo: Path, tmp_path: Path) -> None:
    deps = tmp_path / "deps"
    (deps / "somelib").mkdir(parents=True)
    (deps / "somelib" / "__init__.py").write_text("")
    (deps / ".complete").write_text("")
    staged = stage_service_code("beta", tmp_path / "out", dependencies=deps, repo_root=repo)
    assert sources(staged) == {"somelib/__init__.py", "respite_core/__init__.py", "respite_beta/__init__.py"}


def test_a_missing_or_odd_service_is_refused(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="gamma"):
        stage_service_code("gamma", tmp_path, repo_root=repo)
    with pytest.raises(ValueError, match="not a service name"):
        stage_service_code("../core", tmp_path, repo_root=repo)
