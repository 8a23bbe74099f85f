"""URLs of the achievement's life; one module per part (discovery, service_library, …)."""

from . import demands, events, showcase

urlpatterns: list = [
    *demands.urlpatterns,
    *showcase.urlpatterns,
    *events.urlpatterns,
]
