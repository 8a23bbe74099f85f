"""REST API v1: each app adds its routes in `<app>/api/urls.py`."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("achievements.api.urls")),
    path("", include("brokers.api.urls")),
    path("", include("evaluation.api.urls")),
    path("", include("quotas.api.urls")),
]
