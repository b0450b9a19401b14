"""Entry point: ``python -m orpheus_hub.share`` (the hub starts it as a managed service)."""

from .app import main

if __name__ == "__main__":
    main()
