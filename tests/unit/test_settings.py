from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.settings import ENVIRONMENT, RuleProfileName, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 40


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"SECRET_KEY": GOOD_SECRET}, base_dir=tmp_path)
    assert settings.rules is RuleProfileName.SPC2016
    assert settings.database_url is None and settings.redis_url is None
    assert (settings.port, settings.ws_port, settings.workers) == (8000, 8001, 1)
    assert settings.data_dir == (tmp_path / ".data").resolve()
    assert settings.redis_namespace == "auc"


@pytest.mark.parametrize("secret", [None, "", "changeme", "changethis", "short-secret"])
def test_spc2016_refuses_a_missing_or_placeholder_secret(secret: str | None) -> None:
    environ = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env(environ)


def test_sandbox_makes_and_keeps_its_own_secret(tmp_path: Path) -> None:
    first = Settings.from_env({"AUCTION_RULES": "sandbox", "DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"AUCTION_RULES": "sandbox", "DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AUCTION_RULES", "lenient", "AUCTION_RULES must be one of spc2016, sandbox"),
        ("AUCTION_PORT", "eighty", "AUCTION_PORT must be a whole number"),
        ("AUCTION_WORKERS", "0", "AUCTION_WORKERS must be at least 1"),
        ("AUCTION_EXTENSION_SECONDS", "-5", "at least 1"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("REDIS_NAMESPACE", "a b", "REDIS_NAMESPACE may hold"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"SECRET_KEY": GOOD_SECRET, name: value})


def test_sandbox_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "AUCTION_RULES": "SANDBOX",
            "SECRET_KEY": "s",
            "AUCTION_EXTENSION_SECONDS": "3",
            "AUCTION_OBJECTION_SECONDS": "30",
            "AUCTION_WORKERS": "2",
        }
    )
    assert settings.is_sandbox
    assert (settings.extension_seconds, settings.objection_seconds, settings.workers) == (3, 30, 2)


def test_the_readme_documents_every_variable() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert documented == set(ENVIRONMENT)


def test_nothing_else_reads_the_environment() -> None:
    readers = []
    for package in ("core", "auction", "bidding_engine", "settlement", "web"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            if ("os.environ" in text or "os.getenv" in text) and path.name not in {"cli.py", "settings.py"}:
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []
