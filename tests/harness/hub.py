"""Start the Orpheus hub (``hub_config/jupyterhub_config.py``) as a real subprocess.

The harness adds one hub-managed-less service, ``orpheus-test``, holding the
``admin`` role and a known token, through ``ORPHEUS_HUB_EXTRA_CONFIG``, so
tests can create users, tokens and servers over the real REST API.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from .ports import free_ports

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

EXTRA_CONFIG = """
c = get_config()
c.JupyterHub.services.append({{"name": "orpheus-test", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "admin", "services": ["orpheus-test"]}})
c.JupyterHub.log_level = "INFO"
{extra}
"""


class PortTakenError(RuntimeError):
    """The hub could not bind a port chosen for it."""


def _port_env() -> dict[str, str]:
    """Distinct free ports for the proxy, the hub, the proxy API and the services."""
    names = ("ORPHEUS_PORT", "ORPHEUS_HUB_PORT", "ORPHEUS_PROXY_API_PORT",
             "ORPHEUS_SHARE_PORT", "ORPHEUS_LLM_PORT")
    return {name: str(port) for name, port in zip(names, free_ports(len(names)), strict=True)}


@dataclass
class Hub:
    """A running hub: its URL, data folder, admin token and log file."""

    url: str
    data_dir: Path
    admin_token: str
    log_path: Path
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    user_tokens: dict[str, str] = field(default_factory=dict)

    # ---- REST helpers ----------------------------------------------------
    def api(self, method: str, path: str, token: str | None = None, **kw: Any) -> requests.Response:
        """Call ``/hub/api{path}`` with the admin token (or ``token``)."""
        headers = kw.pop("headers", {})
        headers.setdefault("Authorization", f"token {token or self.admin_token}")
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kw)

    def create_user(self, name: str, approve: bool = True) -> str:
        """Create ``name`` through the hub REST API and return a token of theirs."""
        r = self.api("POST", f"/users/{name}")
        assert r.status_code in (201, 409), r.text
        if approve:
            r = self.api("POST", f"/orpheus/users/{name}/approve")
            assert r.status_code in (200, 201), r.text
        r = self.api("POST", f"/users/{name}/tokens", json={"note": "test"})
        assert r.status_code in (200, 201), r.text
        token: str = r.json()["token"]
        self.user_tokens[name] = token
        return token

    def spawn(self, name: str, timeout: float = 120) -> str:
        """Start ``name``'s server and wait until its API answers; returns the server URL."""
        r = self.api("POST", f"/users/{name}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        base = f"{self.url}/user/{name}/"
        token = self.user_tokens[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                s = requests.get(base + "api/status", headers={"Authorization": f"token {token}"}, timeout=10)
                if s.status_code == 200:
                    return base
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        raise TimeoutError(f"server of {name} did not start; see {self.log_path}")

    def stop_server(self, name: str) -> None:
        """Stop ``name``'s server and wait for it to be gone."""
        self.api("DELETE", f"/users/{name}/server")
        for _ in range(120):
            if not self.api("GET", f"/users/{name}").json().get("servers"):
                return
            time.sleep(0.25)

    def log_text(self) -> str:
        """Everything the hub (and its user servers) logged so far."""
        return self.log_path.read_text(errors="replace")

    # ---- life cycle ------------------------------------------------------
    def start(self, timeout: float = 60) -> None:
        """Start the hub and wait for ``/hub/health``.

        Free ports are chosen before the hub binds them, so another process may take
        one in between; when the hub exits saying so, it is started again on new ports.
        """
        for attempt in range(3):
            try:
                self._start_once(timeout)
                return
            except PortTakenError:
                if attempt == 2:
                    raise
                self.env.update(_port_env())
                self.url = f"http://127.0.0.1:{self.env['ORPHEUS_PORT']}"

    def _start_once(self, timeout: float) -> None:
        log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "orpheus"), "run"],
            cwd=self.data_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                text = self.log_text()[log_start:]
                if "address already in use" in text.lower():
                    raise PortTakenError(text[-2000:])
                raise RuntimeError(f"hub exited with {self.proc.returncode}:\n{text[-4000:]}")
            try:
                if requests.get(f"{self.url}/hub/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"hub did not answer /hub/health:\n{self.log_text()[-4000:]}")

    def stop(self) -> None:
        """SIGTERM the hub (it stops its proxy and user servers), then make sure."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def restart(self) -> None:
        """Stop and start again on the same data folder (state must survive)."""
        self.stop()
        self.start()


def make_hub(data_dir: Path, env: dict[str, str] | None = None, extra_config: str = "") -> Hub:
    """Prepare (not start) a hub whose state lives in ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = _port_env()
    token = secrets.token_hex(16)
    extra = data_dir / "test_extra_config.py"
    extra.write_text(EXTRA_CONFIG.format(token=token, extra=extra_config))
    full_env = {
        **os.environ,
        "ORPHEUS_DATA_DIR": str(data_dir),
        **ports,
        "ORPHEUS_ADMIN_PASSWORD": "admin-password-for-tests",
        "ORPHEUS_HUB_EXTRA_CONFIG": str(extra),
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16),
        **(env or {}),
    }
    return Hub(
        url=f"http://127.0.0.1:{full_env['ORPHEUS_PORT']}",
        data_dir=data_dir,
        admin_token=token,
        log_path=data_dir / "hub.log",
        env=full_env,
    )


def running_hub(data_dir: Path, **kw: Any) -> Iterator[Hub]:
    """Generator for fixtures: start a hub, yield it, stop it."""
    hub = make_hub(data_dir, **kw)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
