"""Tests that need real parts (Chromium, a broker, PostgreSQL) skip on a developer's machine when
those are missing, and fail on CI, where they must run."""

import os
from pathlib import Path

import pytest


def must_run() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or bool(os.environ.get("SUNWU_REQUIRE_ALL_TESTS"))


def prerequisite_missing(reason: str) -> None:
    if must_run():
        pytest.fail(f"{reason} (required on CI)", pytrace=False)
    pytest.skip(reason)


def mark_folder(items: list[pytest.Item], folder: Path, marker: pytest.MarkDecorator) -> None:
    """Mark every test collected below `folder` (before `-m` deselects by marker)."""
    for item in items:
        if folder in Path(item.path).resolve().parents:
            item.add_marker(marker)
