"""`docs/openapi.json` is what the code declares: regenerate it with `make openapi` when an API changes."""

import pytest

from respite_infra.openapi import OUTPUT, current_text, stale_diff

SHOWN_DIFF_LINES = 40


def test_docs_openapi_json_is_current() -> None:
    diff = stale_diff(current_text(), OUTPUT)
    if diff:
        shown = "".join(diff[:SHOWN_DIFF_LINES])
        more = (
            f"\n... and {len(diff) - SHOWN_DIFF_LINES} more diff lines"
            if len(diff) > SHOWN_DIFF_LINES
            else ""
        )
        pytest.fail(f"docs/openapi.json is stale: run `make openapi`\n\n{shown}{more}", pytrace=False)


def test_the_served_version_is_the_project_version() -> None:
    import respite_core
    from respite_infra.openapi import project_version

    assert respite_core.__version__ == project_version()
