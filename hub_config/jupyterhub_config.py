"""Orpheus embedded default: SQLite, one sandboxed uid per user, JupyterLab, Orpheus accounts.

Every value below can be changed by environment (see docs/install.md, "Environment") or by
a file named in ``ORPHEUS_HUB_EXTRA_CONFIG``, loaded last (test harnesses, site settings);
``ORPHEUS_PROFILE=production`` loads ``profiles/production.py`` first.
"""

import os
import runpy
import sys
from pathlib import Path

from orpheus_hub import paths

c = get_config()  # type: ignore[name-defined]  # noqa: F821

# Everything the hub and its services write (databases, cookie secret, snapshots) is
# private to the hub's user: no other uid on the machine may read it.
os.umask(0o077)
data_dir = Path(os.environ.get("ORPHEUS_DATA_DIR", "data")).resolve()
data_dir.mkdir(parents=True, exist_ok=True)
data_dir.chmod(0o700)
port = int(os.environ.get("ORPHEUS_PORT", "8000"))

# --- the hub and its proxy ---------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_port = int(os.environ.get("ORPHEUS_HUB_PORT", str(port + 81)))
c.JupyterHub.db_url = os.environ.get(
    "ORPHEUS_HUB_DB_URL", f"sqlite:///{data_dir / 'jupyterhub.sqlite'}"
)
c.JupyterHub.cookie_secret_file = str(data_dir / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(data_dir / "jupyterhub.pid")
# The npm configurable-http-proxy, behind a small guard that answers a path which is not
# valid percent-encoded UTF-8 (%C0%AE) with a 400 instead of the proxy's own 500.
c.ConfigurableHTTPProxy.command = [
    paths.node_tool("node"), "--require", str(Path(paths.__file__).with_name("proxy_guard.cjs")),
    paths.node_tool("configurable-http-proxy"),
]
c.ConfigurableHTTPProxy.pid_file = str(data_dir / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('ORPHEUS_PROXY_API_PORT', str(port + 1)))}"
# Ctrl-C stops the user servers this hub started.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.template_paths = [str(paths.templates_dir() / "hub")]

# --- accounts ------------------------------------------------------------------
c.JupyterHub.authenticator_class = "orpheus_hub.auth.OrpheusAuthenticator"
c.OrpheusAuthenticator.db_url = os.environ.get(
    "ORPHEUS_DB_URL", f"sqlite:///{data_dir / 'orpheus.sqlite'}"
)
c.OrpheusAuthenticator.trial_hours = float(os.environ.get("ORPHEUS_TRIAL_HOURS", "24"))
admin_user = os.environ.get("ORPHEUS_ADMIN_USER", "admin")
c.Authenticator.admin_users = {admin_user}
c.OrpheusAuthenticator.bootstrap_admin = admin_user
c.OrpheusAuthenticator.bootstrap_admin_password = os.environ.get("ORPHEUS_ADMIN_PASSWORD", "")
# Accounts (issue 2): the trial banner on every hub page reads the account of the signed-in user.
from orpheus_hub.accounts.handlers.signup import trial_banner  # noqa: E402

c.JupyterHub.template_vars.update({"orpheus_trial": trial_banner})

# --- user servers: one uid and one bubblewrap sandbox per user --------------------
# Each server, with its kernels, terminals and renders, runs as the user's own uid in a
# sandbox that sees only /usr, /etc, the runtime and the user's home (/home/jovyan);
# the hub's data folder, other homes and the hub's processes are absent. The hub
# refuses to start if that cannot work, unless ORPHEUS_ISOLATION=trusted says that
# running every user's code as the hub's own user is acceptable (one trusted user).
isolation = os.environ.get("ORPHEUS_ISOLATION", "sandbox")
if isolation not in ("sandbox", "trusted"):
    raise SystemExit(f"ORPHEUS_ISOLATION={isolation!r}: expected 'sandbox' or 'trusted'")
if isolation == "sandbox":
    c.JupyterHub.spawner_class = "orpheus_hub.sandbox.SandboxSpawner"
    c.SandboxSpawner.state_dir = str(data_dir / "sandbox")
    c.SandboxSpawner.home_dir_template = str(data_dir / "users" / "{username}")
    c.Spawner.args = []
else:
    print("ORPHEUS_ISOLATION=trusted: user servers run as the hub's own user, NOT isolated",
          file=sys.stderr)
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(data_dir / "users" / "{username}")
    # jupyter-server refuses root without this.
    c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.cmd = [str(paths.venv_bin_dir() / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
_path = [str(paths.venv_bin_dir())]
if paths.node_bin_dir():
    _path.append(str(paths.node_bin_dir()))
c.Spawner.environment = {"PATH": os.pathsep.join([*_path, os.environ.get("PATH", "")])}

# --- projects: the Orpheus contents manager on every user server ---------------
# Checks uploads by magic bytes and refuses links that leave the user's folder.
# Set here because a key in jupyter_server_config.d/*.json is ignored (that folder
# only enables extensions); tests/hub/projects verifies it is in effect.
c.Spawner.args.append("--ServerApp.contents_manager_class=orpheus.contents.OrpheusContentsManager")

# --- services and roles (each service block below adds its own entries) -------
c.JupyterHub.services = []
c.JupyterHub.load_roles = []
# Scopes of each user server's own token ($JUPYTERHUB_API_TOKEN): the `server` role's,
# plus reading its owner's own model; service blocks append access to their service.
server_token_scopes = [
    "users:activity!user", "access:servers!server", "read:users:groups!user",
    "read:users:name!user",  # accounts: GET /hub/api/orpheus/me with the server token
]
c.Spawner.server_token_scopes = server_token_scopes
# The standard user role; service blocks append access to their service.
user_role = {"name": "user", "scopes": ["self"]}
c.JupyterHub.load_roles.append(user_role)

# --- service "share": public read-only snapshots at /services/share/ (issue 5) ----
# Hub-managed; its own database and snapshots live in ORPHEUS_DATA_DIR. It needs no
# hub API scopes (it only identifies callers by their own tokens), so its role is empty.
share_port = int(os.environ.get("ORPHEUS_SHARE_PORT", str(port + 82)))
public_url = os.environ.get("ORPHEUS_PUBLIC_URL", c.JupyterHub.bind_url).rstrip("/")
c.JupyterHub.services.append({
    "name": "share",
    "url": f"http://127.0.0.1:{share_port}",
    "command": [sys.executable, "-m", "orpheus_hub.share"],
    "environment": {
        "ORPHEUS_DATA_DIR": str(data_dir),
        "ORPHEUS_PUBLIC_URL": public_url,
        # Optional traitlets file for the service (c.ShareService.max_snapshot_bytes = ...).
        "ORPHEUS_SHARE_CONFIG": os.environ.get("ORPHEUS_SHARE_CONFIG", ""),
        # Its database (default: ORPHEUS_DATA_DIR/shares.sqlite); any SQLAlchemy URL.
        **({"ORPHEUS_SHARE_DB_URL": os.environ["ORPHEUS_SHARE_DB_URL"]}
           if os.environ.get("ORPHEUS_SHARE_DB_URL") else {}),
    },
    "oauth_no_confirm": True,
    # Listed in the hub's Services menu: the page of your shares (admins: everyone's).
    "display": True,
})
# The share service reads owners' account state (GET /hub/api/orpheus/accounts/{name})
# to refuse revoked owners and disable their links; that is all it may read.
c.JupyterHub.custom_scopes = {
    "custom:orpheus:account-state": {
        "description": "Read any user's Orpheus account state (trial, approved, revoked, deleted).",
    },
}
c.JupyterHub.load_roles.append({
    "name": "share-service", "services": ["share"], "scopes": ["custom:orpheus:account-state"],
})
# Users may call the share API; their server tokens get it too (the subset rule).
user_role["scopes"].append("access:services!service=share")
server_token_scopes.append("access:services!service=share")
# User servers reach the service directly (ORPHEUS_SHARE_URL) and build public links
# from ORPHEUS_PUBLIC_URL (the hub's public address, default: bind_url).
c.Spawner.environment["ORPHEUS_SHARE_URL"] = f"http://127.0.0.1:{share_port}/services/share/"
c.Spawner.environment["ORPHEUS_PUBLIC_URL"] = public_url

# --- service "llm": the model gateway at /services/llm/ (issue 7) -----------------
# Hub-managed. The operator's keys (the SDKs' own variable names) go to this service's
# environment ONLY; the Spawner's env_keep never passes them to user servers. Its
# usage database is ORPHEUS_DATA_DIR/llm.sqlite (ORPHEUS_LLM_DB_URL). Callers are
# checked with their own tokens; its only hub scope is reading account states (below).
llm_port = int(os.environ.get("ORPHEUS_LLM_PORT", str(port + 83)))
_llm_env = {"ORPHEUS_DATA_DIR": str(data_dir)}
for _name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL",
              "ORPHEUS_LLM_CONFIG", "ORPHEUS_LLM_DB_URL"):
    if os.environ.get(_name):
        _llm_env[_name] = os.environ[_name]
c.JupyterHub.services.append({
    "name": "llm",
    "url": f"http://127.0.0.1:{llm_port}",
    "command": [sys.executable, "-m", "orpheus_hub.llm"],
    "environment": _llm_env,
    "display": False,
})
# It reads the account state of the owners of the gateway-only tokens it mints (a
# revoked or deleted owner's token stops working at once); that is all it may read.
c.JupyterHub.load_roles.append({
    "name": "llm-service", "services": ["llm"], "scopes": ["custom:orpheus:account-state"],
})
# Users' tokens and their servers' tokens may call it.
user_role["scopes"].append("access:services!service=llm")
server_token_scopes.append("access:services!service=llm")
# Where user servers (and the claude CLI they start) reach the gateway.
c.Spawner.environment["ORPHEUS_LLM_URL"] = os.environ.get(
    "ORPHEUS_LLM_URL", f"http://127.0.0.1:{llm_port}/services/llm"
)

# --- service "orpheus-enforcer": blocked accounts lose their servers and tokens ---------
# Hub-managed, no HTTP server of its own: like jupyterhub-idle-culler it acts through the
# hub's REST API, waking at every account change (an admin's revoke acts at once) and
# every OrpheusAuthenticator.enforce_interval seconds (passed on at the end of this file).
c.JupyterHub.services.append({
    "name": "orpheus-enforcer",
    "command": [sys.executable, "-m", "orpheus_hub.enforcer"],
    "environment": {},
    "display": False,
})
c.JupyterHub.load_roles.append({
    "name": "orpheus-enforcer", "services": ["orpheus-enforcer"],
    "scopes": ["custom:orpheus:account-state", "read:users", "read:servers", "servers", "tokens"],
})

# --- service "idle-culler": servers idle for ORPHEUS_IDLE_TIMEOUT seconds are stopped --
# jupyterhub-idle-culler with the role its documentation gives; 0 turns it off. (Claude
# sessions have their own idle and age limits inside the server; see the sessions guide.)
idle_timeout = int(os.environ.get("ORPHEUS_IDLE_TIMEOUT", "3600"))
if idle_timeout > 0:
    c.JupyterHub.services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle_timeout}"],
        "display": False,
    })
    c.JupyterHub.load_roles.append({
        "name": "idle-culler", "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    })

# --- profiles: ORPHEUS_PROFILE=production loads profiles/production.py over the above ---
profile = os.environ.get("ORPHEUS_PROFILE", "embedded")
if profile not in ("embedded", "production"):
    raise SystemExit(f"ORPHEUS_PROFILE={profile!r}: expected 'embedded' or 'production'")
if profile == "production":
    _production = Path(__file__).resolve().parent / "profiles" / "production.py"
    if not _production.is_file():  # load_subconfig would skip a missing file silently
        raise SystemExit(f"ORPHEUS_PROFILE=production: {_production} is missing from this install")
    # Run in this file's Config (load_subconfig would give it an empty one to merge later,
    # and the profile rewrites entries made above, e.g. the services' addresses).
    runpy.run_path(str(_production), init_globals={"get_config": get_config})  # type: ignore[name-defined]  # noqa: F821

extra = os.environ.get("ORPHEUS_HUB_EXTRA_CONFIG")
if extra:
    load_subconfig(extra)  # type: ignore[name-defined]  # noqa: F821

# The enforcer's interval is the authenticator's setting, wherever it was set.
for _service in c.JupyterHub.services:
    if _service.get("name") == "orpheus-enforcer":
        _service["environment"]["ORPHEUS_ENFORCE_INTERVAL"] = str(
            c.OrpheusAuthenticator.get("enforce_interval", 30.0))

# Never a silent fallback: if the sandbox cannot work here, say what is missing and stop.
if c.JupyterHub.spawner_class == "orpheus_hub.sandbox.SandboxSpawner":
    from orpheus_hub.sandbox import preflight

    try:
        preflight.check_config(c.SandboxSpawner)
    except preflight.IsolationUnavailable as e:
        raise SystemExit(str(e)) from None
