"""URLs of the achievement's life; one module per part (discovery, service_library, …)."""

from . import service

urlpatterns: list = [*service.urlpatterns]
