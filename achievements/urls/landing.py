from django.urls import path

from ..views import landing as views

urlpatterns = [
    path("landings/", views.LandingListView.as_view(), name="landing_list"),
    path(
        "achievements/<int:pk>/landing/evidence/new/<slug:kind>/",
        views.evidence_create,
        name="landing_evidence_create",
    ),
    path(
        "achievements/<int:pk>/landing/evidence/<int:evidence_pk>/edit/",
        views.evidence_edit,
        name="landing_evidence_edit",
    ),
    path(
        "achievements/<int:pk>/landing/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="landing_evidence_delete",
    ),
    path(
        "landing-evidence/<int:evidence_pk>/document/",
        views.evidence_document,
        name="landing_evidence_document",
    ),
    path("achievements/<int:pk>/landing/check/", views.landing_check_now, name="landing_check"),
    path("achievements/<int:pk>/landing/verify/", views.landing_verify, name="landing_verify"),
    path(
        "achievements/<int:pk>/landing/verify/preview/",
        views.landing_credit_preview,
        name="landing_credit_preview",
    ),
    path(
        "achievements/<int:pk>/landing/contribution/",
        views.landing_contribution,
        name="landing_contribution",
    ),
    path("achievements/<int:pk>/landing/revoke/", views.landing_revoke, name="landing_revoke"),
]
