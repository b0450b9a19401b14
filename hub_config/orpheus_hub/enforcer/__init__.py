"""The ``orpheus-enforcer`` hub service: blocked accounts lose their servers and tokens.

Like jupyterhub-idle-culler, it acts only through the hub's REST API with its own
service token and least-privilege role (see ``jupyterhub_config.py``).
"""
