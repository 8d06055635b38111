"""`auction serve` as `make run` uses it: embedded services, demo, login, clean stop."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from auction.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import Server, start_server


def test_demo_server_serves_and_demo_accounts_sign_in(embedded_server: Server) -> None:
    base = embedded_server.base_url
    health = httpx.get(f"{base}/healthz").json()
    # The worker runs the background loops and says how each is (issue 15): all running.
    assert {k: health[k] for k in ("status", "database", "redis")} == {
        "status": "ok",
        "database": "ok",
        "redis": "ok",
    }
    assert set(health["loops"].values()) == {"running"}, health
    home = httpx.get(f"{base}/", headers={"accept": "text/html"})
    assert home.status_code == 200 and "浙A·8K3T2" in home.text
    for account in DEMO_ACCOUNTS:
        response = httpx.post(
            f"{base}/api/v1/tokens", json={"username": account.username, "password": account.password}
        )
        assert response.status_code == 201, response.text
        me = httpx.get(f"{base}/api/v1/me", headers={"authorization": f"Bearer {response.json()['token']}"})
        assert me.json()["role"] == account.role.value


def _processes_using(folder: Path) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines() if str(folder) in line and "pytest" not in line]


def test_restart_reuses_data_and_stops_its_services(sandbox_environ: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_server(sandbox_environ, data, "--demo")
    assert first.stop() == 0 or first.process.returncode in (0, 143), first.log()
    assert _processes_using(data) == [], "embedded services outlived the server"

    started = time.monotonic()
    second = start_server(sandbox_environ, data, "--demo", timeout_s=10)
    warm_start_s = time.monotonic() - started
    try:
        assert warm_start_s < 10
        token = httpx.post(
            f"{second.base_url}/api/v1/tokens",
            json={"username": "court", "password": DEMO_ACCOUNTS[0].password},
        )
        assert token.status_code == 201
        assert "Demo accounts" in second.log()
    finally:
        second.stop()
    assert _processes_using(data) == []


def test_two_workers_share_the_port(sandbox_environ: dict[str, str], tmp_path: Path) -> None:
    server = start_server(sandbox_environ, tmp_path / "data", "--demo", "--workers", "2")
    try:
        responses = [httpx.get(f"{server.base_url}/api/v1/time") for _ in range(20)]
        assert all(response.status_code == 200 for response in responses)
    finally:
        server.stop()
    assert _processes_using(tmp_path / "data") == []


def test_the_demo_lots_go_live_by_themselves(embedded_server: Server) -> None:
    deadline = time.monotonic() + 10
    live: list[dict] = []
    while time.monotonic() < deadline and len(live) < 2:
        live = httpx.get(f"{embedded_server.base_url}/api/v1/lots?status=live").json()["items"]
        time.sleep(0.2)
    assert len(live) == 2, embedded_server.log()
    detail = httpx.get(f"{embedded_server.base_url}/api/v1/lots/{live[0]['id']}").json()
    now_ms = httpx.get(f"{embedded_server.base_url}/api/v1/time").json()["now_ms"]
    assert 4 * 60_000 <= detail["end_ms"] - now_ms <= 15 * 60_000
    assert detail["registrants"] == 2 and detail["price"] is None
    assert "unknown to the engine" not in embedded_server.log()
