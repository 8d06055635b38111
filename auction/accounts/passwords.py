"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # stateless parameters, not configuration


def password_problem(password: str, *, username: str) -> str | None:
    """The policy's code for a password it refuses, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    if len(password) > 256:
        return "password_too_long"
    if password.lower() == username.lower() or username.lower() in password.lower():
        return "password_contains_username"
    if password.isdigit() or password.isalpha():
        return "password_too_simple"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = hash_password("not-a-real-password-0")
