"""The README's accounts configuration table is generated from the traitlets' help text."""

from __future__ import annotations

from pathlib import Path

from orpheus_hub import docs

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_accounts_table_is_current() -> None:
    text = README.read_text()
    assert "<!-- config:OrpheusAuthenticator -->" in text
    assert docs.replace_tables(text) == text, "run: .venv/bin/python -m orpheus_hub.docs --write README.md"


def test_every_accounts_knob_has_help_and_appears() -> None:
    table = docs.config_table(*docs.TABLES["OrpheusAuthenticator"])
    for name in ("trial_hours", "lockout_max_failures", "lockout_minutes", "login_rate_limit", "enforce_interval"):
        assert f"`OrpheusAuthenticator.{name}`" in table
    assert "|  |" not in table  # no trait without help text
