"""Real server processes, started the way an operator starts them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    base_url: str
    log_path: Path
    ws_url: str = ""

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(environ: dict[str, str], data_dir: Path, *args: str, timeout_s: float = 60) -> Server:
    port, ws_port = free_port(), free_port()
    log_path = data_dir / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**environ, "DATA_DIR": str(data_dir)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--ws-port", str(ws_port), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path, f"ws://127.0.0.1:{ws_port}/ws")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise AssertionError(f"server did not become healthy in {timeout_s}s:\n{server.log()}")


@pytest.fixture
def sandbox_environ() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return {**environ, "AUCTION_RULES": "sandbox", "SECRET_KEY": TEST_SECRET}


@pytest.fixture
def embedded_server(sandbox_environ: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    """`auction serve --demo` on embedded services in a fresh data folder: what `make run` does."""
    server = start_server(sandbox_environ, tmp_path / "data", "--demo")
    yield server
    server.stop()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps its own event loop running while it is open,
    which must not overlap the async tests' loop.

    Skipped with a visible reason on a machine without it; CI (CI=true) installs it, so
    there a missing browser fails instead.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (.ci/run does)")
        pytest.skip("no /usr/bin/chromium: apt-get install chromium fonts-noto-cjk to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: object, request: pytest.FixtureRequest) -> Iterator[Callable[..., object]]:
    """Open pages in fresh browser contexts (one per user); each is screenshotted if the test fails."""
    from playwright.sync_api import Browser, BrowserContext

    assert isinstance(chromium, Browser)
    contexts: list[BrowserContext] = []

    def open_page(locale: str = "zh-CN") -> object:
        context = chromium.new_context(locale=locale, timezone_id="Asia/Shanghai")
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(new_page: Callable[..., object]) -> object:
    """A fresh browser context and page; a screenshot is saved when the test fails."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
