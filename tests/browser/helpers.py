"""What the browser tests do with a page: keyboard moves, axe-core, the Nu HTML Checker, screenshots."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.tools import ARTIFACTS, AXE_JS, VNU_JAR, require_java, require_node_tool

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The checker runs once per test run: a JVM tuned to start fast rather than to run long.
# (The schema needs a deep stack: -Xss4m, or the checker stops with a StackOverflowError.)
JVM_QUICK_START = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const label = el.id || el.getAttribute("name") || (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  const value = el.type === "radio" || el.type === "checkbox" ? "=" + el.value : "";
  return el.tagName.toLowerCase() + ":" + label + value;
}"""


def focused(page: Any) -> str:
    """The focused element as 'tag:id-or-name-or-text' (radios and checkboxes add '=value')."""
    return page.evaluate(DESCRIBE_FOCUS)


def tab_to(page: Any, target: str, *, limit: int = 60) -> list[str]:
    """Press Tab until the element described as `target` has focus; returns every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1] == target:
            return stops
    raise AssertionError(f"Tab never reached {target!r}; it went through {stops}")


def axe_violations(page: Any) -> list[str]:
    """Run axe-core (WCAG 2.0-2.2 A/AA rules) on the page; one readable line per violation and node.

    The page's context needs bypass_csp=True: the site's CSP rightly refuses injected scripts.
    A context that checks many pages can preload axe with `preload_axe(context)` (faster than injecting it each time).
    """
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(require_node_tool(AXE_JS)))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']} — "
        f"{node.get('failureSummary', '').strip()}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def preload_axe(context: Any) -> None:
    """Load axe-core into every page the context opens from now on (the context needs bypass_csp=True)."""
    context.add_init_script(path=str(require_node_tool(AXE_JS)))


def html_errors(pages: dict[str, str]) -> list[str]:
    """Nu HTML Checker errors (warnings ignored) for each named HTML document, as readable lines."""
    jar = require_node_tool(VNU_JAR)
    java = require_java()
    folder = Path(tempfile.mkdtemp(prefix="labapp-vnu-"))
    try:
        files = []
        for name, html in pages.items():
            path = folder / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        completed = subprocess.run(  # fixed command, our own files
            [java, *JVM_QUICK_START, "-jar", str(jar), "--errors-only", "--format", "json", *files],
            capture_output=True, text=True, timeout=120, check=False,
        )
        try:
            messages = json.loads(completed.stderr)["messages"]
        except ValueError as error:
            output = completed.stderr or completed.stdout
            raise AssertionError(f"the Nu HTML Checker did not answer: {output}") from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()}]"
        for m in messages
        if m.get("type") in {"error", "non-document-error"}
    ]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot to tests/artifacts/<name>.png (`make screenshots` copies them to docs/)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path
