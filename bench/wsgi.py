"""The portal's WSGI application plus one bare view (no database, no template): the ceiling
of this stack (gunicorn + Django + our middleware) that `manage.py bench` measures pages against.
`BENCH_PAGE_CACHE=0` takes the whole-page cache out of the middleware (the "page cache off"
column)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings

if os.environ.get("BENCH_PAGE_CACHE") == "0":
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
