"""Validation of the sign-up form: one clear message per problem, nothing silently rewritten
except lower-casing the username (JupyterHub's own normalization)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..refusal import Refusal
from .passwords import PasswordPolicy

USERNAME_MAX = 32
EMAIL_MAX = 254
_USERNAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
RESERVED = frozenset({"admin", "root", "hub", "api", "user", "users", "services", "signup", "login", "logout"})


class FormError(Refusal, ValueError):
    """A sign-up field is wrong; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(status, message)


@dataclass(frozen=True)
class SignupData:
    """A validated sign-up."""

    username: str
    email: str
    password: str


def check_username(raw: str) -> str:
    """The normalized username or a ``FormError`` saying what is wrong with it."""
    if not raw:
        raise FormError("Choose a username.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise FormError("The username must not contain control characters.")
    if len(raw) > USERNAME_MAX:
        raise FormError(f"The username must be at most {USERNAME_MAX} characters long.")
    name = raw.lower()
    if not _USERNAME.fullmatch(name):
        raise FormError(
            "The username may contain only letters, digits, '.', '-' and '_', "
            "and must start and end with a letter or digit."
        )
    if name in RESERVED:
        raise FormError("That username is reserved.", status=409)
    return name


def check_email(raw: str) -> str:
    """The email address (kept as typed) or a ``FormError``."""
    if not raw:
        raise FormError("Enter an email address.")
    if len(raw) > EMAIL_MAX or not _EMAIL.fullmatch(raw):
        raise FormError("Enter a valid email address.")
    return raw


def check_signup(username: str, email: str, password: str, policy: PasswordPolicy) -> SignupData:
    """Validate all three fields; the first problem found is raised."""
    name = check_username(username.strip())
    address = check_email(email.strip())
    problem = policy.problem(password, name, address)
    if problem:
        raise FormError(problem)
    return SignupData(name, address, password)
