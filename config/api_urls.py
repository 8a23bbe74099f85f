"""REST API v1: each app adds its routes in `<app>/api/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("towns.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("brokers.api.urls")),
    path("", include("investors.api.urls")),
    path("", include("evaluation.api.urls")),
    path("", include("quotas.api.urls")),
]
