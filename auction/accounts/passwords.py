"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

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


# argon2 takes ~140 ms of CPU per hash or verify: never on the event loop, which also serves the
# gateway and the lifecycle clock. One thread per worker: sign-ups and sign-ins queue here rather
# than take both cores from the bids (argon2 releases the GIL while it works).
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_pool, _verify, password_hash, password)


# A hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = _hasher.hash("not-a-real-password-0")
