"""The ``share`` hub-managed service: public, read-only, revocable snapshots.

Run by the hub as ``[sys.executable, "-m", "orpheus_hub.share"]`` (see the
services block of ``jupyterhub_config.py``). Modules:

- ``app``: the traitlets application (every knob) and the tornado routes;
- ``store``: the service's own SQLAlchemy database and the snapshot folders;
- ``snapshots``: intake of an uploaded tar, with path, type and size checks;
- ``owner_api``: ``/api/shares`` for owners (hub token auth) and admins;
- ``views`` and ``previews``: the public, login-free pages under ``/s/{token}``;
- ``security``: the response headers every public answer carries.
"""
