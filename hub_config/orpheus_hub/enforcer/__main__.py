"""``python -m orpheus_hub.enforcer``: run the enforcement service (started by the hub)."""

from .service import main

main()
