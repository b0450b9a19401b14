"""What a credential set may hold: names, sizes, and the bodies of the admin REST API.

Error messages name the field and the rule, never a value (they reach the hub's log).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
#: Variables that steer the server, its terminals' model access, or are stripped from
#: session terminals; a set may not define them.
RESERVED_PREFIXES = ("JUPYTERHUB_", "JPY_", "JUPYTER_", "ORPHEUS_", "LD_", "PYTHON", "ANTHROPIC_",
                     "OPENAI_", "CLAUDE_")
RESERVED_NAMES = frozenset({"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "TMPDIR", "PWD"})
MAX_VARIABLES = 64
MAX_VALUE_CHARS = 16384
MAX_FILE_BYTES = 65536


def check_set_name(name: str) -> str:
    """``name`` if it is a valid set name (a slug, also the file name), else ValueError."""
    if not SET_NAME.fullmatch(name):
        raise ValueError("a set name is 1-63 lowercase letters, digits and '-', starting with a letter or digit")
    return name


def check_variables(variables: dict[str, str]) -> dict[str, str]:
    """The variables if every name and value is acceptable, else ValueError naming the name."""
    if len(variables) > MAX_VARIABLES:
        raise ValueError(f"at most {MAX_VARIABLES} variables per set")
    for name, value in variables.items():
        if not VARIABLE_NAME.fullmatch(name):
            raise ValueError(f"{name[:64]!r} is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
        if name in RESERVED_NAMES or name.upper().startswith(RESERVED_PREFIXES):
            raise ValueError(f"{name} is reserved (it steers the server or its terminals)")
        if "\0" in value:
            raise ValueError(f"the value of {name} contains a NUL character")
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"the value of {name} is longer than {MAX_VALUE_CHARS} characters")
    return variables


def check_file(content: Any) -> Any:
    """``content`` if it is a JSON object or list of at most ``MAX_FILE_BYTES``, else ValueError."""
    if content is None:
        return None
    if not isinstance(content, dict | list):
        raise ValueError("the file content must be a JSON object or array")
    if len(json.dumps(content).encode("utf-8")) > MAX_FILE_BYTES:
        raise ValueError(f"the file content is larger than {MAX_FILE_BYTES} bytes")
    return content


class Values(BaseModel):
    """The secret part of a set: its variables and optional JSON file."""

    model_config = ConfigDict(extra="forbid")
    variables: dict[str, str] = Field(default_factory=dict, description="NAME -> value.")
    file: Any = Field(default=None, description="Content of ~/.credentials/<set>.json (object or array).")

    @field_validator("variables")
    @classmethod
    def _variables(cls, value: dict[str, str]) -> dict[str, str]:
        return check_variables(value)

    @field_validator("file")
    @classmethod
    def _file(cls, value: Any) -> Any:
        return check_file(value)

    @model_validator(mode="after")
    def _something(self) -> Values:
        if not self.variables and self.file is None:
            raise ValueError("a set needs at least one variable or a file")
        return self


class CreateBody(Values):
    """``POST /hub/api/orpheus/credentials``."""

    name: str = Field(description="The set's slug (also its file name).")
    description: str = Field(default="", max_length=1000)
    groups: list[str] = Field(default_factory=list, max_length=100, description="Hub groups granted at once.")
    allow_trial: bool = Field(default=False, description="Whether trial users in granted groups get it.")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_set_name(value)


class UpdateBody(BaseModel):
    """``PATCH /hub/api/orpheus/credentials/{name}``: metadata only."""

    model_config = ConfigDict(extra="forbid")
    description: str | None = Field(default=None, max_length=1000)
    allow_trial: bool | None = None


class EmptyBody(BaseModel):
    """Grant and revoke take no body (or ``{}``)."""

    model_config = ConfigDict(extra="forbid")
