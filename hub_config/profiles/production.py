"""Orpheus production profile: one Docker container per user, a database server for all state.

Loaded by ``jupyterhub_config.py`` over the embedded default when ``ORPHEUS_PROFILE=production``
(before ``ORPHEUS_HUB_EXTRA_CONFIG``). docs/deploy.md describes the set-up. What it changes:

- user servers: ``DockerSpawner`` on the locally built image (``make image``; never pulled),
  run as uid 1000 (never root), home on a per-user named volume, memory/CPU/pids limits,
  all capabilities dropped, ``no-new-privileges``, the container removed when it stops;
- the hub API and the ``share``/``llm`` services listen on the Docker bridge's gateway
  address, the only host address the containers are given;
- JupyterHub's database, the accounts database, the share database and the LLM usage
  database come from four ``*_DB_URL`` variables; SQLite is refused here.

Environment (all optional except the four database URLs):

| variable | default | meaning |
| --- | --- | --- |
| ``ORPHEUS_HUB_DB_URL``, ``ORPHEUS_DB_URL``, ``ORPHEUS_SHARE_DB_URL``, ``ORPHEUS_LLM_DB_URL`` | required |
  SQLAlchemy URLs (e.g. ``postgresql+psycopg://orpheus@/jupyterhub?host=/run/postgresql``) |
| ``ORPHEUS_IMAGE`` | ``orpheus/singleuser:latest`` | the single-user image (must exist locally) |
| ``ORPHEUS_DOCKER_NETWORK`` | ``bridge`` | Docker network of the user containers |
| ``ORPHEUS_DOCKER_GATEWAY`` | that network's gateway, asked from Docker | host address the containers reach |
| ``ORPHEUS_HUB_IP`` | the gateway | address the hub API binds (``0.0.0.0`` for all) |
| ``ORPHEUS_BIND_URL`` | ``http://127.0.0.1:$ORPHEUS_PORT`` | public address of the proxy |
| ``ORPHEUS_MEM_LIMIT``, ``ORPHEUS_CPU_LIMIT``, ``ORPHEUS_PIDS_LIMIT`` | ``2G``, ``1``, ``512`` | per-container limits |
"""

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - the embedded default's own Config

DATABASES = {
    "ORPHEUS_HUB_DB_URL": "JupyterHub's own database",
    "ORPHEUS_DB_URL": "the accounts database",
    "ORPHEUS_SHARE_DB_URL": "the share service's database",
    "ORPHEUS_LLM_DB_URL": "the llm gateway's usage database",
}
# libpq's own variables (a password kept out of the URLs, TLS to the database server).
LIBPQ_ENV = ("PGPASSWORD", "PGPASSFILE", "PGSSLMODE", "PGSSLROOTCERT")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CONTAINER_UID = "1000:1000"  # the image's unprivileged user (jovyan)
HOME = "/home/jovyan"


def database_urls() -> dict[str, str]:
    """The four database URLs, or exit naming the ones missing or pointing at SQLite."""
    urls = {name: os.environ.get(name, "").strip() for name in DATABASES}
    missing = [f"{name} ({DATABASES[name]})" for name, url in urls.items() if not url]
    sqlite = [name for name, url in urls.items() if url.startswith("sqlite")]
    if missing or sqlite:
        problems = ([f"not set: {', '.join(missing)}"] if missing else []) + (
            [f"SQLite is for the embedded default only: {', '.join(sqlite)}"] if sqlite else [])
        raise SystemExit("ORPHEUS_PROFILE=production needs a database server; " + "; ".join(problems))
    return urls


def bridge_gateway(network: str) -> str:
    """The host's address on ``network`` (ORPHEUS_DOCKER_GATEWAY, or asked from Docker)."""
    if os.environ.get("ORPHEUS_DOCKER_GATEWAY"):
        return os.environ["ORPHEUS_DOCKER_GATEWAY"]
    import docker  # DockerSpawner's own client library

    try:
        attrs = docker.from_env(version="auto").networks.get(network).attrs
    except docker.errors.DockerException as exc:
        raise SystemExit(f"ORPHEUS_PROFILE=production: cannot ask Docker for network {network!r} "
                         f"({exc}); start dockerd, set DOCKER_HOST, or set ORPHEUS_DOCKER_GATEWAY") from exc
    for block in (attrs.get("IPAM") or {}).get("Config") or []:
        if block.get("Gateway"):
            return str(block["Gateway"])
    raise SystemExit(f"Docker network {network!r} has no gateway; set ORPHEUS_DOCKER_GATEWAY")


def rehost(url: str, host: str) -> str:
    """``url`` with a loopback host replaced by ``host`` (other hosts are the operator's choice)."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        return url
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def service(name: str) -> dict[str, Any]:
    """The embedded default's entry for the hub-managed service ``name``."""
    for entry in c.JupyterHub.services:
        if entry.get("name") == name:
            return entry  # type: ignore[no-any-return]
    raise SystemExit(f"production profile: the embedded default has no {name!r} service")


def configure_services(gateway: str, urls: dict[str, str]) -> None:
    """Services listen on the gateway; containers get their gateway URLs; DBs by env."""
    share, llm = service("share"), service("llm")
    for entry in (share, llm):
        entry["url"] = rehost(entry["url"], gateway)
    share.setdefault("environment", {})["ORPHEUS_SHARE_DB_URL"] = urls["ORPHEUS_SHARE_DB_URL"]
    llm.setdefault("environment", {})["ORPHEUS_LLM_DB_URL"] = urls["ORPHEUS_LLM_DB_URL"]
    for key in LIBPQ_ENV:  # managed services do not inherit the hub's environment
        if os.environ.get(key):
            share["environment"][key] = llm["environment"][key] = os.environ[key]
    env = c.Spawner.environment
    for key in ("ORPHEUS_SHARE_URL", "ORPHEUS_LLM_URL"):
        if key in env:
            env[key] = rehost(env[key], gateway)
    env.pop("PATH", None)  # the host's PATH means nothing inside the image


def configure_hub(gateway: str, urls: dict[str, str]) -> None:
    """Databases, and where the hub listens: the containers connect to it on the gateway."""
    c.JupyterHub.db_url = urls["ORPHEUS_HUB_DB_URL"]
    c.OrpheusAuthenticator.db_url = urls["ORPHEUS_DB_URL"]
    c.JupyterHub.hub_ip = os.environ.get("ORPHEUS_HUB_IP", gateway)
    c.JupyterHub.hub_connect_ip = gateway
    if os.environ.get("ORPHEUS_BIND_URL"):
        c.JupyterHub.bind_url = os.environ["ORPHEUS_BIND_URL"]


def configure_spawner(network: str) -> None:
    """One container per user from the local image, unprivileged and limited."""
    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.DockerSpawner.image = os.environ.get("ORPHEUS_IMAGE", "orpheus/singleuser:latest")
    c.DockerSpawner.pull_policy = "never"  # no registry: `make image` builds it here
    c.DockerSpawner.remove = True  # the home is on the volume; the container is disposable
    c.DockerSpawner.network_name = network
    c.DockerSpawner.use_internal_ip = True  # the proxy reaches containers on the bridge
    c.DockerSpawner.prefix = "orpheus"
    c.DockerSpawner.volumes = {"orpheus-home-{username}": HOME}
    c.DockerSpawner.notebook_dir = HOME
    c.DockerSpawner.cmd = ["jupyterhub-singleuser"]
    c.DockerSpawner.args = [arg for arg in c.Spawner.args if arg != "--allow-root"]
    c.DockerSpawner.env_keep = []  # nothing of the hub's environment enters a container
    c.DockerSpawner.mem_limit = os.environ.get("ORPHEUS_MEM_LIMIT", "2G")
    c.DockerSpawner.cpu_limit = float(os.environ.get("ORPHEUS_CPU_LIMIT", "1"))
    c.DockerSpawner.extra_create_kwargs = {"user": CONTAINER_UID}
    c.DockerSpawner.extra_host_config = {
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "pids_limit": int(os.environ.get("ORPHEUS_PIDS_LIMIT", "512")),
    }
    # Research credentials (docs/credentials.md): a granted set's variables go into the
    # container's environment and its files, written by the hub on this host, are mounted
    # read-only at ~/.credentials (0700/0600, the container user's); recomputed every start.
    from orpheus_hub.credentials.delivery import container_hook

    uid, gid = (int(part) for part in CONTAINER_UID.split(":"))
    c.DockerSpawner.pre_spawn_hook = container_hook(uid, gid, HOME)


def main() -> None:
    """Apply the profile to ``c``."""
    urls = database_urls()
    network = os.environ.get("ORPHEUS_DOCKER_NETWORK", "bridge")
    gateway = bridge_gateway(network)
    configure_hub(gateway, urls)
    configure_services(gateway, urls)
    configure_spawner(network)


main()
