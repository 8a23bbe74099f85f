from django.urls import path

from ..views import service as views

urlpatterns = [
    path("service/", views.ServiceCaseListView.as_view(), name="service_case_list"),
    path("service/mine/", views.MyCasesView.as_view(), name="service_my_cases"),
    path(
        "service/escalations/", views.EscalationListView.as_view(), name="service_escalation_list"
    ),
    path(
        "service/escalations/<int:pk>/",
        views.escalation_detail,
        name="service_escalation_detail",
    ),
    path(
        "service/escalations/<int:pk>/instruct/",
        views.escalation_instruct,
        name="service_escalation_instruct",
    ),
    path(
        "service/escalations/<int:pk>/handle/",
        views.escalation_handle,
        name="service_escalation_handle",
    ),
    path("service/cases/<int:pk>/", views.case_detail, name="service_case_detail"),
    path("service/cases/<int:pk>/assign/", views.case_assign, name="service_case_assign"),
    path("service/cases/bulk-assign/", views.case_bulk_assign, name="service_case_bulk_assign"),
    path("service/cases/bulk-remind/", views.case_bulk_remind, name="service_case_bulk_remind"),
    path("service/cases/<int:pk>/remind/", views.case_remind, name="service_case_remind"),
    path(
        "service/cases/<int:pk>/follow-ups/new/",
        views.follow_up_create,
        name="service_follow_up_create",
    ),
    path(
        "service/cases/<int:pk>/follow-ups/<int:follow_up_pk>/edit/",
        views.follow_up_edit,
        name="service_follow_up_edit",
    ),
    path(
        "service/cases/<int:pk>/milestones/plan/",
        views.milestone_plan,
        name="service_milestone_plan",
    ),
    path(
        "service/cases/<int:pk>/milestones/<int:milestone_pk>/done/",
        views.milestone_done,
        name="service_milestone_done",
    ),
]
