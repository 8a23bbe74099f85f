from django.urls import path

from . import assessment_views, views

app_name = "quotas"

urlpatterns = [
    path("", views.home, name="home"),
    path("targets/discovery/", views.discovery_targets, name="discovery_targets"),
    path("targets/discovery/edit/", views.discovery_targets_edit, name="discovery_targets_edit"),
    path("targets/landing/", views.landing_quotas, name="landing_quotas"),
    path("targets/landing/edit/", views.landing_quotas_edit, name="landing_quotas_edit"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/units/<str:code>/", views.dashboard_unit, name="dashboard_unit"),
    path("dashboard/map/", assessment_views.division_map_page, name="division_map"),
    path("dashboard/plan-targets/", assessment_views.plan_targets_page, name="plan_targets"),
    path("assessment/", assessment_views.scorecard_page, name="assessment_scorecard"),
    path("assessment/bulletin/", assessment_views.bulletin_page, name="assessment_bulletin"),
    path(
        "assessment/<str:level>/<str:subject>/",
        assessment_views.scorecard_drilldown,
        name="assessment_drilldown",
    ),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("reports/<int:pk>/brief/", views.report_brief, name="report_brief"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
]
