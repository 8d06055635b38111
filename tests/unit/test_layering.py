"""The dependency direction of DESIGN.md: web → auction → {bidding_engine, settlement}, and
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
