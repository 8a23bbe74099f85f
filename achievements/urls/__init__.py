"""URLs of the achievement's life; one module per part (discovery, service_library, …)."""

from . import demands, discovery, events, landing, service, showcase

app_name = "achievements"

urlpatterns: list = [
    *discovery.urlpatterns,
    *service.urlpatterns,
    *demands.urlpatterns,
    *showcase.urlpatterns,
    *events.urlpatterns,
    *landing.urlpatterns,
]
