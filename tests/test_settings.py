"""The settings module switches on environment variables alone."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "from config.celery import app;"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'name': str(settings.DATABASES['default']['NAME']),"
    " 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': app.conf.broker_url,"
    " 'cache': settings.CACHES['default']['BACKEND'], 'tz': settings.TIME_ZONE,"
    " 'lang': settings.LANGUAGE_CODE, 'debug': settings.DEBUG,"
    " 'hsts': settings.SECURE_HSTS_SECONDS, 'secure_cookie': settings.SESSION_COOKIE_SECURE}))"
)

CONFIG_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "PRODUCTION",
    "ALLOWED_HOSTS",
    "CACHE_DIR",
    "PORTAL_BASE_URL",
)


def probe(script: str = PROBE, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read(**env) -> dict:
    result = probe(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_and_eager_celery_in_shanghai_and_chinese():
    values = read()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://localhost/"
    assert values["cache"].endswith("FileBasedCache")
    assert (values["tz"], values["lang"]) == ("Asia/Shanghai", "zh-hans")
    assert values["debug"] is False


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    values = read(
        DATABASE_URL="postgres://portal:secret@db.internal:5432/portal",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "portal"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/1"
    assert values["cache"].endswith("RedisCache")


def test_without_redis_every_process_of_the_machine_shares_one_cache(tmp_path):
    """The server, beat and commands must see each other's writes bump the data generation."""
    script = (
        "import django; django.setup();"
        "from kernel.cache import bump_generation, generation;"
        "generation('g'); bump_generation('g'); print(generation('g'))"
    )
    seen = [int(probe(script, CACHE_DIR=str(tmp_path)).stdout.split()[-1]) for _ in range(2)]
    assert seen[1] == seen[0] + 1  # the second process went on from the first one's number


def test_production_refuses_to_start_without_a_secret_key():
    result = probe(PRODUCTION="1")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_portals_address():
    """Links in robot messages and mails are built from it; 127.0.0.1 would reach nobody."""
    result = probe(PRODUCTION="1", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portal.dg.gov.cn")
    assert result.returncode != 0
    assert "PORTAL_BASE_URL must be set" in result.stderr


def test_production_turns_on_secure_cookies_and_hsts():
    values = read(
        PRODUCTION="1",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="portal.dg.gov.cn",
        PORTAL_BASE_URL="https://portal.dg.gov.cn",
    )
    assert values["secure_cookie"] is True
    assert values["hsts"] >= 31536000


def test_this_test_run_uses_the_configured_database(db):
    from django.db import connection

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: no real broker")
def test_a_task_round_trips_through_redis_and_a_real_worker(tmp_path):
    """With REDIS_URL set, `.delay()` goes through Redis to a separately started worker."""
    from config.celery import app

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            "celery",
            "-n",
            f"test-{os.getpid()}@%h",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "worker.log").open("w"),
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # With results ignored, the worker answers through a Redis key we can read.
        from redis import Redis

        redis = Redis.from_url(os.environ["REDIS_URL"])
        key = f"portal-test-ping-{os.getpid()}"
        redis.delete(key)
        app.send_task("config.ping_to_key", kwargs={"key": key})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and redis.get(key) is None:
            time.sleep(0.2)
        assert redis.get(key) == b"pong", (tmp_path / "worker.log").read_text()
        redis.delete(key)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        worker.wait(timeout=30)
