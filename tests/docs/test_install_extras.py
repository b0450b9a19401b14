"""The extras documented in docs/install.md hold: every third-party module a side imports
comes with that side's dependencies (the base plus ``orpheus[hub]`` or ``orpheus[server]``,
followed through their own requirements as installed here)."""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
SIDES = {"hub": REPO / "hub_config", "server": REPO / "server_extension" / "orpheus"}
FIRST_PARTY = {"orpheus", "orpheus_hub", "orpheus_lab"}
#: Imports a side still makes outside its extra; each is a known gap named in docs/install.md.
KNOWN_GAPS: dict[str, set[str]] = {"hub": set(), "server": set()}
#: Optional imports, guarded where they are made (``.xls`` support says what to install).
OPTIONAL = {"xlrd"}


def norm(name: str) -> str:
    """A distribution name as the index compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(folder: Path) -> set[str]:
    """Top-level names of the absolute imports in every Python file under ``folder``."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - FIRST_PARTY - set(sys.stdlib_module_names)


def closure(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` pull in, through the installed metadata."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if norm(req.name) in seen:
            continue
        seen.add(norm(req.name))
        for text in metadata.requires(req.name) or []:
            dep = Requirement(text)
            wanted = {"", *req.extras}
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in wanted):
                todo.append(dep)
    return seen


def missing_for(side: str) -> set[str]:
    """Third-party modules ``side`` imports that its dependencies do not bring."""
    extras = PROJECT["optional-dependencies"]
    provided = closure([*PROJECT["dependencies"], *extras[side]])
    owners = metadata.packages_distributions()
    return {module for module in imported_modules(SIDES[side]) - OPTIONAL
            if not any(norm(d) in provided for d in owners.get(module, []))}


@pytest.mark.parametrize("side", ["hub", "server"])
def test_each_side_imports_only_what_its_extra_brings(side: str) -> None:
    assert missing_for(side) == KNOWN_GAPS[side]


def test_the_hub_does_not_carry_the_user_servers_stack() -> None:
    hub = closure([*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["hub"]])
    server_only = {"pandas", "pyarrow", "moviepy", "plotly", "jupyterlab", "voila", "anthropic",
                   "openai"}
    assert not hub & server_only
    server = closure([*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["server"]])
    assert not server & {"oauthenticator", "dockerspawner", "jupyterhub-idle-culler"}
    assert "jupyterhub" in server  # jupyterhub-singleuser starts a user's server


def test_all_is_both_sides_and_make_installs_it() -> None:
    assert PROJECT["optional-dependencies"]["all"] == ["orpheus[hub,server]"]
    makefile = (REPO / "Makefile").read_text()
    assert "pip install --quiet -e '.[all]'" in makefile
    assert "pip install --quiet -e '.[all,test]'" in makefile


def test_the_import_scan_sees_lazy_imports(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\nfrom . import x\ndef f():\n    import pandas.io\n"
                                   "    from orpheus import app\n")
    assert imported_modules(tmp_path) == {"pandas"}
