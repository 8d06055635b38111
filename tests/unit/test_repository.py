"""Repository hygiene: valid compose file, no developer paths, CI wired to `make test`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_is_valid_yaml_with_the_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"app", "postgres", "redis", "proxy"} <= set(compose["services"])
    assert "--appendonly" in compose["services"]["redis"]["command"]
    for name, service in compose["services"].items():
        assert "healthcheck" in service, f"{name} has no health check"


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_no_file_names_a_path_of_a_developer_machine() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for name in tracked.splitlines():
        path = ROOT / name
        # This file names the patterns it looks for.
        if path.suffix in {".png", ".pdf"} or not path.is_file() or path == Path(__file__):
            continue
        text = path.read_text(errors="ignore")
        if "/work/main" in text or "/root/" in text or "/home/" in text:
            offenders.append(name)
    assert offenders == []
