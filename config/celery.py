import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping_to_key")
def ping_to_key(key: str) -> None:
    """Write "pong" under a Redis key, so a check can see that a real worker ran it."""
    from django.conf import settings
    from redis import Redis

    Redis.from_url(settings.REDIS_URL).set(key, "pong", ex=300)
