import pytest

from config.celery import app as celery_app

from .services import RedisServer


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def real_broker(redis_server, settings):
    """Celery publishes to the private Redis (no longer eager), and the cache lives there too."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    settings.CACHES = {
        "default": {
            "BACKEND": "kernel.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    yield redis_server
    conf.broker_url, conf.task_always_eager = saved
