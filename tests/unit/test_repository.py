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


def test_the_scaled_topology_has_a_cluster_a_replica_several_apps_and_checks_each() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "scale" / "docker-compose.yml").read_text())
    services = compose["services"]
    apps = [name for name in services if name.startswith("app-")]
    assert len(apps) >= 2 and {"proxy", "postgres-primary", "postgres-replica"} <= set(services)
    assert len([name for name in services if name.startswith("redis-") and name[-1].isdigit()]) == 6
    for name in apps:
        environment = services[name]["environment"]
        assert environment["REDIS_CLUSTER"] == "true" and environment["REDIS_ACK_REPLICAS"] == "1"
        assert "postgres-replica" in environment["DATABASE_REPLICA_URL"]
    for name, service in services.items():
        if name != "redis-cluster-init":  # a one-shot job: it ends once the cluster is formed
            assert "healthcheck" in service, f"{name} has no health check"
    assert "--cluster-replicas 1" in (ROOT / "deploy" / "scale" / "redis-cluster-init.sh").read_text()
    upstreams = (ROOT / "deploy" / "scale" / "nginx.conf").read_text()
    assert all(f"{name}:8000" in upstreams and f"{name}:8001" in upstreams for name in apps)


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
