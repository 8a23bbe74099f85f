"""Object permissions (django-rules), one module per part of the life.

django-rules imports this package at start-up; import every module here so its rules register.
"""

from . import demands, discovery, events, landing, service, showcase  # noqa: F401
