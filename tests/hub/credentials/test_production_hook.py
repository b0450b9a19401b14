"""The production profile delivers credential sets through DockerSpawner's pre_spawn_hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.harness.hub import REPO

LOAD = """
from traitlets.config.loader import PyFileConfigLoader
c = PyFileConfigLoader("jupyterhub_config.py", path=%r).load_config()
hook = c.DockerSpawner.pre_spawn_hook
print(c.JupyterHub.spawner_class, hook.__module__, hook.__qualname__)
"""


def test_the_production_profile_sets_the_credentials_hook(tmp_path: Path) -> None:
    env = {**os.environ, "ORPHEUS_PROFILE": "production", "ORPHEUS_DOCKER_GATEWAY": "172.17.0.1",
           "ORPHEUS_DATA_DIR": str(tmp_path), "ORPHEUS_HUB_EXTRA_CONFIG": "",
           **{name: "postgresql+psycopg://orpheus@/x" for name in
              ("ORPHEUS_HUB_DB_URL", "ORPHEUS_DB_URL", "ORPHEUS_SHARE_DB_URL", "ORPHEUS_LLM_DB_URL")}}
    out = subprocess.run([sys.executable, "-c", LOAD % str(REPO / "hub_config")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["dockerspawner.DockerSpawner", "orpheus_hub.credentials.delivery",
                                  "container_hook.<locals>.hook"]
