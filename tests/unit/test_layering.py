"""The dependency direction of docs/architecture.md: web → auction → {bidding_engine, settlement}, and
the shared plumbing (`core`) below all of them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "core": {"auction", "bidding_engine", "settlement", "web"},
    "bidding_engine": {"auction", "settlement", "web"},
    "settlement": {"auction", "bidding_engine", "web"},
    "auction": {"web"},
    "web": set(),
}


def imported_packages(source: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def violations(package: str, files: dict[str, str]) -> list[str]:
    found = []
    for name, source in files.items():
        for line, imported in imported_packages(source):
            if imported in FORBIDDEN[package]:
                found.append(f"{name}:{line}: {package} imports {imported}")
    return found


def test_no_package_imports_against_the_layering() -> None:
    found = []
    for package in FORBIDDEN:
        files = {str(path.relative_to(ROOT)): path.read_text() for path in (ROOT / package).rglob("*.py")}
        assert files, f"{package}/ has no Python files"
        found += violations(package, files)
    assert found == []


def test_load_tests_and_nothing_else_import_web_except_web() -> None:
    for path in (ROOT / "load_tests").rglob("*.py"):
        assert all(pkg != "web" for _, pkg in imported_packages(path.read_text())), path


def test_the_check_catches_each_kind_of_import() -> None:
    bad = {
        "a.py": "import auction.models\n",
        "b.py": "from auction import rules\n",
        "c.py": "def f():\n    from web.app import create_app\n",
        "d.py": "from . import keys\nimport redis\n",
    }
    assert violations("bidding_engine", bad) == [
        "a.py:1: bidding_engine imports auction",
        "b.py:1: bidding_engine imports auction",
        "c.py:2: bidding_engine imports web",
    ]


# -- web/ runs no SQL, money moves only in settlement/, web/ builds no Redis key ---------------

# Modules of web/ that may import SQLAlchemy. None needs to: core.db names the session types web
# passes on to the domain, and the domain runs every query.
WEB_MAY_IMPORT_SQLALCHEMY: frozenset[str] = frozenset()
LEDGER_WRITES = {"post", "reverse", "debit", "credit"}
LEDGER_TABLES = {"LedgerAccount", "LedgerTransaction", "LedgerEntry"}


def sqlalchemy_imports(source: str) -> list[int]:
    return [line for line, imported in imported_packages(source) if imported == "sqlalchemy"]


def ledger_writes(source: str) -> list[int]:
    """Lines that post to the ledger or write its tables directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        posts = (
            isinstance(node, ast.Attribute)
            and node.attr in LEDGER_WRITES
            and isinstance(node.value, ast.Name)
            and node.value.id == "ledger"
        )
        writes_tables = (
            isinstance(node, ast.ImportFrom)
            and node.module in ("settlement.ledger", "settlement.models")
            and any(alias.name in LEDGER_WRITES | LEDGER_TABLES for alias in node.names)
        )
        if posts or writes_tables:
            found.append(getattr(node, "lineno", 0))
    return found


def redis_key_building(source: str) -> list[int]:
    """Lines that make a Redis key or channel name: an f-string that interpolates a namespace,
    or a literal carrying a lot's hash tag."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                if isinstance(part, ast.FormattedValue) and "namespace" in ast.unparse(part.value):
                    found.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "{lot:" in node.value:
            found.append(node.lineno)
    return found


def sources(package: str) -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text() for path in (ROOT / package).rglob("*.py")}


def test_web_runs_no_sql() -> None:
    found = [
        f"{name}:{line}"
        for name, source in sources("web").items()
        if name not in WEB_MAY_IMPORT_SQLALCHEMY
        for line in sqlalchemy_imports(source)
    ]
    assert found == [], "web/ asks the domain for typed values; it imports no SQLAlchemy"


def test_only_settlement_moves_money() -> None:
    found = [
        f"{name}:{line}"
        for package in ("core", "auction", "bidding_engine", "web")
        for name, source in sources(package).items()
        for line in ledger_writes(source)
    ]
    assert found == [], "every posting is a function of settlement/ (postings, plans)"


def test_web_builds_no_redis_key() -> None:
    found = [
        f"{name}:{line}" for name, source in sources("web").items() for line in redis_key_building(source)
    ]
    assert found == [], "key and channel names come from bidding_engine/keys.py (or core)"


def test_the_new_checks_catch_what_they_are_for() -> None:
    assert sqlalchemy_imports(
        "import sqlalchemy as sa\nfrom sqlalchemy.ext.asyncio import AsyncSession\n"
    ) == [1, 2]
    assert ledger_writes("await ledger.post(s, 'x', [])\n") == [1]
    assert ledger_writes("from settlement.ledger import post\n") == [1]
    assert ledger_writes("from settlement.models import LedgerEntry\n") == [1]
    assert ledger_writes("await ledger.check(s)\nfrom settlement import chart\n") == []
    assert redis_key_building('key = f"{self.namespace}:rl:{name}"\n') == [1]
    assert redis_key_building('channel = "auc:{lot:7}:events"\n') == [1]
    assert redis_key_building('text = f"{lot_id} and {name}"\n') == []
