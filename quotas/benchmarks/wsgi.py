"""The portal's WSGI application plus one bare view (no database, no template): the ceiling
of this stack (gunicorn + Django + our middleware) that `manage.py bench` measures pages against."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "quotas.benchmarks.urls"
