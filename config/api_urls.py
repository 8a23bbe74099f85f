"""REST API v1: each app adds its routes in `<app>/api/urls.py`."""

from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings

# DRF's token view names its own parsers; it gets the portal's (JSON depth limit, towns/hardening).
obtain_auth_token = ObtainAuthToken.as_view(parser_classes=api_settings.DEFAULT_PARSER_CLASSES)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("achievements.api.urls")),
    path("", include("brokers.api.urls")),
    path("", include("evaluation.api.urls")),
]
