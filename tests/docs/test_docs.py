"""The documentation: generated references current and complete, the site builds, every
link resolves inside the repository, the README stays short.

Regenerate the references with ``.venv/bin/python -m orpheus_hub.docs --write``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from orpheus_hub import docs

REPO = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".git", ".venv", "node_modules", "data", "test-artifacts", "dist", ".bench-venv",
                ".mypy_cache", ".ruff_cache", ".pytest_cache", "lib", "labextension"}
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ROW = re.compile(r"^\| `(\w+)\.(\w+)` \|", re.M)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """Both generated files as the code says they should read now."""
    return docs.render()


def test_generated_references_are_current(rendered: dict[str, str]) -> None:
    for name, text in rendered.items():
        assert (REPO / "docs" / name).read_text() == text, (
            f"docs/{name} is stale: run .venv/bin/python -m orpheus_hub.docs --write")


def test_a_stale_reference_is_reported(tmp_path: Path, rendered: dict[str, str]) -> None:
    for name, text in rendered.items():
        (tmp_path / name).write_text(text)
    assert docs.stale(tmp_path) == []
    (tmp_path / "api.md").write_text(rendered["api.md"].replace("| GET |", "| PUT |", 1))
    (tmp_path / "configure.md").unlink()
    assert sorted(docs.stale(tmp_path)) == ["api.md", "configure.md"]


def test_every_orpheus_trait_is_in_the_configuration_reference(rendered: dict[str, str]) -> None:
    rows = set(ROW.findall(rendered["configure.md"]))
    documented = [docs.load(spec) for _, _, classes in docs.CONFIG_GROUPS for spec, _ in classes]
    missing = []
    for cls in docs.orpheus_configurables():
        related = {k.__name__ for k in cls.__mro__}
        related |= {d.__name__ for d in documented if issubclass(d, cls)}
        for name in cls.class_traits(config=True):
            owner = next(k for k in cls.__mro__ if name in vars(k))
            if owner.__module__.split(".")[0] not in ("orpheus", "orpheus_hub"):
                continue
            if not any((label, name) in rows for label in related):
                missing.append(f"{cls.__name__}.{name}")
    assert missing == [], f"traits missing from docs/configure.md: {missing}"


def test_every_documented_trait_has_help(rendered: dict[str, str]) -> None:
    rows = [line for line in rendered["configure.md"].splitlines() if ROW.match(line)]
    assert len(rows) > 150
    assert [row for row in rows if row.rstrip().endswith("|  |")] == []
    assert "| `OrpheusAuthenticator.trial_hours` | Float | `24.0` |" in rendered["configure.md"]


def test_the_api_reference_lists_each_process_routes(rendered: dict[str, str]) -> None:
    text = rendered["api.md"]
    for row in ("| GET | `/hub/api/orpheus/me` |",
                "| POST | `/hub/api/orpheus/users/{user}/approve` |",
                "| POST | `/user/<username>/orpheus/api/sessions` |",
                "| DELETE | `/user/<username>/orpheus/api/projects/{name}` |",
                "| GET | `/services/share/s/{token}` |",
                "| POST | `/services/llm/anthropic/{path}` |",
                "| PUT | `/services/llm/api/quotas/{user}` |"):
        assert row in text
    assert "| OPTIONS |" not in text  # only the methods Orpheus implements
    assert ("| POST | `/user/<username>/orpheus/api/sessions` | `orpheus.sessions`: execute |"
            in text)
    assert "| GET | `/user/<username>/orpheus/api/projects` | `orpheus.projects`: read |" in text
    assert "| none |" not in text  # every user-server method is authorized


def test_an_undecorated_method_reads_as_not_authorized() -> None:
    from jupyter_server.auth.decorator import authorized
    from tornado.web import RequestHandler

    class Plain(RequestHandler):
        auth_resource = "orpheus.test"

        def get(self) -> None:
            """Nothing checked."""

        @authorized
        def put(self) -> None:
            """Checked, action from the method."""

        @authorized("execute")
        def post(self) -> None:
            """Checked, explicit action."""

    assert docs.permission(Plain, "GET") == "none"
    assert docs.permission(Plain, "PUT") == "`orpheus.test`: write"
    assert docs.permission(Plain, "POST") == "`orpheus.test`: execute"


@pytest.mark.parametrize(("pattern", "paths"), [
    (r"/orpheus/api/projects/(?P<name>[^/]+)/?", ["/orpheus/api/projects/{name}"]),
    (r"/api/orpheus/users/([^/]+)/(approve|revoke)", ["/api/orpheus/users/{user}/approve",
                                                      "/api/orpheus/users/{user}/revoke"]),
    (r"s/([A-Za-z0-9_-]{16,128})/recording\.cast", ["s/{token}/recording.cast"]),
    (r"api/shares/([A-Za-z0-9_-]{1,32})/refresh", ["api/shares/{share}/refresh"]),
    (r"/(anthropic|openai)/(.*)", ["/anthropic/{path}", "/openai/{path}"]),
])
def test_route_patterns_read_as_paths(pattern: str, paths: list[str]) -> None:
    assert docs.route_paths(pattern) == paths


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (site / "index.html").is_file()
    for page in ("install", "use", "configure", "deploy", "security", "api", "contributing"):
        assert (site / page / "index.html").is_file(), page


def markdown_files() -> list[Path]:
    """Every Markdown file of the repository (not installed or generated trees)."""
    found = []
    for path in REPO.rglob("*.md"):
        parts = path.relative_to(REPO).parts
        if not SKIPPED_DIRS.intersection(parts[:-1]):
            found.append(path)
    return found


def test_markdown_files_are_found() -> None:
    names = {str(p.relative_to(REPO)) for p in markdown_files()}
    assert {"README.md", "CHANGELOG.md", "CONTRIBUTING.md", "docs/index.md", "docs/api.md"} <= names


def broken_links(path: Path, root: Path = REPO) -> list[str]:
    """Relative link targets in ``path`` that leave ``root`` or name no existing file."""
    broken = []
    for target in LINK.findall(path.read_text()):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        resolved = (path.parent / target.split("#")[0]).resolve()
        if not resolved.is_relative_to(root.resolve()) or not resolved.exists():
            broken.append(target)
    return broken


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_links_stay_inside_the_repository_and_resolve(path: Path) -> None:
    assert "../shared" not in path.read_text()
    assert broken_links(path) == [], "links to files that are not in the repository"


def test_the_link_check_catches_missing_and_outside_targets(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "here.md").write_text("x")
    (tmp_path / "shared.md").write_text("outside")
    page = root / "docs" / "page.md"
    page.write_text("[web](https://example.org) [ok](here.md#part) [top](#top) "
                    "![img](images/gone.png)\n"
                    '[gone](missing.md "title") [out](../../shared.md) [readme](../README.md)')
    assert broken_links(page, root) == ["images/gone.png", "missing.md", "../../shared.md",
                                        "../README.md"]


def test_the_readme_is_short() -> None:
    assert (REPO / "README.md").stat().st_size < 8 * 1024


def test_machine_paths_do_not_reach_the_reference() -> None:
    assert docs.portable(repr(sys.executable)) == "'{sys.executable}'"
    assert docs.portable(str(REPO / "node_modules")) == "{checkout}/node_modules"
