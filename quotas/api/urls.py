"""REST API v1 routes of the quotas app (mounted under /api/v1/): the read-only figures."""

from django.urls import path

from . import views

urlpatterns = [
    path("figures/kpis/", views.KpiFigures.as_view(), name="figures-kpis"),
    path(
        "figures/landing-quotas/",
        views.LandingQuotaFigures.as_view(),
        name="figures-landing-quotas",
    ),
    path(
        "figures/discovery-targets/",
        views.DiscoveryTargetFigures.as_view(),
        name="figures-discovery-targets",
    ),
    path("figures/funnel/", views.FunnelFigures.as_view(), name="figures-funnel"),
    path("figures/scorecard/", views.ScorecardFigures.as_view(), name="figures-scorecard"),
    path("figures/division-map/", views.DivisionMapFigures.as_view(), name="figures-division-map"),
]
