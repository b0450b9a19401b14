"""The gateway's handler modules, one per API area, each ending in ``default_handlers``."""
