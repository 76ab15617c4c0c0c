"""`stage_service_code`: a service's Lambda package holds the kernel and that service, nothing else."""

from pathlib import Path

import pytest

from respite_infra.catalogue import REPO_ROOT
from respite_infra.packaging import stage_service_code

SERVICES = ("consent", "claims", "notifications", "retention")


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("service", SERVICES)
def test_the_staged_package_holds_the_kernel_and_the_service_only(tmp_path: Path, service: str) -> None:
    staged = stage_service_code(service, tmp_path)
    assert staged == tmp_path / service
    top = {p.name for p in staged.iterdir()}
    assert {"respite_core", f"respite_{service}"} <= top
    assert top <= {"respite_core", f"respite_{service}", "app.py"}
    assert ("app.py" in top) is (REPO_ROOT / "services" / service / "app.py").is_file()
    others = [f"respite_{s}" for s in SERVICES if s != service]
    assert not [f for f in files(staged) if any(other in f for other in others)]
    assert not [f for f in files(staged) if "__pycache__" in f or f.endswith(".pyc")]
    kernel = REPO_ROOT / "services" / "core" / "respite_core"
    assert {f for f in files(staged / "respite_core")} == {
        f for f in files(kernel) if "__pycache__" not in f and not f.endswith(".pyc")
    }


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


def test_staging_leaves_out_byte_code_other_services_and_stale_files(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "alpha" / "respite_alpha").mkdir(parents=True)
    (out / "alpha" / "respite_alpha" / "deleted_module.py").write_text("")  # from an earlier build
    staged = stage_service_code("alpha", out, repo_root=repo)
    assert files(staged) == {"app.py", "respite_core/__init__.py", "respite_alpha/__init__.py"}
    assert files(stage_service_code("beta", out, repo_root=repo)) == {
        "respite_core/__init__.py",
        "respite_beta/__init__.py",
    }


def test_a_missing_or_odd_service_is_refused(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="gamma"):
        stage_service_code("gamma", tmp_path, repo_root=repo)
    with pytest.raises(ValueError, match="not a service name"):
        stage_service_code("../core", tmp_path, repo_root=repo)
