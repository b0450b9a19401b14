"""Sealing credential values at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

The key comes from the hub's environment (``ORPHEUS_CREDENTIALS_KEY``): one or more
Fernet keys separated by commas. The first seals; every one of them opens, so an
operator rotates the key by putting a new one first and re-sealing (rotating each set).
A fingerprint identifies a set's values without revealing them: an HMAC of the values
under a key derived from the first Fernet key, cut to 16 hex digits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: Environment variable holding the key(s).
KEY_VARIABLE = "ORPHEUS_CREDENTIALS_KEY"


class KeyProblem(ValueError):
    """The configured key is missing or malformed (the message says which, never the key)."""


class SealedUnreadable(ValueError):
    """A sealed value could not be opened with any configured key."""


def parse_keys(raw: str) -> list[bytes]:
    """The Fernet keys in ``raw`` (comma-separated); raises ``KeyProblem`` naming the problem."""
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if not keys:
        raise KeyProblem(f"{KEY_VARIABLE} is not set")
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise KeyProblem(
                f"{KEY_VARIABLE}: key {index} is not a Fernet key (32 bytes, URL-safe base64; "
                "make one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')"
            ) from None
    return keys


class Sealer:
    """Seals and opens JSON-able values with the configured keys."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise KeyProblem(f"{KEY_VARIABLE} is not set")
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        seed = b"orpheus-credentials-fingerprint\0" + base64.urlsafe_b64decode(keys[0])
        self._mac_key = hashlib.sha256(seed).digest()

    def seal(self, value: Any) -> str:
        """``value`` as canonical JSON, encrypted (a Fernet token, ASCII)."""
        return self._fernet.encrypt(_canonical(value)).decode("ascii")

    def open(self, token: str) -> Any:
        """The value sealed in ``token``; ``SealedUnreadable`` if no key opens it."""
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError):
            raise SealedUnreadable("the sealed values cannot be opened with the configured key") from None

    def fingerprint(self, value: Any) -> str:
        """A short keyed digest of ``value``: equal values, equal fingerprints; reveals nothing."""
        return hmac.new(self._mac_key, _canonical(value), hashlib.sha256).hexdigest()[:16]


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
