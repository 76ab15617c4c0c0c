"""Write docs/runbook.md from the alarm kinds of `respite_infra.cdk.monitoring` (`make runbook`)."""

from respite_infra.catalogue import REPO_ROOT
from respite_infra.cdk.monitoring import RUNBOOK, render_runbook


def main() -> None:
    RUNBOOK.write_text(render_runbook(), encoding="utf-8")
    print(f"wrote {RUNBOOK.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
