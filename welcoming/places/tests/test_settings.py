import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "WELCOMING_", "DATABASE_URL", "ALLOWED_HOSTS"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "WELCOMING_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-" + "x9Qw!e7Rt#y2Ui$o5Pa%s8Df^g1Hj&k4Lz*x6Cv(b3Nm)" * 2,
    "ALLOWED_HOSTS": "welcome.riverton.example",
    "DATABASE_URL": "postgres://welcoming@127.0.0.1:5432/welcoming",
}


def test_check_deploy_is_clean_in_production_mode() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_sqlite() -> None:
    result = run_manage("check", **{**PRODUCTION, "DATABASE_URL": "sqlite:///tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_needs_allowed_hosts() -> None:
    result = run_manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
