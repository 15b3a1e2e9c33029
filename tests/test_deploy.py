"""The deployment files in deploy/ agree with each other and with the settings the bot reads:
the compose file parses, names its services and only variables settings.py defines, and
nginx's upstreams list the workers' ports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from settings import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
WORKERS = ("worker1", "worker2")


def _compose() -> dict[str, Any]:
    found = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(found, dict)
    return found


def _variables() -> set[str]:
    return {str(field.alias) for field in Settings.model_fields.values() if field.alias}


def _upstream_ports(name: str) -> list[int]:
    text = (DEPLOY / "nginx" / name).read_text()
    return sorted(int(port) for port in re.findall(r"^\s*server\s+\S+:(\d+)", text, re.M))


def test_compose_runs_postgres_two_workers_and_nginx() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", *WORKERS, "nginx"}
    assert re.fullmatch(r"postgres:15\.\d+\S*", services["postgres"]["image"])
    assert re.fullmatch(r"nginx:\d+\.\d+\.\d+\S*", services["nginx"]["image"])
    assert "443:443" in services["nginx"]["ports"]


def test_compose_workers_set_only_variables_the_bot_reads() -> None:
    services = _compose()["services"]
    ports = []
    for name in WORKERS:
        environment = services[name]["environment"]
        assert set(environment) <= _variables(), set(environment) - _variables()
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert environment["WEBHOOK_LISTEN"] == "0.0.0.0"
        ports.append(int(environment["WEBHOOK_PORT"]))
        assert services[name]["env_file"] == "../.env"
    # The same database, each worker its own port.
    assert len({services[n]["environment"]["DATABASE_URL"] for n in WORKERS}) == 1
    assert len(set(ports)) == len(WORKERS)
    assert _upstream_ports("workers-compose.conf") == sorted(ports)
    # The systemd layout runs its workers on the same ports (studyquiz@PORT).
    assert _upstream_ports("workers-systemd.conf") == sorted(ports)


def test_nginx_passes_only_the_webhook_path_with_the_secret_and_a_body_limit() -> None:
    text = (DEPLOY / "nginx" / "studyquiz.conf.template").read_text()
    assert re.findall(r"location\s+(\S+(?:\s+\S+)?)\s*\{", text) == ["= /telegram", "/"]
    assert "proxy_pass http://studyquiz_workers;" in text
    assert '$http_x_telegram_bot_api_secret_token != "${WEBHOOK_SECRET_TOKEN}"' in text
    assert re.search(r"client_max_body_size\s+\d+[km];", text)
    assert "WEBHOOK_SECRET_TOKEN" in _variables()


def test_template_unit_takes_its_port_from_the_instance_name() -> None:
    text = (DEPLOY / "studyquiz@.service").read_text()
    assert re.search(r"^ExecStart=/usr/bin/env WEBHOOK_PORT=%i ", text, re.M)
    assert re.search(r"^EnvironmentFile=/\S+", text, re.M)
    assert re.search(r"^Restart=on-failure$", text, re.M)
    for option in ("NoNewPrivileges=true", "ProtectSystem=strict", "User=studyquiz"):
        assert re.search(rf"^{option}$", text, re.M)


def test_dockerfile_pins_its_base_and_runs_unprivileged() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-\w+$", text, re.M)
    assert "pip install -r requirements.txt" in text
    assert re.search(r"^USER studyquiz$", text, re.M)
