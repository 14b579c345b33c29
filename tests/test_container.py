"""The production container, validated without a Docker engine (none runs where the tests
run): compose.yaml's services, volume, health checks and command, and a Dockerfile that is
slim, non-root and holds no secret. The health endpoint itself is tested through the real
server in tests/test_health.py, including the exact command compose's health check runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET|API_KEY)", re.IGNORECASE)
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[?-][^}]*)?\}")


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_lines() -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def bot_healthcheck_command() -> list[str]:
    return compose()["services"]["bot"]["healthcheck"]["test"][1:]


def test_compose_runs_the_bot_and_postgres_on_a_named_volume() -> None:
    spec = compose()
    db, bot = spec["services"]["db"], spec["services"]["bot"]
    assert db["image"].startswith("postgres:")
    assert "db-data" in spec["volumes"]
    assert "db-data:/var/lib/postgresql/data" in db["volumes"]
    assert bot["build"] == "." and bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["restart"] == db["restart"] == "unless-stopped"
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://interview_bot:${POSTGRES_PASSWORD")
    assert url.endswith("@db:5432/interview_bot")
    assert db["environment"]["POSTGRES_USER"] == "interview_bot"
    assert db["environment"]["POSTGRES_DB"] == "interview_bot"


def test_compose_command_and_health_checks_fit_together() -> None:
    spec = compose()
    db, bot = spec["services"]["db"], spec["services"]["bot"]
    command = bot["command"]
    assert command[0] == "run" and ("--slack" in command or "--discord" in command)
    port = command[command.index("--port") + 1]
    assert "--http" in command and f"{port}:{port}" in bot["ports"]
    check = bot["healthcheck"]
    assert check["test"][0] == "CMD" and f"http://127.0.0.1:{port}/healthz" in check["test"][-1]
    assert check["start_period"] and check["retries"] >= 1
    assert db["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready -U interview_bot -d interview_bot" in db["healthcheck"]["test"][1]


def test_no_secret_is_written_into_compose_or_the_image() -> None:
    spec = compose()
    for name, service in spec["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert VARIABLE.fullmatch(str(value)), f"{name}.{key} is a literal secret"
            assert not re.search(r"xox[bap]-|sk-[A-Za-z0-9]", str(value)), f"{name}.{key}"
    assert spec["services"]["bot"]["env_file"] == ".env"
    example = (ROOT / ".env.example").read_text()
    for variable in set(VARIABLE.findall((ROOT / "compose.yaml").read_text())):
        assert f"# {variable}=" in example, f"{variable} is not documented in .env.example"
    for line in dockerfile_lines():
        instruction, _, rest = line.partition(" ")
        if instruction.upper() in ("ENV", "ARG", "LABEL"):
            assert not SECRET_NAME.search(rest), line
        if instruction.upper() in ("COPY", "ADD"):
            assert ".env" not in shlex.split(rest), line
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for pattern in (".env", ".venv", "*.sqlite3", ".git"):
        assert pattern in ignored


def test_dockerfile_is_slim_non_root_and_runs_the_cli() -> None:
    lines = dockerfile_lines()
    bases = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert bases and all(base.startswith("python:3.11-slim") for base in bases)
    stages = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    final = lines[stages[-1]:]
    users = [line.split()[1] for line in final if line.upper().startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    after_user = final[final.index(f"USER {users[-1]}"):]
    assert not any(line.upper().startswith(("RUN ", "COPY ")) for line in after_user[1:])
    assert 'ENTRYPOINT ["interview-bot"]' in final
    assert any(line.startswith("CMD [\"run\"") for line in final)
    assert any("'.[postgres]'" in line for line in lines)  # the driver compose's URL needs
    copied = [line.split()[1] for line in lines
              if line.startswith("COPY ") and "--from" not in line]
    for package in ("bot", "adapters", "storage"):
        assert package in copied
    assert "tests" not in copied and "bench" not in copied


def test_compose_healthcheck_is_plain_python_from_the_image() -> None:
    command = bot_healthcheck_command()
    assert command[0] == "python" and command[1] == "-c"  # no curl in a slim image
