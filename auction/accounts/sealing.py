"""Identity numbers the lists must carry to partners, sealed at rest (AES-256-GCM with the
settings' lists key): the one place a full number is kept, and it is readable only with that
key. Everywhere else numbers are a keyed hash and a masked form (`identity`)."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
LABEL = b"auction-lists-v1"  # bound into every seal: a seal made for another use does not open


def seal(number: str, key: bytes) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, number.encode(), LABEL)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(sealed: str, key: bytes) -> str:
    raw = base64.urlsafe_b64decode(sealed.encode())
    return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], LABEL).decode()
