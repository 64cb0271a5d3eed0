"""The files in deploy/ work as written: the env file parses, gunicorn accepts its config with it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from config import ROOT

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "labapp.env.example"


def env_as_cron_reads_it() -> dict[str, str]:
    """The example env file read the way the cron entry reads it (`set -a; . file`)."""
    script = f"set -a; . {ENV_EXAMPLE}; set +a; env -0"
    output = subprocess.run(["/bin/sh", "-c", script], capture_output=True, check=True, env={}).stdout
    return dict(item.split("=", 1) for item in output.decode().split("\0") if "=" in item)


def test_example_env_file_sets_what_production_requires_and_survives_the_shell():
    env = env_as_cron_reads_it()
    assert env["LABAPP_CONFIG"] == "production"
    for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL"):
        assert env[name]
    assert env["RATELIMIT_REGISTRATION"] == "60 per hour;10 per minute"
    assert env["MAIL_DEFAULT_SENDER"] == "Conversation Labs <labs@example.org>"


def test_example_env_file_only_names_settings_that_exist():
    sources = ("config.py", "labapp/__init__.py", "deploy/gunicorn.conf.py")
    known = "".join((ROOT / path).read_text() for path in sources)
    names = re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE)
    assert names
    assert [name for name in names if f'"{name}"' not in known] == []


def test_gunicorn_accepts_the_config_with_the_production_environment(tmp_path: Path):
    env = {**os.environ, **env_as_cron_reads_it(), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_units_and_cron_run_the_commands_the_contract_names():
    web = (DEPLOY / "labapp-web.service").read_text()
    worker = (DEPLOY / "labapp-worker.service").read_text()
    cron = (DEPLOY / "labapp-reminders.cron").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in web
    assert "flask --app wsgi worker" in worker
    assert "flask --app wsgi reminders send" in cron
    assert all("EnvironmentFile=/etc/labapp/labapp.env" in unit for unit in (web, worker))
