"""Celery tasks, one module per part of the life.

Celery's autodiscovery imports this package; import every module here so its tasks register.
"""

from . import demands, landing, service  # noqa: F401
