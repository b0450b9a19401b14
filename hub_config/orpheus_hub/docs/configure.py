"""``docs/configure.md``: every configurable trait of every Orpheus class, from its help text."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Any

from traitlets import TraitType
from traitlets.config import Configurable

from .text import GENERATED, REPO_DIR, cell, code, first_line, load, table

#: (title, where it is set, [(class, base whose traits are left out or None)])
CONFIG_GROUPS: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    ("Hub", "the hub's configuration: `hub_config/jupyterhub_config.py`, or the file named by "
     "`ORPHEUS_HUB_EXTRA_CONFIG`, loaded after it", [
        ("orpheus_hub.auth:OrpheusAuthenticator", "jupyterhub.auth:Authenticator"),
        ("orpheus_hub.oauth:OrpheusOAuthMixin", "orpheus_hub.auth:OrpheusAuthenticator"),
        ("orpheus_hub.notify:Notifier", None),
        ("orpheus_hub.sandbox.spawner:SandboxSpawner", "jupyterhub.spawner:LocalProcessSpawner"),
        ("orpheus_hub.credentials.vault:CredentialVault", None),
    ]),
    ("Enforcer service", "the `orpheus-enforcer` service's environment, which the hub sets "
     "(`ORPHEUS_ENFORCE_INTERVAL` from `OrpheusAuthenticator.enforce_interval`, "
     "`JUPYTERHUB_API_URL`, "
     "`JUPYTERHUB_API_TOKEN`); it reads no configuration file", [
        ("orpheus_hub.enforcer.service:EnforcerService", "traitlets.config:Application"),
    ]),
    ("Share service", "the file named by `ORPHEUS_SHARE_CONFIG` (`c.ShareService.*`, "
     "`c.AccountStates.*`, `c.LiveHub.*`)", [
        ("orpheus_hub.share.app:ShareService", "traitlets.config:Application"),
        ("orpheus_hub.share.accountstate:AccountStates", None),
        ("orpheus_hub.share.live:LiveHub", None),
    ]),
    ("LLM service", "the file named by `ORPHEUS_LLM_CONFIG` (`c.LLMGateway.*`, `c.CallerAuth.*`, "
     "`c.QuotaPolicy.*`; `c.AccountStates.*` as above)", [
        ("orpheus_hub.llm.app:LLMGateway", "traitlets.config:Application"),
        ("orpheus_hub.llm.auth:CallerAuth", None),
        ("orpheus_hub.llm.quotas:QuotaPolicy", None),
    ]),
    ("User server", "the single-user server's configuration (`jupyter_server_config.py`, "
     "`c.Spawner.args` or a `jupyter_server_config.d/*.json` file in the user's environment)", [
        ("orpheus.app:OrpheusApp", "jupyter_server.extension.application:ExtensionApp"),
        ("orpheus.contents:OrpheusContentsManager",
         "jupyter_server.services.contents.largefilemanager:AsyncLargeFileManager"),
        ("orpheus.hub_client:HubClient", None),
        ("orpheus.shares.client:ShareClient", None),
        ("orpheus.projects.manager:ProjectManager", None),
        ("orpheus.projects.notes:NoteManager", None),
        ("orpheus.projects.imports:DataImporter", None),
        ("orpheus.sessions.manager:ClaudeSessionManager", None),
        ("orpheus.sessions.claude_config:ClaudeSettings", None),
        ("orpheus.sessions.uploads:UploadPolicy", None),
        ("orpheus.sessions.clone:SessionCloner", None),
        ("orpheus.sessions.webfetch:WebFetcher", None),
        ("orpheus.datastudio.manager:DataStudioManager", None),
        ("orpheus.datastudio.analyst.manager:AnalystManager", None),
        ("orpheus.video.manager:VideoManager", None),
        ("orpheus.video.jobs:RenderQueue", None),
        ("orpheus.llm.client:LLMClient", None),
        ("orpheus.llm.kernels:ChatKernels", None),
        ("orpheus.claude_kernel.provisioner:ClaudeKernelProvisioner",
         "jupyter_client.provisioning.local_provisioner:LocalProvisioner"),
    ]),
]

def is_computed(cls: type, name: str) -> bool:
    """Whether ``name``'s default comes from a ``@default`` method (computed at start)."""
    return any(name in vars(k).get("_trait_default_generators", {}) for k in cls.__mro__)


def default_text(cls: type, name: str, trait: TraitType[Any, Any]) -> str:
    """The default as shown in the table."""
    if is_computed(cls, name):
        return "computed (see meaning)"
    return code(portable(trait.default_value_repr()))


def portable(text: str) -> str:
    """``text`` with this machine's interpreter and checkout paths named, not spelled out."""
    for value, name in ((sys.executable, "sys.executable"), (sys.prefix, "sys.prefix"),
                        (str(REPO_DIR), "checkout")):
        text = text.replace(value, "{" + name + "}")
    return text


def config_rows(cls: Any, base: Any | None) -> list[str]:
    """Table rows for ``cls``'s config traits that ``base`` does not define."""
    inherited = set(base.class_trait_names()) if base else set()
    return table(["traitlet", "type", "default", "meaning"], (
        [f"`{cls.__name__}.{name}`", type(trait).__name__, default_text(cls, name, trait),
         cell(trait.help or "")]
        for name, trait in sorted(cls.class_traits(config=True).items()) if name not in inherited))


def orpheus_configurables() -> list[type[Configurable]]:
    """Every Configurable class defined in ``orpheus`` and ``orpheus_hub`` (each module imported;
    alembic migrations and ``__main__`` modules skipped)."""
    found: dict[str, type[Configurable]] = {}
    for package in ("orpheus", "orpheus_hub"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            for obj in vars(importlib.import_module(info.name)).values():
                if (isinstance(obj, type) and issubclass(obj, Configurable)
                        and obj.__module__ == info.name):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(found.values(), key=lambda c: (c.__module__, c.__name__))


def unplaced(listed: list[type]) -> list[tuple[type[Configurable], Any]]:
    """Classes with settings of their own that ``CONFIG_GROUPS`` does not list, nor a class
    related to them, each with its first non-Orpheus base (whose traits are left out)."""
    extra: list[tuple[type[Configurable], Any]] = []
    for cls in orpheus_configurables():
        if any(issubclass(cls, k) or issubclass(k, cls) for k in listed):
            continue
        base: Any = next((k for k in cls.__mro__ if not k.__module__.startswith("orpheus")), None)
        if set(cls.class_traits(config=True)) - set(base.class_trait_names() if base else ()):
            extra.append((cls, base))
    return extra


def class_section(cls: Any, base: Any | None) -> list[str]:
    """One class's heading, summary and table."""
    summary = f"`{cls.__module__}.{cls.__name__}`: {cell(first_line(cls))}"
    return [f"### {cls.__name__}", "", summary, "",
            *config_rows(cls, base), ""]


def configure_md() -> str:
    """The text of ``docs/configure.md``."""
    out = [GENERATED, "# Configuration reference", "",
           "Every setting of every Orpheus class, generated from its help text. Set one as "
           "`c.<Class>.<name> = value` in the file named for its process. Each class lists "
           "only its own settings; the ones it inherits from JupyterHub, jupyter_server or "
           "traitlets are documented there. Environment variables (ports, data folder, keys) are "
           "listed in [Install](install.md#environment).", ""]
    listed = []
    for title, where, classes in CONFIG_GROUPS:
        out += [f"## {title}", "", f"Set in {where}.", ""]
        for spec, base_spec in classes:
            listed.append(load(spec))
            out += class_section(listed[-1], load(base_spec) if base_spec else None)
    extra = unplaced(listed)
    if extra:
        out += ["## Other classes", "", "Found in the code but not yet placed in a section above "
                "(add them to `CONFIG_GROUPS`); set in the configuration of the process that "
                "runs them.", ""]
        for cls, base in extra:
            out += class_section(cls, base)
    return "\n".join(out)
