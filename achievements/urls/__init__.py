"""URLs of the achievement's life; one module per part (discovery, service_library, …)."""

from . import discovery, landing, service

urlpatterns: list = [
    *discovery.urlpatterns,
    *service.urlpatterns,
    *landing.urlpatterns,
]
