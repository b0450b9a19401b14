"""Orpheus: the single-user Jupyter server extension."""

from typing import Any

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import OrpheusApp

    return [{"module": "orpheus.app", "app": OrpheusApp}]
