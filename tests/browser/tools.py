"""Where the browser-test tools live, and how a missing one skips (or, with REQUIRE_BROWSER=1, fails)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = HERE.parent / "artifacts"

# Every browser test sees the same instant, so pages, emails and screenshots are reproducible.
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def missing(what: str, how: str) -> None:
    """Skip with a one-line reason, or fail when REQUIRE_BROWSER=1 says the tool must be there."""
    reason = f"{what} not found ({how}); browser tests skipped"
    if REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 but {what} not found ({how})", pytrace=False)
    pytest.skip(reason)


def require_node_tool(path: Path) -> Path:
    """The path of an npm-installed tool, or skip/fail when `npm ci` has not run in tests/browser."""
    if not path.exists():
        missing(str(path.relative_to(HERE.parent.parent)), "run `npm ci` in tests/browser")
    return path


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        missing("java", "install a Java 17 runtime for the Nu HTML Checker")
    return java  # type: ignore[return-value]
