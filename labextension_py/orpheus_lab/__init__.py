"""The Orpheus JupyterLab extension, shipped prebuilt (``orpheus-lab``).

The wheel installs the built extension to ``share/jupyter/labextensions/orpheus-lab``
(hatch ``shared-data``); this module lets ``jupyter labextension develop`` find it too.
"""

from __future__ import annotations


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "orpheus-lab"}]
