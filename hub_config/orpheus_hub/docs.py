"""Configuration tables for the README, generated from the traitlets' help text.

``python -m orpheus_hub.docs`` prints the ``OrpheusAuthenticator`` table;
``python -m orpheus_hub.docs --write README.md`` replaces the text between
``<!-- config:OrpheusAuthenticator -->`` and ``<!-- /config:OrpheusAuthenticator -->``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets.config import Application, Configurable

from .auth import OrpheusAuthenticator
from .share.app import ShareService

#: label -> (class, base whose traits are left out)
TABLES: dict[str, tuple[type[Configurable], type[Configurable] | None]] = {
    "OrpheusAuthenticator": (OrpheusAuthenticator, Authenticator),
    "ShareService": (ShareService, Application),
}


def config_table(cls: type[Configurable], base: type[Configurable] | None = None) -> str:
    """Markdown rows for ``cls``'s own config traits (those not defined on ``base``)."""
    inherited = set(base.class_trait_names()) if base else set()
    rows = ["| traitlet | default | meaning |", "| --- | --- | --- |"]
    for name, trait in sorted(cls.class_traits(config=True).items()):
        if name in inherited:
            continue
        help_text = " ".join((trait.help or "").split()).replace("|", "\\|")
        rows.append(f"| `{cls.__name__}.{name}` | `{trait.default_value_repr()}` | {help_text} |")
    return "\n".join(rows)


def replace_tables(text: str) -> str:
    """``text`` with every known ``<!-- config:label -->`` block regenerated."""
    for label, (cls, base) in TABLES.items():
        pattern = rf"(<!-- config:{label} -->\n)(?:.*?\n)?(<!-- /config:{label} -->)"
        rows = config_table(cls, base)

        def fill(match: re.Match[str], rows: str = rows) -> str:
            return f"{match.group(1)}{rows}\n{match.group(2)}"

        text = re.sub(pattern, fill, text, flags=re.S)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tables, or rewrite them in a README with ``--write``."""
    parser = argparse.ArgumentParser(prog="python -m orpheus_hub.docs", description=__doc__)
    parser.add_argument("--write", metavar="README", help="rewrite the tables in this file in place")
    args = parser.parse_args(argv)
    if args.write:
        path = Path(args.write)
        path.write_text(replace_tables(path.read_text()))
        return 0
    for label, (cls, base) in TABLES.items():
        sys.stdout.write(f"<!-- config:{label} -->\n{config_table(cls, base)}\n<!-- /config:{label} -->\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
