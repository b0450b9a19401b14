"""Password rules and Argon2id hashing (run off the event loop by the async helpers)."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
MAX_LENGTH = 1024  # Argon2 has no limit; this keeps a single request cheap.



@lru_cache(maxsize=8)
def load_common(path: str) -> frozenset[str]:
    """The lower-cased entries of a common-password file (``#`` starts a comment)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class PasswordPolicy:
    """Minimum length, a common-password list, and not the username or email."""

    def __init__(self, min_length: int = 10, common_file: str | Path = COMMON_PASSWORDS_FILE) -> None:
        self.min_length = min_length
        self.common = load_common(str(common_file))

    def problem(self, password: str, username: str = "", email: str = "") -> str | None:
        """Why ``password`` is refused, or None if it is acceptable."""
        if len(password) < self.min_length:
            return f"The password must be at least {self.min_length} characters long."
        if len(password) > MAX_LENGTH:
            return f"The password must be at most {MAX_LENGTH} characters long."
        lowered = password.lower()
        if lowered in self.common or len(set(lowered)) <= 2:
            return "That password is too common; choose a less guessable one."
        if lowered in {username.lower(), email.lower()} - {""}:
            return "The password must not be your username or email."
        return None


class Hasher:
    """Argon2id with configurable cost; async helpers run the work in a thread."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
        self._argon2 = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)

    def hash(self, password: str) -> str:
        """An Argon2id hash of ``password`` (CPU-heavy: prefer ``ahash``)."""
        return self._argon2.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; a missing hash still spends the same time."""
        if not password_hash:
            self._argon2.hash(password)  # keep timing similar for unknown accounts
            return False
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other cost parameters than these."""
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    async def ahash(self, password: str) -> str:
        """``hash`` in a worker thread."""
        return await asyncio.to_thread(self.hash, password)

    async def averify(self, password_hash: str | None, password: str) -> bool:
        """``verify`` in a worker thread."""
        return await asyncio.to_thread(self.verify, password_hash, password)


_default = Hasher()


def hash_password(password: str) -> str:
    """``Hasher().hash`` with the default (RFC 9106 second recommended) cost."""
    return _default.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """``Hasher().verify`` with the default cost."""
    return _default.verify(password_hash, password)


async def ahash_password(password: str) -> str:
    """``hash_password`` in a worker thread."""
    return await _default.ahash(password)


async def averify_password(password_hash: str | None, password: str) -> bool:
    """``verify_password`` in a worker thread."""
    return await _default.averify(password_hash, password)
