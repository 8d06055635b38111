"""The one typed settings object, read from the environment in one place.

Built once at start-up (`Settings.from_env()`) and passed down; nothing reads `os.environ`
elsewhere. Every variable the platform understands is listed in `ENVIRONMENT` so the README
table and this module cannot drift apart (a unit test compares them).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Final, TypeVar

_E = TypeVar("_E", bound=enum.StrEnum)


class SettingsError(Exception):
    """A configuration value is missing, malformed or unsafe; the server refuses to start."""


class RuleProfileName(enum.StrEnum):
    SPC2016 = "spc2016"
    SANDBOX = "sandbox"


# name -> (meaning, default shown in the docs)
ENVIRONMENT: Final[dict[str, tuple[str, str]]] = {
    "DATABASE_URL": ("PostgreSQL URL (postgresql://…); unset starts the embedded PostgreSQL", "unset"),
    "DATABASE_REPLICA_URL": (
        "a streaming replica of DATABASE_URL for public pages, lists and exports; unset: all on the primary",
        "unset",
    ),
    "DATABASE_REPLICA_MAX_LAG_S": ("seconds behind the primary past which the replica is left aside", "5"),
    "DATABASE_POOL_SIZE": ("connections each of a worker's two pools keeps (10 more in a burst)", "10"),
    "REDIS_URL": ("Redis URL (redis://… or unix://…); unset starts the embedded Redis", "unset"),
    "REDIS_CLUSTER": (
        "true: REDIS_URL names any node of a Redis Cluster (Redis 7 or later); lots spread over its shards",
        "false",
    ),
    "REDIS_ACK_REPLICAS": (
        "replicas that must hold each bid (every engine write) before it is acknowledged; "
        "1 with a replica per master, so a failover loses no acknowledged bid",
        "0",
    ),
    "REDIS_ACK_TIMEOUT_MS": (
        "how long a write waits for those replicas before it is answered unavailable",
        "500",
    ),
    "REDIS_NAMESPACE": ("prefix of every Redis key and channel, so deployments can share a Redis", "auc"),
    "AUCTION_RULES": (
        "rule profile: spc2016 (the law) or sandbox (periods lifted, payment simulator)",
        "spc2016",
    ),
    "AUCTION_EXTENSION_SECONDS": ("sandbox only: soft-close extension in seconds", "10"),
    "AUCTION_OBJECTION_SECONDS": ("sandbox only: objection period of allocation plans in seconds", "60"),
    "SECRET_KEY": ("signs sessions and CSRF tokens; required under spc2016", "generated under sandbox"),
    "LISTS_KEY": (
        "seals the identity numbers the lists carry to partners; 32 bytes, URL-safe base64",
        "derived from SECRET_KEY",
    ),
    "PAYMENT_WEBHOOK_SECRET": ("HMAC key of the signed-webhook payment provider; unset disables it", "unset"),
    "SMTP_HOST": (
        "mail server for e-mail notifications; unset writes them to DATA_DIR/outbox instead",
        "unset",
    ),
    "SMTP_PORT": ("mail server port (STARTTLS is used when the server offers it)", "587"),
    "SMTP_USER": ("mail server user", "unset"),
    "SMTP_PASSWORD": ("mail server password", "unset"),
    "SMTP_FROM": ("sender address of notifications", "noreply@localhost"),
    "DATA_DIR": ("folder for embedded services, uploads and generated documents", ".data"),
    "AUCTION_HOST": ("address the web app and the gateway bind to", "127.0.0.1"),
    "AUCTION_PORT": ("HTTP port", "8000"),
    "AUCTION_WS_PORT": ("real-time gateway port", "8001"),
    "AUCTION_PUBLIC_WS_URL": ("gateway URL given to browsers when a proxy serves it elsewhere", "derived"),
    "AUCTION_WORKERS": ("worker processes", "1"),
    "AUCTION_WS_RATE": ("messages a second one WebSocket connection may send (bursts of twice that)", "20"),
    "AUCTION_WS_BUFFER_KIB": (
        "what one slow WebSocket may hold unsent (its kernel send buffer, and as much again in the "
        "gateway) before the gateway skips it and sends it a snapshot once it has caught up",
        "256",
    ),
    "AUCTION_PARTNER_RATE": (
        "requests a second one partner key may make per worker (bursts of twice that)",
        "50",
    ),
    "LOG_LEVEL": ("logging level", "INFO"),
}

PLACEHOLDER_SECRETS: Final = frozenset({"", "changeme", "change-me", "changethis", "secret", "dev", "test"})
MIN_SECRET_LENGTH: Final = 32


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    redis_namespace: str
    rules: RuleProfileName
    extension_seconds: int
    objection_seconds: int
    secret_key: str
    # Seals the identity numbers partners match on (auction.accounts.sealing): LISTS_KEY, else
    # derived from SECRET_KEY (changing that then makes sealed numbers unreadable).
    lists_key: bytes
    payment_webhook_secret: str | None
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    data_dir: Path
    host: str
    port: int
    ws_port: int
    public_ws_url: str | None
    workers: int
    ws_rate: int
    log_level: str
    partner_rate: int = 50
    ws_buffer_kib: int = 256
    redis_cluster: bool = False
    database_replica_url: str | None = None
    database_replica_max_lag_s: int = 5
    redis_ack_replicas: int = 0
    redis_ack_timeout_ms: int = 500
    database_pool_size: int = 10

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, base_dir: Path | None = None) -> Settings:
        """Read and check every variable; raise `SettingsError` naming the first bad one."""
        reader = _Reader(environ)
        rules = reader.choice("AUCTION_RULES", RuleProfileName, RuleProfileName.SPC2016)
        secret = environ.get("SECRET_KEY", "")
        weak = secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH
        if rules is RuleProfileName.SPC2016 and weak:
            raise SettingsError(
                "SECRET_KEY is missing or a placeholder: under the spc2016 profile set it to "
                f"a random string of at least {MIN_SECRET_LENGTH} characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        data_dir = Path(environ.get("DATA_DIR") or ".data")
        if not data_dir.is_absolute():
            data_dir = (base_dir or Path.cwd()) / data_dir
        if rules is RuleProfileName.SANDBOX and not secret:
            secret = sandbox_secret(data_dir)
        if reader.boolean("REDIS_CLUSTER", False) and not environ.get("REDIS_URL"):
            raise SettingsError("REDIS_CLUSTER=true needs REDIS_URL naming a node of the cluster")
        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            redis_url=environ.get("REDIS_URL") or None,
            redis_namespace=reader.identifier("REDIS_NAMESPACE", "auc"),
            rules=rules,
            extension_seconds=reader.integer("AUCTION_EXTENSION_SECONDS", 10, minimum=1),
            objection_seconds=reader.integer("AUCTION_OBJECTION_SECONDS", 60, minimum=1),
            secret_key=secret,
            lists_key=derive_lists_key(environ.get("LISTS_KEY") or "", secret),
            payment_webhook_secret=environ.get("PAYMENT_WEBHOOK_SECRET") or None,
            smtp_host=environ.get("SMTP_HOST") or None,
            smtp_port=reader.integer("SMTP_PORT", 587, minimum=1),
            smtp_user=environ.get("SMTP_USER") or None,
            smtp_password=environ.get("SMTP_PASSWORD") or None,
            smtp_from=environ.get("SMTP_FROM") or "noreply@localhost",
            data_dir=data_dir.resolve(),
            host=environ.get("AUCTION_HOST") or "127.0.0.1",
            port=reader.integer("AUCTION_PORT", 8000, minimum=0),
            ws_port=reader.integer("AUCTION_WS_PORT", 8001, minimum=0),
            public_ws_url=environ.get("AUCTION_PUBLIC_WS_URL") or None,
            workers=reader.integer("AUCTION_WORKERS", 1, minimum=1),
            ws_rate=reader.integer("AUCTION_WS_RATE", 20, minimum=1),
            log_level=reader.choice_str("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
            partner_rate=reader.integer("AUCTION_PARTNER_RATE", 50, minimum=1),
            ws_buffer_kib=reader.integer("AUCTION_WS_BUFFER_KIB", 256, minimum=4),
            redis_cluster=reader.boolean("REDIS_CLUSTER", False),
            database_replica_url=environ.get("DATABASE_REPLICA_URL") or None,
            database_replica_max_lag_s=reader.integer("DATABASE_REPLICA_MAX_LAG_S", 5, minimum=1),
            redis_ack_replicas=reader.integer("REDIS_ACK_REPLICAS", 0, minimum=0),
            redis_ack_timeout_ms=reader.integer("REDIS_ACK_TIMEOUT_MS", 500, minimum=1),
            database_pool_size=reader.integer("DATABASE_POOL_SIZE", 10, minimum=1),
        )

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_sandbox(self) -> bool:
        return self.rules is RuleProfileName.SANDBOX


class _Reader:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        return value.strip() if value is not None and value.strip() else None

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
        if value < minimum:
            raise SettingsError(f"{name} must be at least {minimum}, got {value}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "1", "yes"):
            return True
        if raw.lower() in ("false", "0", "no"):
            return False
        raise SettingsError(f"{name} must be true or false, got {raw!r}")

    def choice(self, name: str, kind: type[_E], default: _E) -> _E:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            return kind(raw.lower())
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise SettingsError(f"{name} must be one of {allowed}, got {raw!r}") from None

    def choice_str(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.upper() not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
        return raw.upper()

    def identifier(self, name: str, default: str) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if not all(ch.isalnum() or ch in "-_." for ch in raw):
            raise SettingsError(f"{name} may hold letters, digits, '-', '_' and '.' only, got {raw!r}")
        return raw


def sandbox_secret(data_dir: Path) -> str:
    """The sandbox's own key, made once and kept in the data folder (mode 0600).

    Kept rather than made per process so that sessions and identity-number hashes survive a
    restart of the demo.
    """
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


def derive_lists_key(given: str, secret: str) -> bytes:
    """LISTS_KEY is 32 random bytes, URL-safe base64 (python -c 'import base64, secrets;
    print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'); unset, a key derived
    from SECRET_KEY for this one purpose."""
    if given:
        try:
            key = base64.urlsafe_b64decode(given.encode())
        except (ValueError, binascii.Error):
            key = b""
        if len(key) != 32:
            raise SettingsError("LISTS_KEY must be 32 bytes in URL-safe base64")
        return key
    return hashlib.sha256(b"auction lists key v1\x00" + secret.encode()).digest()
