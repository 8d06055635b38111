"""Sealed identity numbers open with their key only, and never show the number."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from auction.accounts.sealing import seal, unseal
from core.settings import Settings, SettingsError

NUMBER = "11010519900101123X"


def test_a_seal_opens_with_its_key_and_hides_the_number() -> None:
    key = secrets.token_bytes(32)
    sealed = seal(NUMBER, key)
    assert NUMBER not in sealed and unseal(sealed, key) == NUMBER
    assert seal(NUMBER, key) != sealed  # a fresh nonce each time: equal numbers do not match up


def test_another_key_or_a_changed_seal_does_not_open() -> None:
    key = secrets.token_bytes(32)
    sealed = seal(NUMBER, key)
    with pytest.raises(InvalidTag):
        unseal(sealed, secrets.token_bytes(32))
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises((InvalidTag, ValueError)):
        unseal(tampered, key)


def test_the_lists_key_is_32_bytes_or_derived(tmp_path: Path) -> None:
    base = {"AUCTION_RULES": "sandbox", "SECRET_KEY": "x" * 40, "DATA_DIR": str(tmp_path)}
    derived = Settings.from_env(base).lists_key
    assert len(derived) == 32 and derived == Settings.from_env(base).lists_key
    with pytest.raises(SettingsError, match="LISTS_KEY"):
        Settings.from_env({**base, "LISTS_KEY": "short"})
