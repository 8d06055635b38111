"""Records are kept (the Provisions art. 29: at least 10 years; docs/operations.md): no code path
deletes a published record. Every delete in the application's code is listed here with why it
touches nothing published, and the only DELETE routes are the two that remove private working
state; a new delete fails this test until someone says why it is allowed."""

from __future__ import annotations

import ast
from pathlib import Path

from starlette.routing import Route

from core.settings import Settings
from tests.conftest import TEST_SECRET
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("auction", "settlement", "web", "core", "bidding_engine")
# (module, function) -> what it deletes and why nothing of it was published.
ALLOWED_DELETES = {
    # A draft lot is the court's working copy: never announced, nobody could register.
    ("auction/lots/listing.py", "delete_draft"): {"PriorityHolder", "LotTransition", "lot"},
    # A draft plan is replaced by the next draft; it was never served (a served plan refuses).
    ("settlement/plans.py", "_drop_draft"): {"model", "draft"},
}
ALLOWED_DELETE_ROUTES = {
    "/api/v1/lots/{lot_id}",  # a draft only (409 for any published lot)
    "/api/v1/tokens/current",  # the caller's own API token: revoked, the row kept
}


def _deletes(tree: ast.AST) -> list[tuple[str, str]]:
    """(enclosing function, what is deleted) for each `sa.delete(X)` and `session.delete(x)`."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "delete"
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                found.append((function.name, node.args[0].id))
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "DELETE FROM" in node.value.upper()
            ):
                found.append((function.name, "raw SQL"))
    return found


def test_no_code_path_deletes_a_published_record() -> None:
    seen: dict[tuple[str, str], set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name:
                continue  # a downgrade removes what its upgrade added: an operator's act
            for function, target in _deletes(ast.parse(path.read_text(encoding="utf-8"))):
                seen.setdefault((name, function), set()).add(target)
    assert seen == ALLOWED_DELETES


def test_the_only_delete_routes_remove_private_working_state(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",  # never connected: routes only
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "DATA_DIR": str(tmp_path),
        }
    )
    app = create_app(settings, background=False, gateway=False)
    deleting = {r.path for r in app.routes if isinstance(r, Route) and "DELETE" in (r.methods or set())}
    assert deleting == ALLOWED_DELETE_ROUTES
