"""REST API v1 routes of the towns app: API tokens (mounted under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", views.RevokeTokenView.as_view(), name="api-token-revoke"),
    path(
        "auth/tokens/revoke-all/", views.RevokeAllTokensView.as_view(), name="api-tokens-revoke-all"
    ),
]
