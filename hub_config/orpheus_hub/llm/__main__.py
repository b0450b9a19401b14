"""``python -m orpheus_hub.llm``: start the gateway (the hub does this)."""

from .app import main

main()
