"""schemathesis against /openapi.json on a real server: a bounded number of generated requests
per operation, anonymous and as court staff: not one 5xx, and every refusal in the error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.conftest import Server, start_server
from tests.e2e.test_two_workers import token


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import os

    from tests.conftest import TEST_SECRET

    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environ |= {"AUCTION_RULES": "sandbox", "SECRET_KEY": TEST_SECRET}
    server = start_server(environ, Path(tmp_path_factory.mktemp("fuzz")) / "data", "--demo")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_schema(fuzzed_server: Server) -> schemathesis.BaseSchema:
    document = httpx.get(f"{fuzzed_server.base_url}/openapi.json").json()
    assert len(document["paths"]) > 40
    # Loaded from the server's own URL, so the requests go to that server.
    return schemathesis.openapi.from_url(f"{fuzzed_server.base_url}/openapi.json")


def test_no_request_gets_a_server_error(api_schema: schemathesis.BaseSchema, fuzzed_server: Server) -> None:
    staff = {"Authorization": f"Bearer {token(fuzzed_server, 'court')}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    statuses: list[int] = []
    for operation in operations:
        headers = {} if operation.method.upper() == "GET" else staff
        run_operation(operation, headers, statuses)
    assert len(statuses) > 200 and all(status < 500 for status in statuses)


def run_operation(operation: schemathesis.APIOperation, headers: dict[str, str], statuses: list[int]) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def call(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )
        statuses.append(response.status_code)

    call()
