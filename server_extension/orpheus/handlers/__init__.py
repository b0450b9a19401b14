"""REST handlers, one module per resource; each ends in ``default_handlers``."""
