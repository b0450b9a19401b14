"""A typed face for JupyterHub's ``needs_scope`` decorator (the hub ships no type hints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from jupyterhub.scopes import needs_scope as _needs_scope

F = TypeVar("F", bound=Callable[..., Any])


def needs_scope(*scopes: str) -> Callable[[F], F]:
    """``jupyterhub.scopes.needs_scope``, keeping the decorated function's signature."""
    return cast(Callable[[F], F], _needs_scope(*scopes))
