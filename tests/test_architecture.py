"""The README's layer diagram is the import-linter contract, so the picture people read stays true."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (layers,) = [c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return layers


def _readme_layers() -> list[str]:
    section = (ROOT / "README.md").read_text().split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    diagram = re.search(r"```\n(.*?)```", section, re.S)
    assert diagram, "the Architecture section starts with the layer diagram in a code block"
    return [line.strip() for line in diagram.group(1).splitlines() if line.strip()]


def test_the_readme_diagram_shows_the_layers_the_contract_enforces():
    assert _readme_layers() == _contract_layers()


def test_every_package_is_in_a_layer():
    named = {name.strip() for layer in _contract_layers() for name in layer.split("|")}
    packages = {f"labapp.{path.parent.name}" for path in (ROOT / "labapp").glob("*/__init__.py")}
    modules = {f"labapp.{path.stem}" for path in (ROOT / "labapp").glob("*.py") if path.stem != "__init__"}
    assert packages | modules <= named


def test_every_domain_error_lives_in_an_errors_module_and_shares_one_base(app):
    import importlib
    import inspect
    import pkgutil

    from werkzeug.exceptions import HTTPException

    import labapp
    from labapp.core.errors import DomainError

    stray = []
    for info in pkgutil.walk_packages(labapp.__path__, "labapp."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name or not issubclass(cls, Exception) or issubclass(cls, HTTPException):
                continue  # an HTTPException is already a response (e.g. 429), raised by web code
            # mail's delivery failures are the worker's retry signals, not rules a person is told about.
            if info.name.startswith("labapp.mail."):
                continue
            if not info.name.endswith(".errors") or not issubclass(cls, DomainError):
                stray.append(f"{info.name}.{name}")
    assert stray == []
