"""The README's "OAuth and notifications" configuration tables are generated from the
traitlets' help text; this test fails when they drift.

Regenerate: ``.venv/bin/python -m tests.hub.notify.test_readme_tables``.
"""

from __future__ import annotations

import re
from pathlib import Path

from traitlets.config import Configurable

from orpheus_hub.auth import OrpheusAuthenticator
from orpheus_hub.notify import Notifier
from orpheus_hub.oauth import OrpheusOAuthMixin

README = Path(__file__).resolve().parents[3] / "README.md"
TABLES: dict[str, tuple[type[Configurable], type[Configurable] | None]] = {
    "Notifier": (Notifier, None),
    "OrpheusOAuthMixin": (OrpheusOAuthMixin, OrpheusAuthenticator),
}


def table(cls: type[Configurable], base: type[Configurable] | None) -> str:
    """Markdown rows for ``cls``'s own config traits (those not on ``base``)."""
    inherited = set(base.class_trait_names()) if base else set()
    rows = ["| traitlet | default | meaning |", "| --- | --- | --- |"]
    for name, trait in sorted(cls.class_traits(config=True).items()):
        if name in inherited:
            continue
        help_text = " ".join(trait.help.split()).replace("|", "\\|")
        rows.append(f"| `{cls.__name__}.{name}` | `{trait.default_value_repr()}` | {help_text} |")
    return "\n".join(rows)


def section(label: str) -> str:
    """The README text between ``<!-- config:label -->`` and ``<!-- /config:label -->``."""
    match = re.search(rf"<!-- config:{label} -->\n(.*?)\n<!-- /config:{label} -->", README.read_text(), re.S)
    assert match, f"README has no generated table for {label}"
    return match.group(1)


def test_readme_tables_match_the_traitlets() -> None:
    for label, (cls, base) in TABLES.items():
        assert section(label) == table(cls, base), f"regenerate the {label} table (see module docstring)"


def regenerate() -> None:
    """Rewrite the tables in README.md in place."""
    text = README.read_text()
    for label, (cls, base) in TABLES.items():
        pattern = rf"(<!-- config:{label} -->\n)(?:.*?\n)?(<!-- /config:{label} -->)"
        rows = table(cls, base)
        text = re.sub(pattern, lambda m, t=rows: f"{m.group(1)}{t}\n{m.group(2)}", text, flags=re.S)
    README.write_text(text)


if __name__ == "__main__":
    regenerate()
