"""Orpheus hub side: accounts, approvals and the hub-managed services."""

__version__ = "0.1.0"
